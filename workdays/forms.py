from django import forms
from django.utils import timezone


class ScheduleEntryForm(forms.Form):
    year = forms.IntegerField(
        label="年份",
        min_value=2004,
        max_value=2100,
        help_text="国务院办公厅一般在每年11月前后公布下一年的放假安排。",
    )
    note = forms.CharField(
        label="依据",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text="通知的文号，例如：国办发明电〔2026〕X号。",
    )
    holidays_text = forms.CharField(
        label="放假安排",
        widget=forms.Textarea(attrs={"rows": 9, "class": "vLargeTextField"}),
        help_text="每行一个节日，例如「春节：2月6日至2月14日」或「国庆节：2027-10-01 至 2027-10-07」。周末不必单列。",
    )
    workdays_text = forms.CharField(
        label="调休上班",
        widget=forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"}),
        required=False,
        help_text="周末上班的日期，可用顿号分隔，例如「2月4日（星期六）、9月30日（星期六）」。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1
