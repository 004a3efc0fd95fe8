"""Safe rendering of catalog text: plain paragraphs and lists, query words highlighted."""

from django import template
from django.utils.html import format_html, format_html_join

from disclosure.search import highlight as _highlight

register = template.Library()

BULLETS = ("- ", "• ", "· ", "* ")


@register.filter
def paragraphs(text):
    """Blank-line separated paragraphs; lines starting with "- " become a list. Always escaped."""
    blocks = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith(BULLETS) for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line[2:].strip(),) for line in lines))
            blocks.append(format_html("<ul>{}</ul>", items))
        else:
            blocks.extend(format_html("<p>{}</p>", line) for line in lines)
    return format_html_join("\n", "{}", ((block,) for block in blocks))


@register.filter
def highlight(text, words):
    return _highlight(text, words)


@register.filter
def hit_context(context, matched):
    """A content-check hit's context, escaped, with the matched text marked."""
    return _highlight(context, [matched])
