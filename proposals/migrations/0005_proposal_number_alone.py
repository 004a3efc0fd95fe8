"""Proposal numbers are stored alone: 第56号, 56号, ５６ and 0056 become 56.

The rule is copied here (not imported from proposals.numbers) so that this migration keeps
doing what it did when the live code changes. Two rows of one session that would become the
same number keep their text (the unique constraint would refuse the second); the pages print
both as 第…号 anyway, and the migration names them so staff can check.
"""

import re
import unicodedata

from django.db import migrations, models


def _alone(value):
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or ""))
    text = text.removeprefix("第").removesuffix("号").removesuffix("號")
    text = text.removeprefix("No.").removeprefix("NO.").removeprefix("no.")
    return str(int(text)) if text.isdigit() else text


def forwards(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    taken = set(Proposal.objects.values_list("session_id", "number"))
    for pk, session_id, number in Proposal.objects.values_list("pk", "session_id", "number"):
        alone = _alone(number)
        if not alone or alone == number:
            continue
        if (session_id, alone) in taken:
            print(f"\n  建议提案 id={pk} 的编号“{number}”与同届次已有编号 {alone} 重复，未改动。")
            continue
        Proposal.objects.filter(pk=pk).update(number=alone)
        taken.discard((session_id, number))
        taken.add((session_id, alone))


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0004_agency_in_agencies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="proposal",
            name="number",
            field=models.CharField(
                help_text="只存编号本身：填 56、第56号、５６ 都保存为 56，页面显示为“第56号”。同一会议届次内不得重复。",
                max_length=20,
                verbose_name="编号",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
