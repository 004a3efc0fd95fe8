"""Drafts of the notices (告知书) an application produces, rendered from text templates.

A draft holds plain text the clerk may edit until it is issued; the print view lays it out on
A4. The applicant is addressed by name, but ID number, phone and address never appear.
"""

from django.template.loader import render_to_string

from applications.models import NoticeKind, Outcome

APPEAL_RIGHTS = (
    "如对本答复不服，可以自收到本告知书之日起六十日内依法申请行政复议，"
    "或者自收到本告知书之日起六个月内依法向人民法院提起行政诉讼。"
)

# Outcome → (what the reply says, the articles of the Regulations it rests on).
OUTCOME_TEXT = {
    Outcome.GRANTED: ("经审查，您申请获取的政府信息属于公开范围，本机关予以公开，现按您要求的形式和方式提供。",
                      "《中华人民共和国政府信息公开条例》第三十六条第（二）项"),
    Outcome.PARTIAL: ("经审查，您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理，本机关向您提供可以公开的部分，并对不予公开的部分说明理由。",
                      "《中华人民共和国政府信息公开条例》第三十七条"),
    Outcome.STATE_SECRET: ("经审查，您申请获取的政府信息属于国家秘密，依法不予公开。",
                           "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"),
    Outcome.LAW_FORBIDDEN: ("经审查，法律、行政法规禁止公开您申请获取的政府信息，依法不予公开。",
                            "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"),
    Outcome.THREE_SAFETIES: ("经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，依法不予公开。",
                             "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"),
    Outcome.THIRD_PARTY: ("经审查，您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，依法不予公开。",
                          "《中华人民共和国政府信息公开条例》第十五条、第三十二条、第三十六条第（三）项"),
    Outcome.INTERNAL_AFFAIRS: ("经审查，您申请获取的信息属于人事管理、后勤管理、内部工作流程等内部事务信息，依法可以不予公开。",
                               "《中华人民共和国政府信息公开条例》第十六条第一款"),
    Outcome.PROCESS_INFO: ("经审查，您申请获取的信息属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息，依法可以不予公开。",
                           "《中华人民共和国政府信息公开条例》第十六条第二款"),
    Outcome.ENFORCEMENT_FILE: ("经审查，您申请获取的信息属于行政执法案卷信息，依法可以不予公开。",
                               "《中华人民共和国政府信息公开条例》第十六条第二款"),
    Outcome.INQUIRY: ("经审查，您申请获取的信息属于行政查询事项，有关法律、行政法规对其获取有特别规定，请依照有关规定办理。",
                      "《中华人民共和国政府信息公开条例》第三十六条第（七）项"),
    Outcome.NOT_HELD: ("经检索，本机关没有您申请公开的政府信息。",
                       "《中华人民共和国政府信息公开条例》第三十六条第（四）项"),
    Outcome.NEEDS_CREATION: ("经审查，您申请获取的信息需要本机关对现有政府信息进行加工、分析，本机关没有现成信息，不需要另行制作。",
                             "《中华人民共和国政府信息公开条例》第三十八条"),
    Outcome.UNCLEAR: ("本机关已告知您补正申请，补正后申请内容仍不明确，本机关无法提供。",
                      "《中华人民共和国政府信息公开条例》第三十条"),
    Outcome.COMPLAINT: ("您以政府信息公开申请的形式进行信访、投诉、举报等活动，本机关不作为政府信息公开申请处理，请通过相应渠道提出。",
                        "《中华人民共和国政府信息公开条例》第三十九条第一款"),
    Outcome.REPEAT: ("本机关已就您申请公开的政府信息作出答复，您重复申请公开相同政府信息，本机关不予重复处理。",
                     "《中华人民共和国政府信息公开条例》第三十六条第（六）项"),
    Outcome.PUBLICATION: ("您申请获取的是政府公报、报刊、书籍等公开出版物，请通过相应渠道获取。",
                          "《中华人民共和国政府信息公开条例》第三十九条第二款"),
    Outcome.EXCESSIVE: ("您申请公开政府信息的数量、频次明显超过合理范围，经要求说明理由，理由不合理，本机关不予处理。",
                        "《中华人民共和国政府信息公开条例》第三十五条"),
    Outcome.CONFIRM: ("您要求本机关确认或者重新出具已获取的信息，本机关告知获取途径，不作为政府信息公开申请处理。",
                      "《中华人民共和国政府信息公开条例》第三十九条第二款"),
    Outcome.NO_CORRECTION: ("本机关已告知您补正申请，您无正当理由逾期未补正，视为放弃申请，本机关不再处理该政府信息公开申请。",
                            "《中华人民共和国政府信息公开条例》第三十条"),
    Outcome.UNPAID_FEE: ("本机关已向您发出收费通知，您逾期未按要求缴纳信息处理费，本机关不再处理该政府信息公开申请。",
                         "《中华人民共和国政府信息公开条例》第四十二条、国办函〔2020〕109号"),
    Outcome.OTHER: ("您的政府信息公开申请已按其他方式处理完毕。",
                    "《中华人民共和国政府信息公开条例》"),
}

BASIS = {
    NoticeKind.CORRECTION: "《中华人民共和国政府信息公开条例》第三十条",
    NoticeKind.EXTENSION: "《中华人民共和国政府信息公开条例》第三十三条第二款",
    NoticeKind.CONSULTATION: "《中华人民共和国政府信息公开条例》第三十二条、第三十四条",
    NoticeKind.FEE: "《中华人民共和国政府信息公开条例》第四十二条、国办函〔2020〕109号",
}


def draft(application, kind, **extra):
    """Title, addressee, body and legal basis for a new draft notice of ``kind``."""
    applicant = getattr(application, "applicant", None)
    addressee = ""
    if applicant is not None:
        addressee = applicant.org_name or applicant.name
    if kind == NoticeKind.REPLY:
        outcome_text, basis = OUTCOME_TEXT[application.outcome]
    else:
        outcome_text, basis = "", BASIS[kind]
    context = {
        "application": application, "agency": application.agency, "outcome_text": outcome_text,
        "appeal_rights": APPEAL_RIGHTS, "basis": basis, **extra,
    }
    body = render_to_string(f"applications/notices/{kind}.txt", context).strip()
    return {
        "title": NoticeKind(kind).label, "addressee": addressee, "body": body, "legal_basis": basis,
    }
