"""Short ID numbers (passports, permits) were stored almost unmasked: mask them again.

The new rule (``accounts.masking.mask_id_number``) shows fewer characters than the old one, so
the new masked form is computed from the old masked form alone: no key, no decryption.
"""

from django.db import migrations


def remask(old):
    length = len(old)
    if length == 15:
        return old[:6] + "*" * 6 + old[-3:]
    if 10 <= length < 15:  # the old rule showed six and four characters of these
        return old[:1] + "*" * (length - 3) + old[-2:]
    return old  # resident IDs are unchanged; shorter values were already all stars


def forwards(apps, schema_editor):
    Applicant = apps.get_model("applications", "Applicant")
    changed = []
    for applicant in Applicant.objects.only("id", "id_number_masked").iterator(chunk_size=2000):
        new = remask(applicant.id_number_masked)
        if new != applicant.id_number_masked:
            applicant.id_number_masked = new
            changed.append(applicant)
    Applicant.objects.bulk_update(changed, ["id_number_masked"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("applications", "0007_notice_outcome_and_numbers")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
