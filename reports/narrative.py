"""The report's words: placeholders filled from the figures, and a generated first draft.

Staff write the narrative; figures inside it come from the records through placeholders
such as ``{proactive.total}`` so that the published text can never disagree with the tables.
"""

import re
from datetime import date

from reports.figures import CATEGORY_LABELS
from reports.models import ReportFormat
from reports.tables import NARRATIVE_FIELDS, OUTCOME_GROUP_LABELS
from standards import monitor

PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")


def placeholder_values(figures, year):
    """Placeholder → text. A figure that is not known (``None``: a report entered from its
    published text that does not state it) has no value, so its placeholder stays visible and
    the checks refuse it instead of printing a number nobody knows."""
    proactive = figures.get("proactive", {})
    by_category = proactive.get("by_category", {})
    applications = figures.get("applications", {})
    values = {
        "year": year,
        "next_year": year + 1,
        "proactive.total": proactive.get("total", 0),
        "proactive.policy": by_category.get("policy", 0),
        "proactive.work": by_category.get("work", 0),
        "proactive.other": by_category.get("other", 0),
        "proactive.portal": proactive.get("portal", 0),
        "channels": "、".join(name for name, _ in proactive.get("by_channel", [])) or None,
        "applications.received": applications.get("received", 0),
        "applications.processed": applications.get("processed", 0),
        "proposals.total": figures.get("proposals", {}).get("total", 0),
        "fees_collected": figures.get("fees_collected_yuan", "0.00"),
        "meetings": figures.get("meetings", 0),
        "trainings": figures.get("trainings", 0),
    }
    return {key: str(value) for key, value in values.items() if value is not None}


PLACEHOLDER_HELP = (
    "{year} 年度、{next_year} 下一年、{proactive.total} 主动公开总数、{proactive.policy} 政策类、"
    "{proactive.work} 工作动态、{proactive.other} 其他、{proactive.portal} 在政府网站发布的条数、"
    "{channels} 公开渠道、"
    "{applications.received} 新收申请、{proposals.total} 建议提案、{fees_collected} 信息处理费（元）、"
    "{meetings} 工作会议次数、{trainings} 业务培训次数"
)


def resolve(text, values):
    """Replace known placeholders; unknown ones stay visible so the checks can name them."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


def resolved_narrative(report, figures):
    values = placeholder_values(figures, report.year)
    return {
        field: resolve(getattr(report, field), values) for field in NARRATIVE_FIELDS[report.format]
    }


def _proactive_sentence(figures):
    proactive = figures["proactive"]
    parts = "、".join(
        f"{CATEGORY_LABELS[key]}{proactive['by_category'][key]}条" for key in CATEGORY_LABELS
    )
    sentence = f"本年度主动公开政府信息{proactive['total']}条，其中{parts}。"
    channels = proactive["by_channel"]
    if channels:
        sentence += "通过" + "、".join(f"{name}（{n}条）" for name, n in channels) + "等渠道发布。"
    return sentence


def _documents_sentence(figures):
    table2 = figures["table2"]
    rules, docs = table2.get("rules", {}), table2.get("normative_docs", {})
    return (
        f"本年制发规章{rules.get('issued', 0)}件、行政规范性文件{docs.get('issued', 0)}件，"
        f"废止规章{rules.get('repealed', 0)}件、行政规范性文件{docs.get('repealed', 0)}件；"
        f"截至年底现行有效规章{rules.get('in_force', 0)}件、行政规范性文件{docs.get('in_force', 0)}件。"
    )


def _interpretation_sentence(counts):
    """解读 of the year's 行政规范性文件 (counted by disclosure.selectors.interpretation_counts)."""
    if not counts or not counts["published"]:
        return ""
    sentence = f"本年发布行政规范性文件{counts['published']}件，"
    if counts["interpreted"]:
        sentence += (
            f"其中{counts['interpreted']}件发布了政策解读"
            f"（{counts['in_time']}件与文件同步或在3个工作日内发布）"
        )
        sentence += f"，{counts['without']}件尚未发布解读。" if counts["without"] else "。"
    else:
        sentence += "均尚未发布政策解读。"
    return sentence


def _requests_sentence(figures):
    table3 = figures["table3"]
    received = table3["new"]["total"]
    carried = table3["carried_over"]["total"]
    if not received and not carried:
        return "本年度未收到政府信息公开申请。"
    outcomes = "、".join(
        f"{label}{sum(table3[key]['total'] for key in keys)}件"
        for label, keys in OUTCOME_GROUP_LABELS
    )
    return (
        f"本年度新收政府信息公开申请{received}件，上年结转{carried}件；"
        f"本年度办结{table3['total']['total']}件，其中{outcomes}；"
        f"结转下年度继续办理{table3['carried_forward']['total']}件。"
    )


def _appeals_sentence(figures):
    table4 = figures["table4"]
    total = sum(table4[kind]["total"] for kind in table4)
    if not total:
        return "本年度未发生因政府信息公开引起的行政复议、行政诉讼。"
    # Table 四 counts every case handled this year, those filed in earlier years included:
    # the sentence keeps the cases filed this year apart from those carried over.
    appeals = figures.get("appeals") or {}

    def count(key, *kinds):
        return sum(appeals.get(kind, {}).get(key, 0) for kind in kinds)

    litigation = ("litigation_direct", "litigation_after")
    return (
        f"本年度因政府信息公开新收行政复议案件{count('new', 'reconsideration')}件、"
        f"上年结转{count('carried_over', 'reconsideration')}件，"
        f"新收行政诉讼案件{count('new', *litigation)}件、上年结转{count('carried_over', *litigation)}件。"
    )


