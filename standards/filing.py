"""The item import's 事项 column: a cell names the 事项 an imported item is filed under.

A cell holds one or more 事项 separated by “；” (or a line break), each written as
``一级事项›二级事项`` (also ``一级事项/二级事项``, ``一级事项-二级事项``) or, when unambiguous among the
agency's 事项, the 二级事项 alone. Names are matched exactly (spaces ignored); they do not go
through the import's vocabulary mapping, which is for the old portal's topic and genre words —
a 事项 the agency's catalogues do not hold is an error on that line, never a guess.
"""

import re

from django.core.exceptions import ValidationError

from disclosure import importing
from standards.models import Entry, Filing

ALIASES = ("事项", "标准目录事项", "公开事项", "所属事项")
_SEPARATORS = re.compile(r"[；;\n]+")
_PAIR = re.compile(r"\s*(?:›|>|/|／|-|—|－)\s*")


def _squash(text):
    return re.sub(r"[\s\u3000]+", "", text)


def prepare(agency):
    """{full name or 二级事项: [entry ids]} for the agency's 事项 (one query)."""
    names = {}
    for pk, level1, level2 in Entry.objects.for_agency(agency).values_list(
        "pk", "level1", "level2"
    ):
        names.setdefault(f"{_squash(level1)}›{_squash(level2)}", []).append(pk)
        names.setdefault(_squash(level2), []).append(pk)
    return names


def clean(names, text):
    """The entry ids a cell names; ValidationError naming what could not be matched."""
    if not text:
        return []
    found, problems = [], []
    for part in _SEPARATORS.split(text):
        part = part.strip()
        if not part:
            continue
        pieces = _PAIR.split(part, maxsplit=1)
        key = "›".join(_squash(p) for p in pieces) if len(pieces) == 2 else _squash(part)
        ids = names.get(key, [])
        if not ids:
            problems.append(f"事项“{part}”不在本机构适用的标准目录中")
        elif len(ids) > 1:
            problems.append(f"事项“{part}”有多个同名，请写成“一级事项›二级事项”")
        elif ids[0] not in found:
            found.append(ids[0])
    if problems:
        raise ValidationError(problems)
    return found


def save(by, pairs):
    Filing.objects.bulk_create(
        [
            Filing(item=item, agency_id=item.agency_id, entry_id=pk, filed_by=by)
            for item, ids in pairs
            for pk in ids
        ],
        ignore_conflicts=True,
    )


def register_import_column():
    if "standard_entries" not in importing.EXTRA_COLUMNS:
        importing.register_column(
            importing.ExtraColumn(
                key="standard_entries", aliases=ALIASES, prepare=prepare, clean=clean, save=save
            )
        )
