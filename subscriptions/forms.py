from django import forms

from agencies.models import Agency
from disclosure.models import Category, Topic


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="电子邮箱",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "name@example.com"}),
        error_messages={
            "required": "请填写电子邮箱。",
            "invalid": "电子邮箱格式不正确，例如 zhang@example.com。",
        },
    )
    agency = forms.ModelChoiceField(
        label="发布机构",
        queryset=Agency.objects.all(),
        required=False,
        empty_label="不限机构",
        error_messages={"invalid_choice": "所选机构不存在，请重新选择。"},
    )
    topic = TopicChoiceField(
        label="主题分类",
        queryset=Topic.objects.select_related("parent"),
        required=False,
        empty_label="不限主题",
        error_messages={"invalid_choice": "所选主题分类不存在，请重新选择。"},
    )
    category = forms.ChoiceField(
        label="信息类别（可选）",
        choices=[("", "全部类别"), *Category.choices],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("agency") and not cleaned.get("topic"):
            raise forms.ValidationError(
                "请至少选择一个发布机构或主题分类：订阅全站全部信息请使用 RSS 订阅。",
                code="nothing",
            )
        return cleaned