def _proposals_sentence(figures):
    proposals = figures.get("proposals", {})
    total = proposals.get("total", 0)
    if not total:
        return "本年度未承办人大代表建议和政协委员提案。"
    sentence = f"本年度承办人大代表建议和政协委员提案{total}件"
    if "lead" in proposals and "co" in proposals:
        sentence += f"（主办{proposals['lead']}件、协办{proposals['co']}件）"
    sentence += "。"
    sentence += f"作为主办单位答复{proposals.get('replied', 0)}件，其中按期答复{proposals.get('replied_on_time', 0)}件"
    published = proposals.get("published_full", 0) + proposals.get("published_summary", 0)
    sentence += (
        f"；答复内容全文公开{proposals.get('published_full', 0)}件、摘要公开{proposals.get('published_summary', 0)}件。"
        if published
        else "。"
    )
    return sentence


def _fee_sentence(figures):
    fee = figures.get("fees_collected_yuan", "0.00")
    if fee in ("0", "0.00"):
        return "本年度未收取信息处理费。"
    return f"本年度收取信息处理费{fee}元。"


_ORDINALS = "一二三四五六"


def _by_level1(rows, extra=lambda row: ""):
    grouped = {}
    for row in rows:
        grouped.setdefault(row.entry.level1, []).append(row.entry.level2 + extra(row))
    return "；".join(f"{level1}类的{'、'.join(names)}" for level1, names in grouped.items())


def problems_sentence(agency, year):
    """存在的主要问题, named from the monitor of the year: 事项 with nothing published, 事项 published
    late, failing site columns. Empty when the agency works to no catalogue (nothing to name)."""
    result = monitor.monitor_one(agency, as_of=date(year, 12, 31), year=year)
    if not result.catalogues:
        return ""
    empty, late = result.gaps
    points = []
    if empty:
        points.append(f"部分事项全年没有公开信息：{_by_level1(empty)}")
    if late:
        points.append(
            "部分事项的信息未在公开时限内公开："
            + _by_level1(late, lambda r: f"（最长{r.slowest}个工作日）" if r.slowest else "")
        )
    columns = [c.column.name for c in result.columns if c.state == monitor.State.EMPTY]
    stale = [c.column.name for c in result.columns if c.state == monitor.State.LATE]
    if columns:
        points.append(f"网站{''.join(f'“{name}”' for name in columns)}栏目没有信息")
    if stale:
        points.append(f"网站{''.join(f'“{name}”' for name in stale)}栏目未按检查指标要求及时更新")
    names = "、".join(f"《{c.title}》" for c in result.catalogues if not c.owner_id)
    scope = f"对照{names or '本单位适用的标准目录'}（本平台收录{len(result.rows)}个事项"
    scope += "，目录尚不完整）" if result.incomplete else "）"
    if not points:
        return f"{scope}，{year}年各事项均按时公开，网站栏目均按要求更新。"
    manual = [row.entry.level2 for row in result.rows if row.state == monitor.State.MANUAL]
    text = f"{scope}，{year}年存在以下问题：" + "；".join(
        f"{_ORDINALS[n]}是{point}" for n, point in enumerate(points)
    )
    text += "。"
    if manual:
        text += f"{'、'.join(manual)}{len(manual)}个事项的公开时限须人工核对。"
    text += f"{year + 1}年将对照标准目录逐项补齐上述事项，并按各事项的公开时限及时发布。"
    return text


def draft(report, figures, interpretations=None):
    """A first draft of every narrative field, written from the figures (placeholders kept).

    ``interpretations``: the year's 行政规范性文件 and their 解读
    (``disclosure.selectors.interpretation_counts``); not a report figure, so not in ``figures``.
    """
    year = report.year
    agency = report.signature_name or report.agency.name
    preface = (
        f"根据《中华人民共和国政府信息公开条例》规定，特编制并向社会公布{agency}{year}年"
        f"政府信息公开工作年度报告。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    )
    if report.format == ReportFormat.LEGACY:
        return {
            "preface": preface,
            "overview": (
                f"{year}年，我单位召开政务公开工作专题会议{{meetings}}次，"
                f"举办政务公开业务培训{{trainings}}次。"
            ),
            "proactive_text": (
                "通过{channels}主动公开政府信息{proactive.total}条。其中：政策类信息"
                "{proactive.policy}条，工作动态{proactive.work}条，其他信息{proactive.other}条。"
                + (
                    "在政府网站发布信息{proactive.portal}条。"
                    if figures["proactive"].get("portal")
                    else ""
                )
            ),
            "requests_text": (
                f"{year}年，我单位新收政府信息公开申请{{applications.received}}件。"
                if figures["applications"]["received"]
                else f"{year}年，我单位没有接到公众、企业法人或其他组织要求公开政府信息的申请。"
            ),
            "proposals_text": (
                ""
                if not report.agency.handles_proposals
                else f"{year}年，我单位承办人大代表建议和政协提案{{proposals.total}}件。"
                if figures.get("proposals", {}).get("total")
                else f"{year}年，我单位没有接到人大代表建议和政协提案。"
            ),
            "problems": problems_sentence(report.agency, year),
        }
    return {
        "preface": preface,
        "overview": f"{year}年，我单位认真贯彻落实《中华人民共和国政府信息公开条例》，"
        "坚持以公开为常态、不公开为例外，全面推进政务公开工作。",
        "overview_proactive": _proactive_sentence(figures)
        + _documents_sentence(figures)
        + _interpretation_sentence(interpretations),
        "overview_requests": _requests_sentence(figures) + _appeals_sentence(figures),
        "overview_management": "",
        "overview_platform": "",
        "overview_supervision": "",
        "problems": problems_sentence(report.agency, year),
        "other_matters": _fee_sentence(figures) + _proposals_sentence(figures),
    }
