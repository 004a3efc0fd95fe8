"""The wording of every notice (告知书), one template per outcome and per procedural notice.

These are legal texts: each states the facts, the decision, the article it rests on and, where
the clerk gave one, the reason. ``{name}`` fields are filled by ``applications.notices``; a
template that names a field the notice does not provide fails loudly instead of printing a
placeholder. Wording follows the 2019 Regulations (《中华人民共和国政府信息公开条例》, in these
texts 《条例》: the first mention in a notice is written out in full with （以下简称《条例》）), the 2023 行政复议法 (in force 2024-01-01) and the
行政诉讼法.

Fields every template may use:
``{reason}`` the clerk's reason as a sentence ending in 。 (or empty); ``{reason_clause}`` the same
without the final 。; ``《条例》`` the first mention of the Regulations with its short name;
``{form}``/``{delivery}`` how the applicant asked to receive the information.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Leaf:
    """One reply outcome: the articles it rests on and the paragraph that decides."""

    basis: str  # for the notice's 法律依据 field (short form)
    decision: str
    review_first: bool = (
        False  # 行政复议法 Art. 23(1)(4): refusing disclosure → reconsideration first
    )


# Refusal grounds shared by the 不予公开 leaves and by the withheld part of a 部分公开 reply:
# (what the withheld information is, the article that allows withholding it).
GROUNDS = {
    "denied.state_secret": ("属于依法确定的国家秘密", "第十四条"),
    "denied.law_forbidden": ("属于法律、行政法规禁止公开的政府信息", "第十四条"),
    "denied.three_safeties": ("公开后可能危及国家安全、公共安全、经济安全、社会稳定", "第十四条"),
    "denied.third_party": ("涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害", "第十五条"),
    "denied.internal_affairs": ("属于行政机关的内部事务信息", "第十六条第一款"),
    "denied.process_info": (
        "属于行政机关在履行行政管理职能过程中形成的过程性信息",
        "第十六条第二款",
    ),
    "denied.enforcement_file": ("属于行政执法案卷信息", "第十六条第二款"),
    "not_government_information": ("不属于《条例》第二条规定的政府信息", "第二条、第三十七条"),
}

GROUND_CHOICES = [
    ("denied.state_secret", "国家秘密（第十四条）"),
    ("denied.law_forbidden", "法律、行政法规禁止公开（第十四条）"),
    ("denied.three_safeties", "危及“三安全一稳定”（第十四条）"),
    ("denied.third_party", "商业秘密、个人隐私等第三方合法权益（第十五条）"),
    ("denied.internal_affairs", "内部事务信息（第十六条第一款）"),
    ("denied.process_info", "过程性信息（第十六条第二款）"),
    ("denied.enforcement_file", "行政执法案卷信息（第十六条第二款）"),
    ("not_government_information", "不属于政府信息（第二条）"),
]


def _refusal(what, article, extra=""):
    return Leaf(
        basis=f"《条例》{article}、第三十六条第（三）项",
        decision=(
            f"经审查，您申请获取的政府信息{what}。{extra}{{reason}}"
            f"根据《条例》{article}和第三十六条第（三）项的规定，本机关决定不予公开。"
        ),
        review_first=True,
    )


LEAVES = {
    "granted": Leaf(
        basis="《条例》第三十六条第（二）项",
        decision=(
            "经审查，您申请获取的政府信息属于可以公开的政府信息。根据《条例》"
            "第三十六条第（二）项的规定，本机关予以公开，现以{form}形式、按您选择的{delivery}"
            "方式向您提供。{reason}"
        ),
    ),
    "granted.published": Leaf(
        basis="《条例》第三十六条第（一）项",
        decision=(
            "经审查，您申请获取的政府信息本机关已经主动公开。根据《条例》第三十六条第（一）项的"
            "规定，现告知您获取该政府信息的方式和途径：{published}。{reason}"
        ),
    ),
    "partial": Leaf(
        basis="《条例》第三十七条、第三十六条第（二）项和第（三）项",
        decision=(
            "经审查，您申请获取的政府信息中含有不应当公开的内容，但是能够作区分处理。根据"
            "《条例》第三十七条和第三十六条第（二）项的规定，本机关向您提供可以公开的内容，"
            "现以{form}形式、按您选择的{delivery}方式提供。\n\n"
            "不予公开的内容及理由：{withheld}，{ground}。{reason}根据《条例》{ground_article}"
            "和第三十六条第（三）项的规定，对该部分内容不予公开。"
        ),
        review_first=True,
    ),
    "denied.state_secret": _refusal(*GROUNDS["denied.state_secret"]),
    "denied.law_forbidden": _refusal(*GROUNDS["denied.law_forbidden"]),
    "denied.three_safeties": _refusal(*GROUNDS["denied.three_safeties"]),
    "denied.third_party": _refusal(*GROUNDS["denied.third_party"], extra="{consulted}"),
    "denied.internal_affairs": _refusal(
        "属于本机关的内部事务信息（人事管理、后勤管理、内部工作流程等方面的信息）", "第十六条第一款"
    ),
    "denied.process_info": _refusal(
        "属于本机关在履行行政管理职能过程中形成的过程性信息（讨论记录、过程稿、磋商信函、"
        "请示报告等）",
        "第十六条第二款",
    ),
    "denied.enforcement_file": _refusal(*GROUNDS["denied.enforcement_file"]),
    "denied.inquiry": Leaf(
        basis="《条例》第三十六条第（七）项",
        decision=(
            "经审查，您申请获取的信息属于行政查询事项，有关法律、行政法规对该信息的获取有特别"
            "规定。{reason}根据《条例》第三十六条第（七）项的规定，请您依照有关法律、"
            "行政法规的规定办理。"
        ),
    ),
    "unable.not_held": Leaf(
        basis="《条例》第三十六条第（四）项",
        decision=(
            "经检索，本机关没有您所申请公开的政府信息。{reason}根据《条例》"
            "第三十六条第（四）项的规定，现告知您该政府信息不存在。"
        ),
    ),
    "unable.not_held.referral": Leaf(
        basis="《条例》第三十六条第（五）项",
        decision=(
            "经审查，您所申请公开的政府信息不属于本机关负责公开。{reason}根据《条例》"
            "第三十六条第（五）项的规定，现告知您：负责公开该政府信息的行政机关是{organ}"
            "{organ_contact}，请您向该机关提出申请。"
        ),
    ),
    "unable.needs_creation": Leaf(
        basis="《条例》第三十八条",
        decision=(
            "经审查，本机关没有您所申请的现成信息，需要对现有政府信息进行加工、分析才能形成。"
            "{reason}根据《条例》第三十八条的规定，本机关不予提供。"
        ),
    ),
    "unable.unclear": Leaf(
        basis="《条例》第二十九条第二款、第三十条",
        decision=(
            "{correction_history}经审查，补正后的申请内容仍不明确，本机关无法确定您所需要的"
            "政府信息。{reason}根据《条例》第二十九条第二款和第三十条的规定，本机关无法"
            "向您提供。"
        ),
    ),
    "not_processed.complaint": Leaf(
        basis="《条例》第三十九条第一款",
        decision=(
            "经审查，您是以政府信息公开申请的形式进行信访、投诉、举报等活动。{reason}根据"
            "《条例》第三十九条第一款的规定，本机关不作为政府信息公开申请处理，您可以"
            "通过信访、投诉、举报等相应渠道提出。"
        ),
    ),
    "not_processed.repeat": Leaf(
        basis="《条例》第三十六条第（六）项",
        decision=(
            "经审查，本机关已就您提出的政府信息公开申请作出答复，您再次申请公开相同的政府信息。"
            "{reason}根据《条例》第三十六条第（六）项的规定，本机关不予重复处理。"
        ),
    ),
    "not_processed.publication": Leaf(
        basis="《条例》第三十九条第二款",
        decision=(
            "经审查，您申请获取的是政府公报、报刊、书籍等公开出版物。根据《条例》"
            "第三十九条第二款的规定，现告知您获取途径：{reason_clause}。"
        ),
    ),
    "not_processed.excessive": Leaf(
        basis="《条例》第三十五条",
        decision=(
            "您申请公开政府信息的数量、频次明显超过合理范围，本机关已要求您说明理由。经审查，"
            "您说明的理由不合理。{reason}根据《条例》第三十五条的规定，本机关不予处理。"
        ),
    ),
    "not_processed.confirm": Leaf(
        basis="《条例》第二条、第三十八条",
        decision=(
            "经审查，您是要求本机关确认或者重新出具您已经获取的信息，不属于申请获取政府信息。"
            "{reason}根据《条例》第二条和第三十八条的规定，本机关不作为政府信息公开申请"
            "处理。"
        ),
    ),
    "other.no_correction": Leaf(
        basis="《条例》第三十条",
        decision=(
            "本机关于{correction_requested_on}告知您对申请作出补正，补正期限至"
            "{correction_due}。您无正当理由逾期未补正。{reason}根据《条例》第三十条的"
            "规定，视为您放弃申请，本机关不再处理该政府信息公开申请。"
        ),
    ),
    "other.unpaid_fee": Leaf(
        basis="《条例》第四十二条、《政府信息公开信息处理费管理办法》",
        decision=(
            "本机关于{fee_notified_on}向您发出收费通知，应缴纳信息处理费人民币{fee_amount}元，"
            "缴费期限至{fee_until}。您逾期未缴纳。{reason}根据《条例》第四十二条和"
            "《政府信息公开信息处理费管理办法》的规定，视为您放弃申请，本机关不再处理该政府"
            "信息公开申请。"
        ),
    ),
    "other.other": Leaf(
        basis="",  # the clerk names it: 其他处理 has no one article
        decision="经审查，{reason}根据{other_basis}的规定，本机关作出上述处理。",
    ),
}

# The opening sentence of every notice to the applicant.
OPENING = (
    "本机关于{received_on}收到您{channel_phrase}提出的政府信息公开申请（申请编号："
    "{tracking_number}），{request}。"
)

CHANNEL_PHRASES = {
    "online": "通过网络",
    "in_person": "当面",
    "post": "以信函方式",
    "fax": "以传真方式",
    "email": "以电子邮件方式",
    "phone": "通过电话（由本机关工作人员代为填写）",
}

CORRECTION_HISTORY = (
    "本机关于{correction_requested_on}告知您对申请作出补正，于{correction_received_on}"
    "收到您补正后的申请。"
)

THIRD_PARTY_CONSULTED = "本机关已依照《条例》第三十二条的规定书面征求第三方的意见。"

# Remedies. Art. 20 行政复议法: 60 days; Art. 46 行政诉讼法: 6 months. Since 2024-01-01 a refusal to
# disclose must go to reconsideration first (行政复议法 Art. 23(1)(4)); suing after a
# reconsideration decision: 15 days (行政诉讼法 Art. 45).
REMEDY = (
    "如对本{self_name}不服，您可以自收到本{self_name}之日起六十日内，依照《中华人民共和国"
    "行政复议法》第二十条的规定向{reconsideration_body}申请行政复议；也可以自收到本"
    "{self_name}之日起六个月内，依照《中华人民共和国行政诉讼法》第四十六条的规定向"
    "{court}提起行政诉讼。"
)

REMEDY_REVIEW_FIRST = (
    "如对本{self_name}不服，您可以自收到本{self_name}之日起六十日内，依照《中华人民共和国"
    "行政复议法》第二十条的规定向{reconsideration_body}申请行政复议。对不予公开的决定，依照"
    "该法第二十三条第一款第（四）项的规定，应当先申请行政复议；对行政复议决定不服的，可以"
    "依照《中华人民共和国行政诉讼法》第四十五条的规定，自收到行政复议决定书之日起十五日内"
    "依法向人民法院提起行政诉讼。{rest}"
)

REMEDY_REST_PARTIAL = (
    "对本{self_name}中予以公开的部分不服的，也可以自收到本{self_name}之日起六个月内，依照"
    "《中华人民共和国行政诉讼法》第四十六条的规定向{court}提起行政诉讼。"
)

# Procedural notices: (title, self name, legal basis, body paragraphs after the opening).
CORRECTION = (
    "经审查，您的申请内容不够明确，本机关无法确定您所需要的政府信息。根据《条例》"
    "第三十条的规定，请您对以下事项作出补正：\n\n{items}\n\n"
    "请于{correction_due}前将补正后的申请提交本机关。答复期限自本机关"
    "收到补正后的申请之日起计算。您无正当理由逾期不补正的，视为放弃申请，本机关将不再处理"
    "该政府信息公开申请。"
)

EXTENSION = (
    "因{reason_clause}，本机关不能在法定期限内作出答复。根据《条例》第三十三条第二款的"
    "规定，经本机关政府信息公开工作机构负责人同意，答复期限延长{days}个工作日，本机关将于"
    "{due_date}前作出答复。"
)

FEE = (
    "经审查，您申请公开政府信息的数量、频次明显超过合理范围。根据《条例》第四十二条和"
    "《政府信息公开信息处理费管理办法》的规定，本机关依法收取信息处理费：\n\n"
    "计收方式：{fee_method}；计费数量：{fee_units}；应缴金额：人民币{fee_amount}元。\n\n"
    "请您自收到本通知书之日起二十个工作日内缴纳。本机关发出收费通知至"
    "收到费用期间，不计算在答复期限内。您逾期未缴纳的，视为放弃申请，本机关将不再处理该"
    "政府信息公开申请。"
)

ACKNOWLEDGEMENT = (
    "根据《条例》第三十一条的规定，本机关收到申请的日期为{received_on}。根据《条例》"
    "第三十三条第二款的规定，本机关将自收到申请之日起二十个工作日内{due_phrase}作出答复；需要"
    "您补正申请、征求第三方或者其他机关意见、延长答复期限的，依照《条例》的规定另行告知。\n\n"
    "您可以凭申请编号和查询码在本机关政府信息公开网站“依申请公开”栏目查询办理进度。"
)

# The consultation letter goes to the third party or the other agency, never to the applicant:
# it quotes the request but names no applicant.
CONSULTATION_OPENING = (
    "本机关于{received_on}收到一份政府信息公开申请（申请编号：{tracking_number}），{request}。"
)

CONSULT_THIRD_PARTY = (
    "经审查，该政府信息的公开可能损害贵方的合法权益。根据《条例》第三十二条的规定，现书面"
    "征求贵方意见。\n\n请贵方自收到本函之日起十五个工作日内（{until}前）向本机关提出书面意见；"
    "不同意公开的，请说明理由。贵方逾期未提出意见的，由本机关依照《条例》的规定决定是否公开。"
    "贵方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大"
    "影响的，可以决定予以公开，并将决定公开的政府信息内容和理由书面告知贵方。"
)

CONSULT_AGENCY = (
    "该政府信息由本机关与贵机关共同制作。根据《条例》第三十四条的规定，现征求贵机关意见。"
    "\n\n请贵机关自收到本函之日起十五个工作日内（{until}前）向本机关提出意见；逾期未提出意见的，"
    "视为同意公开。"
)

CONTACT = "（联系人：{office}；联系电话：{phone}）"
