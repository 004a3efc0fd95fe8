"""Notices (告知书): the text of each one, built from the templates in ``notice_texts``.

``draft`` returns title, addressee, body and legal basis for a new draft; the clerk may edit the
body until the notice is issued, when it is numbered and frozen. The applicant is addressed by
name; ID number, phone and address never appear. The request is quoted once: trailing
punctuation trimmed, inner double quotes turned into single ones, runs of punctuation reduced to
one mark, so a notice never reads ``“…。”。`` or ``。。``.
"""

import re
import string
from decimal import Decimal

from applications import notice_texts as texts
from applications.models import Delivery, Form, NoticeKind, Outcome, PauseKind

TITLES = {
    NoticeKind.REPLY: "政府信息公开申请答复书",
    NoticeKind.CORRECTION: "补正申请告知书",
    NoticeKind.EXTENSION: "延期答复告知书",
    NoticeKind.FEE: "信息处理费缴费通知书",
    NoticeKind.ACKNOWLEDGEMENT: "政府信息公开申请受理回执",
}
CONSULTATION_TITLES = {
    PauseKind.THIRD_PARTY: "政府信息公开第三方意见征询函",
    PauseKind.AGENCY: "政府信息公开征求意见函",
}
SELF_NAMES = {
    NoticeKind.REPLY: "答复书",
    NoticeKind.CORRECTION: "告知书",
    NoticeKind.EXTENSION: "告知书",
    NoticeKind.FEE: "通知书",
    NoticeKind.CONSULTATION: "函",
    NoticeKind.ACKNOWLEDGEMENT: "回执",
}
BASIS = {
    NoticeKind.CORRECTION: "《条例》第三十条",
    NoticeKind.EXTENSION: "《条例》第三十三条第二款",
    NoticeKind.FEE: "《条例》第四十二条、《政府信息公开信息处理费管理办法》",
    NoticeKind.ACKNOWLEDGEMENT: "《条例》第三十一条、第三十三条",
}
CONSULTATION_BASIS = {
    PauseKind.THIRD_PARTY: "《条例》第三十二条",
    PauseKind.AGENCY: "《条例》第三十四条",
}

# Outcomes whose reply must carry the clerk's reason (the Regulations require reasons for a
# refusal, Art. 36(3), and a lawyer gives them for every answer that does not provide).
REASON_OPTIONAL = {Outcome.GRANTED, Outcome.NO_CORRECTION, Outcome.UNPAID_FEE}

_TRAILING = "。．.，,、；;：:！!？?～~…　 \t\r\n"
_PUNCT_RUN = re.compile(r"([。，、；：！？])[。，、；：！？.,;:!?]+")
_EMPTY_QUOTES = re.compile(r"“\s*”|‘\s*’|「\s*」|『\s*』|\"\s*\"|'\s*'")
_SPACES = re.compile(r"[ \t\u3000]+")


def _straight_quotes(text, opening, closing):
    parts = text.split('"')
    return "".join(
        part + ((opening if i % 2 == 0 else closing) if i < len(parts) - 1 else "")
        for i, part in enumerate(parts)
    )


def balance(text):
    """Drop quotation marks that close nothing or are never closed (a stray “ or ’)."""
    pairs = {"“": "”", "‘": "’", "「": "」", "『": "』"}
    closers = {v: k for k, v in pairs.items()}
    keep, stack = [True] * len(text), []
    for i, ch in enumerate(text):
        if ch in pairs:
            stack.append(i)
        elif ch in closers:
            if stack and text[stack[-1]] == closers[ch]:
                stack.pop()
            else:
                keep[i] = False
    for i in stack:
        keep[i] = False
    return "".join(ch for ch, k in zip(text, keep, strict=True) if k)


def tidy(text):
    """One clean run of text: quotes paired, whitespace collapsed, empty quotes dropped,
    repeated marks reduced."""
    text = balance(_straight_quotes(text or "", "“", "”"))
    text = _EMPTY_QUOTES.sub("", text)
    text = _PUNCT_RUN.sub(r"\1", text)
    text = _SPACES.sub(" ", text)
    return text.strip()


def clause(text):
    """``text`` as a clause: tidy, no trailing punctuation (to be followed by the template's)."""
    lines = [tidy(line).strip(_TRAILING) for line in (text or "").splitlines()]
    joined = "；".join(line for line in lines if line)
    joined = _PUNCT_RUN.sub(r"\1", joined)
    return joined.strip(_TRAILING).strip()


def sentence(text):
    """``text`` as one or more sentences ending in exactly one full stop, or "" when empty."""
    body = clause(text)
    if not body:
        return ""
    if body.endswith(("。”", "！”", "？”", "。’", "！’", "？’")):
        return body
    return body + "。"


def quoted(text):
    """The applicant's description inside “”: inner double quotes become single ones."""
    inner = clause(text)  # straight quotes are paired as “” there
    inner = balance(inner.replace("‘", "“").replace("’", "”"))  # one level inside the quote
    inner = inner.replace("“", "‘").replace("”", "’")
    inner = _EMPTY_QUOTES.sub("", inner).strip().strip(_TRAILING)
    return f"“{inner}”" if inner else ""


