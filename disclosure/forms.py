"""Staff forms: they validate; the services change state."""

from django import forms
from django.core.exceptions import ValidationError

from disclosure import interpretations
from disclosure.attachment_text import extract_upload
from disclosure.documents import normalize_document_number
from disclosure.import_mapping import target_choices
from disclosure.importing import MAX_ROWS
from disclosure.models import Attachment, Item, MappingKind, Validity
from disclosure.uploads import inspect_upload


class ItemAdminForm(forms.ModelForm):
    correction_reason = forms.CharField(
        label="更正理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="已发布的信息修改后作为“更正”记录，原值、新值和理由都会保存。",
    )

    class Meta:
        model = Item
        fields = [
            "title",
            "summary",
            "formed_date",
            "agency",
            "co_publishers",
            "document_number",
            "category",
            "topic",
            "genre",
            "interprets",
            "interpretation_kind",
            "doc_kind",
            "ogi_rule",
            "channels",
            "disclosure_mode",
            "keywords",
            "body",
            "validity",
            "validity_changed_on",
        ]
        widgets = {
            "channels": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_document_number(self):
        return normalize_document_number(self.cleaned_data.get("document_number"))

    def clean(self):
        cleaned = super().clean()
        agency = cleaned.get("agency") or getattr(self.instance, "agency", None)
        channels = cleaned.get("channels")
        if agency and channels and any(c.agency_id != agency.pk for c in channels):
            self.add_error("channels", "只能选择本机构的发布渠道。")
        if agency:
            self._check_interpretation(agency, cleaned)
        reason = (cleaned.get("correction_reason") or "").strip()
        if self.instance.pk and self.instance.is_published and self.has_changed() and not reason:
            self.add_error("correction_reason", "修改已发布的信息须填写更正理由。")
        return cleaned

    def _check_interpretation(self, agency, cleaned):
        """The service's checks (规章制定权, the 解读 link), shown on the field they concern."""
        probe = Item(
            pk=self.instance.pk,
            agency=agency,
            category=cleaned.get("category") or "",
            genre=cleaned.get("genre") or "",
            doc_kind=cleaned.get("doc_kind") or "",
            interprets=cleaned.get("interprets"),
            interpretation_kind=cleaned.get("interpretation_kind") or "",
        )
        try:
            interpretations.check_item(probe)
        except ValidationError as exc:
            field = {"no_rule_power": "doc_kind", "not_interpretation": "genre"}.get(
                exc.code, "interprets"
            )
            if field in self.fields:
                self.add_error(field, exc)
            else:
                self.add_error(None, exc)


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["file", "name", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = "留空则使用上传文件的名称。"

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and hasattr(upload, "content_type"):  # a fresh upload
            self.instance.content_type, self.instance.size, self.instance.sha256 = inspect_upload(
                upload
            )
            if not cleaned.get("name"):
                cleaned["name"] = upload.name
                self.instance.name = upload.name
            # Read here, from the upload, outside the save's transaction (bounded: see
            # disclosure.attachment_text); stored by the admin once the attachment is saved.
            self.instance.extraction = extract_upload(upload, upload.name)
        return cleaned

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        return name.replace("/", "_").replace("\\", "_")


class HitReasonFields:
    """A reason field per content-check hit (``hit_<fingerprint>``), shown under its hit.

    ``hit_rows`` pairs each hit with its bound field for ``_content_hits.html``; ``hit_reasons``
    gives the cleaned reasons by fingerprint, as the review services take them.
    """

    def add_hit_fields(self, hits):
        self.hit_rows = []
        for hit in hits:
            name = f"hit_{hit.fingerprint}"
            self.fields[name] = forms.CharField(
                label=f"按原样公开的理由（{hit.kind_label}）",
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.hit_rows.append((hit, self[name]))

    def visible_fields(self):
        """The form's own fields: each hit's reason field is shown under its hit."""
        return [field for field in super().visible_fields() if not field.name.startswith("hit_")]

    def hit_reasons(self):
        return {
            name.removeprefix("hit_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("hit_")
        }


class ReviewForm(HitReasonFields, forms.Form):
    opinion = forms.CharField(
        label="保密审查意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="经审查，不涉及国家秘密、商业秘密和个人隐私，同意公开。",
    )
    escalated = forms.BooleanField(
        label="难以确定是否涉密，已报保密行政管理部门确定", required=False
    )
    approved = forms.TypedChoiceField(
        label="审查结论",
        choices=[("1", "同意公开"), ("0", "不同意公开，退回修改")],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    publish = forms.BooleanField(
        label="审查同意后立即发布（分配索引号）", required=False, initial=True
    )

    def __init__(self, *args, hits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_hit_fields(hits)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回原因", widget=forms.Textarea(attrs={"rows": 3}))


class ValidityForm(forms.Form):
    validity = forms.ChoiceField(label="有效性", choices=Validity.choices)
    changed_on = forms.DateField(
        label="变更日期",
        required=False,
        help_text="例如 2019-06-30；留空为今天。",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


IMPORT_MAX_BYTES = 50 * 1024 * 1024
IMPORT_ZIP_MAX_BYTES = 500 * 1024 * 1024


class ImportForm(forms.Form):
    agency = forms.ModelChoiceField(label="导入到机构", queryset=None)
    file = forms.FileField(
        label="目录文件",
        help_text=f"CSV（UTF-8 或 GBK）或 XLSX，第1行为表头，最多 {MAX_ROWS} 行；"
        "或把原网站保存的信息详情页及其附件打包成 .zip（最大 500 MB）。",
    )
    only_good = forms.BooleanField(label="跳过错误行，只导入校验通过的行", required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".zip")):
            raise ValidationError(
                "只能导入 .csv、.xlsx 文件，或原网站网页打包的 .zip 文件。", code="bad_type"
            )
        limit = IMPORT_ZIP_MAX_BYTES if name.endswith(".zip") else IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"文件不能超过 {limit // (1024 * 1024)} MB，请拆分后导入。", code="too_large"
            )
        return upload


class ImportMappingForm(forms.Form):
    """One select per distinct printed value (and one default per kind) of the file's mapping."""

    def __init__(self, *args, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.mapping = mapping
        topics = list(mapping.topics.values())
        self.groups = []
        for kind, label in MappingKind.choices:
            rows = mapping.rows.get(kind) or []
            if not rows:
                continue
            choices = target_choices(kind, topics)
            default_name = f"default-{kind}"
            self.fields[default_name] = forms.ChoiceField(
                label=f"未映射的{label}归入", choices=choices, initial=mapping.defaults[kind][0]
            )
            for row in rows:
                self.fields[row.field_name] = forms.ChoiceField(
                    label=row.source, choices=choices, initial=row.target
                )
            self.groups.append(
                {
                    "kind": kind,
                    "label": label,
                    "default": self[default_name],
                    "rows": [(row, self[row.field_name]) for row in rows],
                }
            )

    def apply(self):
        """Write the staff's choices into the mapping; every row is then confirmed."""
        for group in self.groups:
            kind = group["kind"]
            target = self.cleaned_data[f"default-{kind}"]
            self.mapping.defaults[kind] = (target, self.mapping.label(kind, target))
            for row, _ in group["rows"]:
                self.mapping.choose(kind, row.source, self.cleaned_data[row.field_name])
        return self.mapping


class AttachmentCorrectionForm(forms.Form):
    """更正附件: remove some of a published item's files and/or add one, with the reason."""

    remove = forms.ModelMultipleChoiceField(
        label="删除这些附件",
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file = forms.FileField(
        label="上传新的附件",
        required=False,
        help_text="PDF、Office 文档或图片；按文件内容检查类型。",
    )
    name = forms.CharField(
        label="新附件的文件名",
        max_length=200,
        required=False,
        help_text="留空则使用上传文件的名称。",
    )
    reason = forms.CharField(
        label="更正理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "更正须说明理由。"},
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        if item.attachments.exists():
            self.fields["remove"].queryset = item.attachments.all()
        else:
            del self.fields["remove"]  # nothing to remove: only the upload is offered

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            try:
                content_type, size, sha256 = inspect_upload(upload)
            except forms.ValidationError as exc:
                self.add_error("file", exc)
            else:
                name = (cleaned.get("name") or "").strip() or upload.name
                cleaned["new_attachment"] = Attachment(
                    file=upload,
                    name=name.replace("/", "_").replace("\\", "_"),
                    content_type=content_type,
                    size=size,
                    sha256=sha256,
                )
                cleaned["new_attachment"].extraction = extract_upload(upload, upload.name)
        if not cleaned.get("remove") and upload is None and not self.errors:
            raise forms.ValidationError("请选择要删除的附件或上传新的附件。")
        return cleaned
