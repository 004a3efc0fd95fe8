"""Staff forms: they validate what a clerk typed; the services in ``proposals.services`` change state."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import access as agency_access
from disclosure.forms import HitReasonFields
from proposals import access, catalog, services
from proposals.models import (
    AnswerClass,
    Proposal,
    PublicationMode,
    PublicationStatus,
    Satisfaction,
    Status,
)
from proposals.numbers import validate_proposal_number

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = {"class": "vLargeTextField"}


class RegisterForm(forms.ModelForm):
    """The admin's add form: the same checks as ``proposal_register``, so nothing typed is lost."""

    class Meta:
        model = Proposal
        fields = [
            "session",
            "kind",
            "timing",
            "number",
            "title",
            "content",
            "proposer",
            "co_signers",
            "proposer_contact",
            "lead_unit",
            "co_units",
            "handling_mode",
            "assigned_date",
        ]
        widgets = {"assigned_date": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "assigned_date" in self.fields:
            self.fields["assigned_date"].initial = timezone.localdate()

    def clean_number(self):
        return validate_proposal_number(self.cleaned_data.get("number"))

    def clean(self):
        data = super().clean()
        needed = ("session", "number", "lead_unit", "assigned_date", "handling_mode")
        if self.instance.pk is None and all(data.get(name) for name in needed):
            try:
                services.validate_registration(
                    by=self.user,
                    session=data["session"],
                    number=data["number"].strip(),
                    lead_unit=data["lead_unit"],
                    assigned_date=data["assigned_date"],
                    handling_mode=data["handling_mode"],
                    co_units=list(data.get("co_units") or []),
                )
            except (ValidationError, PermissionDenied) as exc:
                raise ValidationError(getattr(exc, "messages", None) or [str(exc)]) from exc
        return data


class ActionForm(forms.Form):
    """One step of the handling; ``call`` hands the cleaned data to its service."""

    hits = None  # content-check hits shown with the step (the publication review has them)

    def __init__(self, *args, proposal, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal, self.user = proposal, user


class ExtendForm(ActionForm):
    title = "延期办理"
    due_date = forms.DateField(
        label="延期至",
        widget=DATE,
        help_text="最迟为交办后6个月；留空则延至6个月期满之日。",
        required=False,
    )
    reason = forms.CharField(label="延期理由", max_length=300, widget=forms.Textarea(attrs=TEXT))

    def call(self, proposal, user):
        return services.proposal_extend(proposal=proposal, by=user, **self.cleaned_data)


class OpinionForm(ActionForm):
    title = "录入会办意见"
    agency = forms.ModelChoiceField(label="会办单位", queryset=None)
    text = forms.CharField(label="会办意见", widget=forms.Textarea(attrs=TEXT))
    signatory = forms.CharField(label="签发人", max_length=50, required=False)
    given_on = forms.DateField(label="出具日期", widget=DATE)

    def __init__(self, *args, proposal, user, **kwargs):
        super().__init__(*args, proposal=proposal, user=user, **kwargs)
        ids = agency_access.agency_ids(user)
        units = proposal.co_units.all()
        self.fields["agency"].queryset = (
            units if ids is agency_access.ALL else units.filter(pk__in=ids)
        )
        self.fields["given_on"].initial = timezone.localdate()

    def call(self, proposal, user):
        return services.proposal_add_opinion(proposal=proposal, by=user, **self.cleaned_data)


class ReplyForm(ActionForm):
    title = "录入答复"
    reply_date = forms.DateField(label="答复日期", widget=DATE)
    reply_number = forms.CharField(
        label="答复文号", max_length=60, required=False, help_text="例如：吴利安监函〔2023〕12号。"
    )
    answer_class = forms.ModelChoiceField(
        label="答复类别",
        queryset=AnswerClass.objects.filter(is_active=True),
        help_text="类别列表可在「答复类别」中维护。",
    )
    reply_text = forms.CharField(
        label="答复内容", widget=forms.Textarea(attrs={**TEXT, "rows": 14})
    )
    signatory = forms.CharField(label="签发人", max_length=50)
    contact = forms.CharField(
        label="承办联系人及电话", max_length=100, required=False, help_text="不在公开页面显示。"
    )

    def __init__(self, *args, proposal, user, **kwargs):
        super().__init__(*args, proposal=proposal, user=user, **kwargs)
        self.fields["reply_date"].initial = timezone.localdate()

    def call(self, proposal, user):
        return services.proposal_reply(proposal=proposal, by=user, **self.cleaned_data)


class FeedbackForm(ActionForm):
    title = "录入代表委员反馈"
    satisfaction = forms.ChoiceField(
        label="满意度",
        widget=forms.RadioSelect,
        choices=[c for c in Satisfaction.choices if c[0] != Satisfaction.NONE],
    )
    feedback_date = forms.DateField(label="反馈日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def call(self, proposal, user):
        return services.proposal_feedback(proposal=proposal, by=user, **self.cleaned_data)


class ReopenForm(ActionForm):
    title = "重新办理"
    reason = forms.CharField(
        label="重新办理的理由", max_length=300, widget=forms.Textarea(attrs=TEXT)
    )
    due_date = forms.DateField(
        label="重新答复期限", widget=DATE, required=False, help_text="留空则为今天起1个月。"
    )

    def call(self, proposal, user):
        return services.proposal_reopen(proposal=proposal, by=user, **self.cleaned_data)


class SubmitPublicationForm(ActionForm):
    title = "提交公开审核"
    mode = forms.ChoiceField(
        label="公开方式", choices=PublicationMode.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label="公开摘要",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        help_text="摘要公开时填写；不得含代表委员的联系方式。",
    )
    withheld_reason = forms.CharField(
        label="不予公开理由",
        max_length=300,
        required=False,
        help_text="不予公开时必须填写，例如：涉及国家秘密。",
    )

    def call(self, proposal, user):
        return services.proposal_submit_publication(proposal=proposal, by=user, **self.cleaned_data)


class ReviewForm(HitReasonFields, ActionForm):
    title = "公开审核"
    approved = forms.TypedChoiceField(
        label="审核结论",
        widget=forms.RadioSelect,
        coerce=lambda v: v == "1",
        choices=[("1", "同意"), ("0", "退回修改")],
    )
    opinion = forms.CharField(
        label="审核意见", max_length=300, required=False, help_text="退回修改时必须填写。"
    )
    publish_now = forms.BooleanField(
        label="同意后立即公开发布（公开日期为今天）",
        required=False,
        initial=True,
        help_text="不勾选则审核后另行点“公开发布”。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The content check of the text to publish (none when the reply is withheld).
        self.hits = None
        if self.proposal.publication_mode != PublicationMode.WITHHELD:
            self.hits = catalog.content_hits(self.proposal)
        self.add_hit_fields(self.hits or ())

    def call(self, proposal, user):
        publish_now = self.cleaned_data["publish_now"]
        proposal = services.proposal_review_publication(
            proposal=proposal,
            by=user,
            approved=self.cleaned_data["approved"],
            opinion=self.cleaned_data["opinion"],
            hit_reasons=self.hit_reasons(),
        )
        if self.cleaned_data["approved"] and publish_now:
            proposal = services.proposal_publish(proposal=proposal, by=user)
        return proposal


class PublishForm(ActionForm):
    title = "公开发布"
    published_date = forms.DateField(
        label="公开日期", widget=DATE, required=False, help_text="留空为今天。"
    )

    def call(self, proposal, user):
        return services.proposal_publish(proposal=proposal, by=user, **self.cleaned_data)


# name -> (form, who may take the step, in which state)
ACTIONS = {
    "extend": (ExtendForm, access.is_decider, lambda p: p.status == Status.HANDLING),
    "opinion": (OpinionForm, lambda u, p: bool(access.co_units_of(u, p)), lambda p: p.is_open),
    "reply": (ReplyForm, access.is_decider, lambda p: p.is_open),
    "feedback": (FeedbackForm, access.is_handler, lambda p: p.status == Status.REPLIED),
    "reopen": (
        ReopenForm,
        access.is_decider,
        lambda p: p.status == Status.REPLIED and p.satisfaction == Satisfaction.UNSATISFIED,
    ),
    "submit": (
        SubmitPublicationForm,
        access.is_handler,
        lambda p: (
            p.status == Status.REPLIED
            and p.publication_status in (PublicationStatus.NONE, PublicationStatus.RETURNED)
        ),
    ),
    "review": (
        ReviewForm,
        access.is_decider,
        lambda p: p.publication_status == PublicationStatus.IN_REVIEW,
    ),
    "publish": (
        PublishForm,
        access.is_decider,
        lambda p: p.publication_status == PublicationStatus.APPROVED,
    ),
}


# The steps that move a proposal on; extending, reopening and co-units' opinions are occasional.
MAIN_STEPS = ("reply", "feedback", "submit", "review", "publish")
# Who takes a step, said to those who see the proposal but may not take it.
WHO = {
    access.is_decider: "主办单位的审核人或负责人",
    access.is_handler: "主办单位的工作人员",
}


def waiting_for(user, proposal):
    """「记录答复：待主办单位的审核人或负责人处理」 for each step due now that this user may not take."""
    lines = []
    for name, (form, allowed, when) in ACTIONS.items():
        if name not in MAIN_STEPS or not when(proposal) or allowed(user, proposal):
            continue
        who = WHO.get(allowed, "会办单位的工作人员")
        lines.append(f"{form.title}：待{who}处理")
    return lines


def available_actions(user, proposal):
    """(name, label) of the steps this user may take on the proposal now."""
    return [
        (name, form.title)
        for name, (form, allowed, when) in ACTIONS.items()
        if when(proposal) and allowed(user, proposal)
    ]
