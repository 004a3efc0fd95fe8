"""An uploaded import file kept between the dry run and the confirmation.

The file goes to the default storage (the media folder, never served) under a random name; the
staff member's session holds the token, so only the person who uploaded it can import it. A
confirmed import removes it; files left behind are removed after a day on the next upload.
"""

import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "import-staging"
SESSION_KEY = "import_staging"
KEEP = timedelta(days=1)
KEEP_PER_SESSION = 5


def keep(request, *, name, content, agency, only_good):
    _sweep()
    token = secrets.token_urlsafe(16)
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    path = default_storage.save(f"{FOLDER}/{token}.{suffix}", ContentFile(content))
    kept = dict(request.session.get(SESSION_KEY) or {})
    while len(kept) >= KEEP_PER_SESSION:  # the oldest dry runs of this session give way
        oldest = next(iter(kept))
        drop_entry = kept.pop(oldest)
        if default_storage.exists(drop_entry["path"]):
            default_storage.delete(drop_entry["path"])
    kept[token] = {"path": path, "name": name, "agency": agency.pk, "only_good": bool(only_good)}
    request.session[SESSION_KEY] = kept
    return token


def load(request, token):
    """The kept upload as {name, content, agency, only_good}, or None (expired or not this user's)."""
    entry = (request.session.get(SESSION_KEY) or {}).get(token)
    if not entry or not default_storage.exists(entry["path"]):
        return None
    with default_storage.open(entry["path"], "rb") as handle:
        return {**entry, "content": handle.read()}


def drop(request, token):
    kept = dict(request.session.get(SESSION_KEY) or {})
    entry = kept.pop(token, None)
    request.session[SESSION_KEY] = kept
    if entry and default_storage.exists(entry["path"]):
        default_storage.delete(entry["path"])


def _sweep():
    try:
        _, names = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return
    limit = timezone.now() - KEEP
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
