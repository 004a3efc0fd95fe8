"""The default answer classes (DOMAIN.md §4): A/B/C. Staff may change or extend them in the admin."""

from proposals.models import AnswerClass

DEFAULT_CLASSES = [
    ("A", "已解决或基本解决", "所提问题已经解决或基本解决", 10),
    ("B", "正在解决或列入计划解决", "所提问题正在解决或已列入计划逐步解决", 20),
    ("C", "因条件限制暂时难以解决", "所提问题因条件限制或其他原因暂时难以解决，留作参考", 30),
]


def ensure_defaults():
    """Create the default classes that are missing (a flushed test database, an old install)."""
    for code, name, description, order in DEFAULT_CLASSES:
        AnswerClass.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )
    return {c.code: c for c in AnswerClass.objects.all()}
