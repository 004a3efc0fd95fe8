"""当前位置 (breadcrumbs) on every public page: 首页 › 栏目 › … › the page itself."""

from django import template
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html, format_html_join

register = template.Library()

HOME = ("首页", "/")
# The six columns of the disclosure portal (国办公开办函〔2019〕61号), as the top menu names them.
COLUMNS = {
    "guide": ("公开指南", "/guide/"),
    "rules": ("公开制度", "/rules/"),
    "catalog": ("法定主动公开内容", "/catalog/"),
    "reports": ("公开年报", "/reports/"),
    "apply": ("依申请公开", "/apply/"),
    "proposals": ("建议提案办理", "/proposals/"),
}
LABEL_LENGTH = 40  # a long title is cut here (the page's heading shows it whole)


@register.simple_tag
def breadcrumb(*parts, column=None, trail=()):
    """首页 › ``column`` › ``parts`` › ``trail``; the last step is the current page.

    ``parts`` are label, url, label, url, …, the current page's label (no url); ``trail`` is the
    same as a list of (label, url) pairs built by a view. Empty labels are skipped, so optional
    steps can be passed as they are.
    """
    steps = [HOME]
    if column in COLUMNS:
        steps.append(COLUMNS[column])
    parts = list(parts)
    while parts:
        label, url = parts.pop(0), parts.pop(0) if parts else None
        steps.append((label, url))
    steps.extend(trail)
    steps = [(str(label), url) for label, url in steps if label]
    *before, (last, _) = steps
    links = format_html_join(
        "",
        "<li>{}</li>",
        (
            (
                format_html('<a href="{}">{}</a>', url, truncatechars(label, LABEL_LENGTH))
                if url
                else truncatechars(label, LABEL_LENGTH),
            )
            for label, url in before
        ),
    )
    return format_html(
        '<nav class="breadcrumb" aria-label="当前位置"><span class="breadcrumb-lead">当前位置：</span>'
        '<ol>{}<li aria-current="page"{}>{}</li></ol></nav>',
        links,
        format_html(' title="{}"', last) if len(last) > LABEL_LENGTH else "",
        truncatechars(last, LABEL_LENGTH),
    )