def request_phrase(application):
    quote = quoted(application.description)
    number = clause(application.document_number)
    if not quote:
        return "申请获取相关政府信息"
    if number:
        return f"申请获取{quote}（文号：{number}）"
    return f"申请获取{quote}"


def yuan(amount):
    return f"{Decimal(amount):.2f}" if amount is not None else ""


def cn_date(value):
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


class _Strict(string.Formatter):
    """str.format that refuses a missing field, so no notice can print ``{name}``."""

    def get_value(self, key, args, kwargs):
        if key not in kwargs:
            raise KeyError(f"告知书模板缺少字段：{key}")
        return kwargs[key]


def fill(template, **values):
    return _Strict().format(template, **values)


def remedy(agency, *, self_name, review_first=False, partial=False):
    body = clause(getattr(agency, "reconsideration_body", "")) or "行政复议机关"
    court = clause(getattr(agency, "litigation_court", "")) or "有管辖权的人民法院"
    values = {"self_name": self_name, "reconsideration_body": body, "court": court}
    if review_first:
        rest = fill(texts.REMEDY_REST_PARTIAL, **values) if partial else ""
        return fill(texts.REMEDY_REVIEW_FIRST, rest=rest, **values)
    return fill(texts.REMEDY, **values)


def missing_settings(agency):
    """What the agency still has to configure before its notices are complete (shown to staff)."""
    missing = []
    if not (getattr(agency, "reconsideration_body", "") or "").strip():
        missing.append("行政复议机关")
    if not (getattr(agency, "litigation_court", "") or "").strip():
        missing.append("行政诉讼管辖法院")
    return missing


def contact(agency):
    office = clause(agency.ogi_office) or clause(agency.name)
    phone = clause(agency.phone)
    if not phone:
        return ""
    return fill(texts.CONTACT, office=office, phone=phone)


def _common(application):
    return {
        "received_on": cn_date(application.received_on),
        "tracking_number": application.tracking_number,
        "request": request_phrase(application),
        "channel_phrase": texts.CHANNEL_PHRASES.get(application.channel, ""),
        "form": Form(application.form).label if application.form else "",
        "delivery": Delivery(application.delivery).label if application.delivery else "",
    }


def reply_template(outcome, details):
    if outcome == Outcome.NOT_HELD and clause(details.get("organ", "")):
        return "unable.not_held.referral"
    if outcome == Outcome.GRANTED and clause(details.get("published", "")):
        return "granted.published"
    return str(outcome)


def reply_basis(outcome, details):
    leaf = texts.LEAVES[reply_template(outcome, details)]
    if outcome == Outcome.OTHER:
        return clause(details.get("basis", ""))
    if outcome == Outcome.PARTIAL and details.get("ground") in texts.GROUNDS:
        return f"{leaf.basis}、《条例》{texts.GROUNDS[details['ground']][1]}"
    return leaf.basis


def _reply_values(application, details):
    values = {
        "reason": sentence(details.get("reason", "")),
        "reason_clause": clause(details.get("reason", "")),
        "withheld": clause(details.get("withheld", "")),
        "organ": clause(details.get("organ", "")),
        "published": clause(details.get("published", "")),
        "organ_contact": "",
        "other_basis": clause(details.get("basis", "")),
        "consulted": "",
        "correction_history": "",
        "correction_requested_on": cn_date(application.correction_requested_on),
        "correction_received_on": cn_date(application.correction_received_on),
        "correction_due": cn_date(application.correction_due),
        "fee_notified_on": cn_date(application.fee_notified_on),
        "fee_amount": yuan(application.fee_amount),
        "fee_until": "",
        "ground": "",
        "ground_article": "",
    }
    organ_contact = clause(details.get("organ_contact", ""))
    if organ_contact:
        values["organ_contact"] = f"（联系方式：{organ_contact}）"
    ground = details.get("ground")
    if ground in texts.GROUNDS:
        values["ground"], values["ground_article"] = texts.GROUNDS[ground]
    if application.correction_requested_on and application.correction_received_on:
        values["correction_history"] = fill(texts.CORRECTION_HISTORY, **values)
    if application.pk is not None:
        pauses = list(application.pauses.all())
        if any(p.kind == PauseKind.THIRD_PARTY for p in pauses):
            values["consulted"] = texts.THIRD_PARTY_CONSULTED
        fee_pauses = [p for p in pauses if p.kind == PauseKind.FEE]
        if fee_pauses:
            values["fee_until"] = cn_date(fee_pauses[-1].until)
    return values


