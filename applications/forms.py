"""Forms validate what was typed; the services decide and change state."""

import uuid

from django import forms
from django.utils import timezone

from accounts import access
from agencies.models import Agency
from applications import deadlines, notices
from applications.models import (
    OUTCOME_GROUPS,
    AppealKind,
    AppealResult,
    ApplicantType,
    Channel,
    Delivery,
    FeeMethod,
    Form,
    IdType,
    Outcome,
    PauseKind,
    outcome_group,
)
from applications.notice_texts import GROUND_CHOICES
from applications.services import ApplicantData
from applications.validators import validate_credit_code, validate_phone, validate_resident_id


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _limit(field, maximum):
    """Over-long input is refused with a message instead of being cut off silently."""
    field.max_length = maximum
    field.error_messages["max_length"] = f"最多{maximum}个字，请精简后再提交。"
    field.widget.attrs["maxlength"] = str(maximum)
    return field


class ApplicantFields(forms.Form):
    """Art. 29: who applies, how to reach them, and what they want."""

    applicant_type = forms.ChoiceField(
        label="申请人类型", choices=ApplicantType.choices, initial=ApplicantType.NATURAL_PERSON
    )
    name = forms.CharField(label="申请人姓名（法人或其他组织填联系人姓名）", max_length=50)
    org_name = forms.CharField(label="法人或其他组织名称", max_length=100, required=False)
    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        required=False,
        help_text="18位，法人或其他组织申请时填写。",
    )
    id_type = forms.ChoiceField(
        label="证件类型", choices=IdType.choices, initial=IdType.RESIDENT_ID
    )
    id_number = forms.CharField(
        label="证件号码", max_length=30, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label="电子邮箱",
        max_length=100,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label="通信地址", max_length=200, required=False, help_text="选择邮寄时必填。"
    )
    description = forms.CharField(
        label="所需政府信息的名称、文号或者便于查询的其他特征性描述",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    document_number = forms.CharField(label="文号（如知道）", max_length=60, required=False)
    form = forms.ChoiceField(
        label="获取信息的形式",
        choices=Form.choices,
        widget=forms.RadioSelect,
        initial=Form.ELECTRONIC,
    )
    delivery = forms.ChoiceField(
        label="获取信息的方式",
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        initial=Delivery.ONLINE,
    )
    purpose = forms.CharField(label="用途（选填）", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if getattr(field, "max_length", None):
                _limit(field, field.max_length)
            if name == "id_number":
                field.widget.attrs["autocomplete"] = "off"

    def clean(self):
        data = super().clean()
        kind = data.get("applicant_type")
        if kind and kind != ApplicantType.NATURAL_PERSON:
            if not data.get("org_name"):
                self.add_error("org_name", "法人或其他组织申请的，请填写组织名称。")
            if data.get("credit_code"):
                try:
                    validate_credit_code(data["credit_code"])
                except forms.ValidationError as exc:
                    self.add_error("credit_code", exc)
            else:
                self.add_error("credit_code", "法人或其他组织申请的，请填写统一社会信用代码。")
        if data.get("id_type") == IdType.RESIDENT_ID and data.get("id_number"):
            try:
                validate_resident_id(data["id_number"])
            except forms.ValidationError as exc:
                self.add_error("id_number", exc)
        if data.get("phone"):
            try:
                validate_phone(data["phone"])
            except forms.ValidationError as exc:
                self.add_error("phone", exc)
        if data.get("delivery") == Delivery.POST and not data.get("address"):
            self.add_error("address", "选择邮寄的，请填写通信地址。")
        if data.get("delivery") == Delivery.EMAIL and not data.get("email"):
            self.add_error("email", "选择电子邮件获取的，请填写电子邮箱。")
        return data

    def applicant(self):
        d = self.cleaned_data
        return ApplicantData(
            name=d["name"],
            id_type=d["id_type"],
            id_number=d["id_number"],
            phone=d["phone"],
            email=d.get("email", ""),
            address=d.get("address", ""),
            org_name=d.get("org_name", ""),
            credit_code=d.get("credit_code", ""),
        )

    def application_fields(self):
        d = self.cleaned_data
        return {
            "applicant": self.applicant(),
            "applicant_type": d["applicant_type"],
            "description": d["description"],
            "document_number": d.get("document_number", ""),
            "purpose": d.get("purpose", ""),
            "form": d["form"],
            "delivery": d["delivery"],
        }


class ApplyForm(ApplicantFields):
    """The public form: an honeypot and a signed token (timing + one-time submission key)."""

    agency = forms.ModelChoiceField(
        label="向哪个机关申请", queryset=Agency.objects.all(), empty_label="请选择机关"
    )
    consent = forms.BooleanField(
        label="我已阅读并同意《个人信息处理告知》",
        error_messages={"required": "请阅读并勾选同意个人信息处理告知。"},
    )
    # Hidden from people by CSS; bots that fill every field reveal themselves.
    website = forms.CharField(
        label="网址（请勿填写）",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)
    # Asked only when the traffic looks automated; the view checks it against the token.
    answer = forms.CharField(
        label="验证问题",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    field_order = ["agency", "applicant_type"]


class StatusForm(forms.Form):
    tracking_number = forms.CharField(
        label="申请编号", max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    code = forms.CharField(
        label="查询码", max_length=30, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )


class RegisterForm(ApplicantFields):
    """Staff registration of an application received in person, by post, fax, e-mail or phone."""

    agency = forms.ModelChoiceField(label="受理机构", queryset=Agency.objects.none())
    channel = forms.ChoiceField(
        label="申请方式", choices=[c for c in Channel.choices if c[0] != Channel.ONLINE]
    )
    submitted_on = forms.DateField(label="提交/寄出/发送/来电日期", widget=DateInput())
    signed_on = forms.DateField(
        label="签收日期（信函）",
        required=False,
        widget=DateInput(),
        help_text="信函以本机关签收之日为收到申请之日。",
    )
    confirmed_on = forms.DateField(
        label="双方确认日期（传真、电子邮件）",
        required=False,
        widget=DateInput(),
        help_text="传真、电子邮件以双方确认之日为收到申请之日。",
    )

    # One-time key of this form: posting it twice returns the first application (and its code).
    submission_key = forms.RegexField(
        regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput
    )

    field_order = ["agency", "channel", "submitted_on", "signed_on", "confirmed_on"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = access.scope(Agency.objects.all(), user, "pk")
        self.fields["submitted_on"].initial = timezone.localdate()
        self.fields["submission_key"].initial = uuid.uuid4().hex


class OnForm(forms.Form):
    on = forms.DateField(label="办理日期", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class CorrectionForm(OnForm):
    items = forms.CharField(label="需要补正的事项", max_length=1000, widget=forms.Textarea)
    days = forms.IntegerField(
        label="补正期限（工作日）",
        min_value=1,
        max_value=30,
        initial=deadlines.DEFAULT_CORRECTION_WORKDAYS,
    )


class PauseForm(OnForm):
    kind = forms.ChoiceField(
        label="类型",
        choices=[
            (PauseKind.THIRD_PARTY, PauseKind.THIRD_PARTY.label),
            (PauseKind.AGENCY, PauseKind.AGENCY.label),
        ],
    )
    party = forms.CharField(label="征求意见的对象", max_length=100)


class ExtendForm(OnForm):
    days = forms.IntegerField(label="延长工作日数", min_value=1, max_value=20, initial=20)
    reason = forms.CharField(label="延期理由", max_length=300)


class FeeNoticeForm(OnForm):
    method = forms.ChoiceField(
        label="计收方式", choices=FeeMethod.choices, widget=forms.RadioSelect
    )
    pages = forms.IntegerField(label="页数（按量计收时填写）", min_value=1, required=False)


class FeePaidForm(OnForm):
    amount = forms.DecimalField(
        label="实收金额（元）", max_digits=10, decimal_places=2, min_value=0
    )


class ReplyForm(forms.Form):
    """The one 答复 page: outcome, reason, what is withheld and why; preview; issue."""

    outcome = forms.ChoiceField(
        label="办理结果",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (
                group,
                [
                    (value, label.split("（")[0])
                    for value, label in Outcome.choices
                    if outcome_group(value) == key
                ],
            )
            for key, group in OUTCOME_GROUPS.items()
        ],
        help_text="只能选一项；部分公开（区分处理）的只计入“部分公开”。",
    )
    withheld = forms.CharField(
        label="不予公开的内容",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="部分公开时填写，例如：检查记录中企业员工的姓名、身份证号码和联系电话。",
    )
    ground = forms.ChoiceField(
        label="不予公开部分的依据",
        choices=GROUND_CHOICES,
        required=False,
        initial="denied.third_party",
    )
    reason = forms.CharField(
        label="理由（写入答复书）",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明具体理由，例如检索的范围、第三方的意见；不写申请人的个人信息。",
    )
    published = forms.CharField(
        label="已主动公开的获取途径",
        max_length=300,
        required=False,
        help_text="信息已经主动公开时填写（条例第三十六条第（一）项），例如：本机关门户网站"
        "“政府信息公开”栏目，2026年3月5日发布，索引号……。",
    )
    organ = forms.CharField(
        label="负责公开的机关",
        max_length=100,
        required=False,
        help_text="“本机关不掌握”且能确定负责公开的机关时填写（条例第三十六条第（五）项）。",
    )
    organ_contact = forms.CharField(label="该机关的联系方式", max_length=100, required=False)
    basis = forms.CharField(label="法律依据（选“其他”时填写）", max_length=150, required=False)
    on = forms.DateField(label="答复（出具）日期", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if (
            outcome
            and outcome not in notices.REASON_OPTIONAL
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "请填写理由：答复书须说明理由（条例第三十六条）。")
        return data

    def service_fields(self):
        return {
            name: self.cleaned_data.get(name) or ""
            for name in (
                "outcome",
                "reason",
                "withheld",
                "ground",
                "organ",
                "organ_contact",
                "published",
                "basis",
            )
        }


class IssueForm(forms.Form):
    """出具: the draft exactly as previewed (its digest), on the chosen date."""

    notice = forms.IntegerField(widget=forms.HiddenInput)
    digest = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(widget=forms.HiddenInput)


class WithdrawForm(OnForm):
    reason = forms.CharField(label="撤回说明", max_length=300, required=False)


class AppealForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=AppealKind.choices)
    filed_on = forms.DateField(label="提起日期", widget=DateInput())
    body = forms.CharField(label="复议机关/受理法院", max_length=100, required=False)


class AppealDecideForm(forms.Form):
    result = forms.ChoiceField(
        label="结果", choices=[c for c in AppealResult.choices if c[0] != AppealResult.PENDING]
    )
    decided_on = forms.DateField(label="审结日期", widget=DateInput())


class NoticeForm(forms.Form):
    body = forms.CharField(
        label="正文",
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="文号在出具时按本机构的文号格式自动编排。",
    )
