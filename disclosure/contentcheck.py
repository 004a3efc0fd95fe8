"""The pre-publication content check (保密审查 help): pure functions over texts and where they are.

``check(sources, ...)`` finds, in the title, summary, body and attachments' text of an item:
resident ID numbers with a valid checksum, mobile numbers, bank card numbers (Luhn), secrecy
marks (密级标志 and 内部资料-style marks), organ names that a reform replaced (in items formed
after the change), the district's 错敏词, and links the link checker found dead. Each hit says
what matched, its context and where it is. Nothing here reads the database: callers pass the
texts (``disclosure.screening`` does for items), which keeps the rules easy to test.

The check helps the reviewer; it does not decide. A hit is resolved by fixing the text, or by
the reviewer's recorded reason (an ID number in a 行政处罚决定 may be masked already elsewhere,
a 秘密 in a quoted law is no mark).
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from accounts.masking import mask_id_number, mask_phone, mask_text


class HitKind:
    ID_NUMBER = "id_number"
    MOBILE = "mobile"
    BANK_CARD = "bank_card"
    SECRECY = "secrecy"
    OLD_ORGAN = "old_organ"
    WORDING = "wording"
    DEAD_LINK = "dead_link"

    LABELS = {
        ID_NUMBER: "身份证号码",
        MOBILE: "手机号码",
        BANK_CARD: "银行卡号",
        SECRECY: "密级或内部标志",
        OLD_ORGAN: "已更名的机构名称",
        WORDING: "错敏词",
        DEAD_LINK: "无法访问的链接",
    }


@dataclass(frozen=True)
class Source:
    """One text of an item and how to name where it is."""

    label: str  # 名称, 内容概述, 正文, 附件《…》
    text: str
    pages: tuple = ()  # ((page label, offset of its first character), …) for PDF and XLSX


@dataclass(frozen=True)
class Hit:
    kind: str
    matched: str
    location: str
    context: str  # the matched text with up to CONTEXT characters either side
    detail: str = ""
    occurrences: int = field(default=1, compare=False)

    @property
    def kind_label(self):
        return HitKind.LABELS[self.kind]

    @property
    def fingerprint(self):
        """Stable across runs while the same text stays at the same place (reasons attach to it)."""
        raw = f"{self.kind}|{self.matched}|{self.location}".encode()
        return hashlib.sha256(raw).hexdigest()[:32]

    @property
    def masked(self):
        return mask_value(self.kind, self.matched)

    @property
    def masked_context(self):
        return mask_personal(self.context.replace(self.matched, self.masked))


CONTEXT = 20


def mask_value(kind, value):
    if kind == HitKind.ID_NUMBER:
        return mask_id_number(value)
    if kind == HitKind.MOBILE:
        digits = re.sub(r"\D", "", value)
        return mask_phone(digits)
    if kind == HitKind.BANK_CARD:
        digits = re.sub(r"\D", "", value)
        return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
    return value


# --- personal numbers --------------------------------------------------------------------------

_ID = re.compile(r"(?<![0-9A-Za-z])[1-8]\d{16}[\dXx](?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_id_number(value):
    """GB 11643 checksum and a real birth date (1900 to today)."""
    value = value.upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= timezone.localdate()


# 11 digits from 13x–19x, also written 139-1234-5678 or 139 1234 5678.
_MOBILE = re.compile(r"(?<![0-9])1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")
# 16–19 digits, or groups of four separated by single spaces (6222 0212 3456 7890 123).
_CARD = re.compile(r"(?<![0-9])(?:\d{16,19}|\d{4}(?: \d{4}){3}(?: \d{1,3})?)(?![0-9])")
# Issuer prefixes of the cards used in China: 62 China UnionPay, 4 Visa, 51–55 Mastercard,
# 35 JCB. Other long numbers (index numbers, serials, codes) are not cards.
_CARD_PREFIX = re.compile(r"^(?:62|4|5[1-5]|35)")


def luhn(digits):
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def mask_personal(text):
    """``text`` with every ID, mobile and card-like number masked (for logs, CSV, audit rows)."""
    text = _ID.sub(lambda m: mask_id_number(m.group()), text)
    text = _CARD.sub(lambda m: mask_value(HitKind.BANK_CARD, m.group()), text)
    text = _MOBILE.sub(lambda m: mask_value(HitKind.MOBILE, m.group()), text)
    return mask_text(text)


# --- secrecy marks -----------------------------------------------------------------------------

# A 密级 with its star (机密★1年, 秘密★, 绝密 ★ 长期), or written after 密级：.
_CLASSIFIED = re.compile(r"(?:绝密|机密|秘密)\s*★[^\s，。；,;]{0,4}|密级[:：]\s*(?:绝密|机密|秘密)")
# A 密级 alone on its line (how the mark is printed at a document's top), or 绝密 anywhere.
_CLASSIFIED_LINE = re.compile(r"^[ \t　]*(?:绝密|机密|秘密)[ \t　]*$|绝密", re.MULTILINE)
_INTERNAL = re.compile(r"内部资料|内部文件|注意保存|不得外传|此件不公开|内部传阅|内部使用")


# --- renamed organs ----------------------------------------------------------------------------

# (old name, new name, the day from which the old name is out of date, source). Names used by
# every locality, matched with whatever place name precedes them. National bodies changed when
# the 2018 国务院机构改革方案 (adopted 2018-03-17) was carried out and the new ministries opened
# (挂牌, April 2018); provincial reforms ended in 2018 and city and county reforms "2019年3月底前
# 基本完成", so local names are flagged from 2019-04-01.
NATIONAL_2018 = "2018年国务院机构改革方案"
LOCAL_2019 = "2018—2019年地方机构改革（市县2019年3月底前完成）"
RENAMED_ORGANS = (
    ("国家安全生产监督管理总局", "应急管理部", date(2018, 4, 16), NATIONAL_2018),
    ("国土资源部", "自然资源部", date(2018, 4, 10), NATIONAL_2018),
    ("环境保护部", "生态环境部", date(2018, 4, 16), NATIONAL_2018),
    ("农业部", "农业农村部", date(2018, 4, 3), NATIONAL_2018),
    ("国家卫生和计划生育委员会", "国家卫生健康委员会", date(2018, 4, 3), NATIONAL_2018),
    ("国家旅游局", "文化和旅游部", date(2018, 4, 8), NATIONAL_2018),
    ("国家工商行政管理总局", "国家市场监督管理总局", date(2018, 4, 10), NATIONAL_2018),
    ("国家质量监督检验检疫总局", "国家市场监督管理总局", date(2018, 4, 10), NATIONAL_2018),
    ("安全生产监督管理局", "应急管理局", date(2019, 4, 1), LOCAL_2019),
    ("国土资源局", "自然资源局", date(2019, 4, 1), LOCAL_2019),
    ("环境保护局", "生态环境局", date(2019, 4, 1), LOCAL_2019),
    ("卫生和计划生育局", "卫生健康局", date(2019, 4, 1), LOCAL_2019),
    ("卫生和计划生育委员会", "卫生健康委员会", date(2019, 4, 1), LOCAL_2019),
    ("工商行政管理局", "市场监督管理局", date(2019, 4, 1), LOCAL_2019),
    ("食品药品监督管理局", "市场监督管理局", date(2019, 4, 1), LOCAL_2019),
    ("质量技术监督局", "市场监督管理局", date(2019, 4, 1), LOCAL_2019),
)
# Longest first: at one place the national name wins over the local one it contains.
_ORGANS = sorted(RENAMED_ORGANS, key=lambda row: -len(row[0]))
_ORGAN = re.compile("|".join(re.escape(row[0]) for row in _ORGANS))
_ORGAN_ROW = {row[0]: row for row in _ORGANS}
# "原XX区安全生产监督管理局" and "XX（原安全生产监督管理局）" name the old body on purpose.
_FORMER = re.compile(r"原[\u4e00-\u9fff]{0,12}$")

_URL = re.compile(r"https?://[^\s<>\"'，。；、）)】]+")

# The default 错敏词 (typos of the state's and the Party's names and of common official terms);
# each district adds its own in the admin (SensitiveWord).
DEFAULT_WORDS = (
    ("中华人民共合国", "中华人民共和国"),
    ("中华人民共和图", "中华人民共和国"),
    ("中国共产档", "中国共产党"),
    ("社会主义核心价值现", "社会主义核心价值观"),
    ("国务院办公厅厅", "国务院办公厅"),
)


def _where(source, offset):
    label = ""
    for page_label, start in source.pages:
        if start > offset:
            break
        label = page_label
    return source.label + label


def _context(text, start, end):
    """Up to CONTEXT characters either side, widened so that no number is cut in two (a cut ID
    number would escape masking and show its birth date)."""
    start, end = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    while start > 0 and text[start - 1] in _NUMBER_CHARS:
        start -= 1
    while end < len(text) and text[end] in _NUMBER_CHARS:
        end += 1
    return text[start:end].replace("\n", " ").replace("\r", " ")


_NUMBER_CHARS = set("0123456789Xx- ")


def check(sources, *, formed_on=None, words=DEFAULT_WORDS, dead_links=None):
    """Every hit in ``sources``, in reading order; the same text at the same place once.

    ``formed_on`` is the item's 生成日期 (renamed organs count only after their change);
    ``words`` are (word, suggestion) pairs; ``dead_links`` maps a URL to what its check found.
    """
    found = {}

    def add(kind, source, start, end, detail=""):
        text = source.text
        hit = Hit(
            kind,
            text[start:end],
            _where(source, start),
            _context(text, start, end),
            detail,
        )
        key = hit.fingerprint
        if key in found:
            previous = found[key]
            found[key] = Hit(**{**previous.__dict__, "occurrences": previous.occurrences + 1})
        else:
            found[key] = hit

    formed_on = formed_on or timezone.localdate()
    wording = [(w, s) for w, s in words if w]
    wording_re = (
        re.compile("|".join(re.escape(w) for w, _ in sorted(wording, key=lambda p: -len(p[0]))))
        if wording
        else None
    )
    suggestions = dict(wording)
    for source in sources:
        text = source.text or ""
        if not text:
            continue
        taken = []  # spans of ID numbers: their digits are no card or phone number
        for match in _ID.finditer(text):
            if valid_id_number(match.group()):
                add(HitKind.ID_NUMBER, source, match.start(), match.end())
                taken.append(match.span())

        def free(span, taken=taken):
            return not any(s < span[1] and span[0] < e for s, e in taken)

        for match in _CARD.finditer(text):
            digits = match.group().replace(" ", "")
            card = 16 <= len(digits) <= 19 and _CARD_PREFIX.match(digits) and luhn(digits)
            if card and free(match.span()):
                add(HitKind.BANK_CARD, source, match.start(), match.end())
                taken.append(match.span())
        for match in _MOBILE.finditer(text):
            if free(match.span()):
                add(HitKind.MOBILE, source, match.start(), match.end())
        marks = []
        for pattern in (_CLASSIFIED, _CLASSIFIED_LINE, _INTERNAL):
            for match in pattern.finditer(text):
                start = match.start() + len(match.group()) - len(match.group().lstrip(" \t　"))
                end = match.start() + len(match.group().rstrip(" \t　"))
                if not any(s < end and start < e for s, e in marks):
                    marks.append((start, end))
                    add(HitKind.SECRECY, source, start, end)
        for match in _ORGAN.finditer(text):
            old, new, since, why = _ORGAN_ROW[match.group()]
            if formed_on < since or _FORMER.search(
                text[max(0, match.start() - 13) : match.start()]
            ):
                continue
            add(
                HitKind.OLD_ORGAN,
                source,
                match.start(),
                match.end(),
                f"{since:%Y年%-m月%-d日}起应为“{new}”",
            )
        if wording_re is not None:
            for match in wording_re.finditer(text):
                suggestion = suggestions.get(match.group())
                add(
                    HitKind.WORDING,
                    source,
                    match.start(),
                    match.end(),
                    f"建议改为“{suggestion}”" if suggestion else "",
                )
        if dead_links:
            for match in _URL.finditer(text):
                url = match.group().rstrip(".,")
                if url in dead_links:
                    add(
                        HitKind.DEAD_LINK,
                        source,
                        match.start(),
                        match.start() + len(url),
                        dead_links[url],
                    )
    return list(found.values())


def links(text):
    """The http(s) links written in a text (the link checker's input)."""
    return [match.group().rstrip(".,") for match in _URL.finditer(text or "")]