def reply_body(application, outcome, details):
    leaf = texts.LEAVES[reply_template(outcome, details)]
    values = {**_common(application), **_reply_values(application, details)}
    paragraphs = [fill(texts.OPENING, **values), "现答复如下：", fill(leaf.decision, **values)]
    paragraphs.append(
        remedy(
            application.agency,
            self_name=SELF_NAMES[NoticeKind.REPLY],
            review_first=leaf.review_first,
            partial=outcome == Outcome.PARTIAL,
        )
    )
    if contact(application.agency):
        paragraphs.append(contact(application.agency))
    return _join(paragraphs)


def _join(paragraphs):
    text = "\n\n".join(p.strip() for p in paragraphs if p and p.strip())
    # "现答复如下：" belongs to the opening paragraph.
    text = text.replace("。\n\n现答复如下：", "。现答复如下：")
    return name_the_regulations(text)


SHORT = "《条例》"
FULL = "《中华人民共和国政府信息公开条例》"


def name_the_regulations(text):
    """The first mention of the Regulations is written out, with the short name defined only if
    the notice uses it again."""
    text = text.replace(FULL, SHORT)  # a clerk may have written it out too
    first = text.find(SHORT)
    if first < 0:
        return text
    again = text.find(SHORT, first + len(SHORT)) >= 0
    full = f"{FULL}（以下简称{SHORT}）" if again else FULL
    return text[:first] + full + text[first + len(SHORT) :]


def _procedural_body(application, kind, extra):
    values = _common(application)
    if kind == NoticeKind.CORRECTION:
        items = [sentence(line) for line in (extra.get("items") or "").splitlines()]
        items = [item for item in items if item]
        numbered = (
            "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
            if len(items) > 1
            else "".join(items)
        )
        body = fill(
            texts.CORRECTION,
            items=numbered,
            correction_due=cn_date(application.correction_due),
            **values,
        )
    elif kind == NoticeKind.EXTENSION:
        reason = re.sub(r"^(因为|因|由于)", "", clause(application.extension_reason))
        body = fill(
            texts.EXTENSION,
            reason_clause=reason,
            days=application.extension_days,
            due_date=cn_date(application.due_date),
            **values,
        )
    elif kind == NoticeKind.FEE:
        unit = "件（本自然月累计）" if application.fee_method == "by_count" else "页"
        body = fill(
            texts.FEE,
            fee_method=application.get_fee_method_display().split("（")[0],
            fee_units=f"{application.fee_units}{unit}",
            fee_amount=yuan(application.fee_amount),
            **values,
        )
    elif kind == NoticeKind.ACKNOWLEDGEMENT:
        due_phrase = f"（即{cn_date(application.due_date)}前）" if application.due_date else ""
        body = fill(texts.ACKNOWLEDGEMENT, due_phrase=due_phrase, **values)
    else:  # pragma: no cover - every kind is handled above
        raise ValueError(kind)
    paragraphs = [fill(texts.OPENING, **values), body]
    if kind == NoticeKind.FEE:
        paragraphs.append(remedy(application.agency, self_name=SELF_NAMES[kind]))
    paragraphs.append(contact(application.agency))
    return _join(paragraphs)


def _consultation_body(application, pause):
    values = {**_common(application), "until": cn_date(pause.until)}
    template = (
        texts.CONSULT_THIRD_PARTY if pause.kind == PauseKind.THIRD_PARTY else texts.CONSULT_AGENCY
    )
    return _join(
        [
            fill(texts.CONSULTATION_OPENING, **values),
            fill(template, **values),
            contact(application.agency),
        ]
    )


def addressee_of(application):
    applicant = getattr(application, "applicant", None)
    if applicant is None:
        return ""
    return applicant.org_name or applicant.name


def draft(application, kind, **extra):
    """Title, addressee, body and legal basis (and for a reply its outcome and details)."""
    if kind == NoticeKind.REPLY:
        outcome, details = extra["outcome"], extra.get("details") or {}
        return {
            "title": TITLES[kind],
            "addressee": addressee_of(application),
            "body": reply_body(application, outcome, details),
            "legal_basis": reply_basis(outcome, details)[:200],
            "outcome": outcome,
            "details": details,
        }
    if kind == NoticeKind.CONSULTATION:
        pause = extra["pause"]
        return {
            "title": CONSULTATION_TITLES[pause.kind],
            "addressee": pause.party,
            "body": _consultation_body(application, pause),
            "legal_basis": CONSULTATION_BASIS[pause.kind],
        }
    return {
        "title": TITLES[kind],
        "addressee": addressee_of(application),
        "body": _procedural_body(application, kind, extra),
        "legal_basis": BASIS[kind],
    }


def render_number(pattern, *, year, seq):
    return pattern.format(year=year, seq=seq)


def as_text(notice, agency):
    """The whole document as plain text, in print order (for copying, and for the golden tests)."""
    lines = [
        agency.name,
        notice.title,
        notice.number or "（出具时编号）",
        "",
        f"{notice.addressee}：",
        notice.body,
        "",
        f"{agency.name}（印章）",
        cn_date(notice.issued_on) or "（出具日期）",
    ]
    return "\n".join(lines) + "\n"
