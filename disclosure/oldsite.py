"""Reading the old site's saved document pages (a folder or a .zip) into import rows.

Each HTML page of an old portal CMS carries a metadata block — the 索引号 / 发布机构 / 生成日期 /
文号 / 主题分类 table of 政府信息公开 pages — in one of a few shapes: a ``<table>`` of label and
value cells, a ``<ul>`` of ``<li>标签：值</li>``, a ``<div class="xxgk-info">`` of ``<p>`` or
``<span>`` pairs, a ``<dl>``, or the one line ``发布日期：… 来源：… 浏览次数：…`` above the text. The
labels are the import's column names (:data:`disclosure.importing.COLUMNS`), so a page becomes
the same row a spreadsheet would give, plus the body (read from the usual body containers) and
the attachments (links whose relative ``href`` points at a file saved with the pages). The old
URL comes from the page's canonical link, its ``og:url``, or the ``saved from url`` comment
browsers write.

Parsed with BeautifulSoup over Python's own ``html.parser`` (no compiled dependency).
"""

import hashlib
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from disclosure import archives, uploads
from disclosure.importing import COLUMNS, ImportFileError, Rows, column_key, read_rows

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".jhtml")
# The body containers of the usual portal templates (TRS, 开普云, 大汉, 拓尔思 WCM…), in order.
BODY_SELECTORS = (
    "#zoom",
    ".zoom",
    "#UCAP-CONTENT",
    ".TRS_Editor",
    "#Zoom",
    ".article-content",
    ".content-text",
    ".xxgk-content",
    ".xxgk_content",
    ".pages_content",
    ".wzcon",
    ".detail-content",
    "#content",
    ".article",
    ".content",
    "article",
)
BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "dd",
    "dt",
}
_LABELS = sorted(
    {alias for aliases in COLUMNS.values() for alias in aliases}, key=len, reverse=True
)
# A label may be spaced out (索  引  号：, 标　　题：) as templates align them.
_PAIR = re.compile(
    r"(?P<label>" + "|".join(r"\s*".join(map(re.escape, label)) for label in _LABELS) + r")\s*[:：]"
)
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)", re.IGNORECASE)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


@dataclass
class ImportedFile:
    """An old-site file linked from a page, checked by content; read again when it is saved."""

    name: str
    path: str
    size: int
    content_type: str
    sha256: str
    opener: object  # () -> bytes

    def read(self):
        return self.opener()


class Bundle:
    """The saved site: relative path → opener, from a folder or from a zip in memory."""

    def __init__(self, files):
        self.files = files  # path → () -> bytes

    @classmethod
    def from_folder(cls, folder):
        folder = Path(folder)
        if not folder.is_dir():
            raise ImportFileError(f"找不到文件夹：{folder}")
        files = {}
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                files[path.relative_to(folder).as_posix()] = path.read_bytes
        return cls(files)

    @classmethod
    def from_zip(cls, content):
        try:
            archives.check_zip(io.BytesIO(content), archives.SITE_LIMITS)
        except ValidationError as exc:
            if exc.code == "bad_zip":
                raise ImportFileError("无法读取该压缩包，请确认是 .zip 格式且未损坏。") from exc
            raise ImportFileError(exc.messages[0]) from exc
        archive = zipfile.ZipFile(io.BytesIO(content))
        files = {}
        for member in archive.infolist():
            if member.is_dir():
                continue
            name = _member_name(member)
            path = posixpath.normpath(name.replace("\\", "/")).lstrip("/")
            if path.startswith("..") or not path:
                continue
            files[path] = lambda m=member: archive.read(m)
        return cls(files)

    def pages(self):
        return [path for path in self.files if path.lower().endswith(PAGE_SUFFIXES)]


def _member_name(member):
    # Zips made on Chinese Windows store GBK names without the UTF-8 flag; zipfile reads cp437.
    if member.flag_bits & 0x800:
        return member.filename
    try:
        return member.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return member.filename


def read_upload(name, content):
    """Rows of an uploaded file: a .zip of saved pages, or a CSV/XLSX catalog."""
    if name.lower().endswith(".zip"):
        return read_bundle(Bundle.from_zip(content))
    return read_rows(name, content)


def read_bundle(bundle):
    """Rows (page path, {column: text}) for every document page; other pages are listed as skipped."""
    rows = Rows()
    rows.skipped_pages, rows.file_findings = [], []
    for path in bundle.pages():
        row = read_page(bundle.files[path](), path=path, bundle=bundle, findings=rows.file_findings)
        if row is None:
            rows.skipped_pages.append(path)
        else:
            rows.append((path, row))
    if not rows:
        raise ImportFileError(
            "没有找到带有索引号、发布日期等信息的网页，请确认保存的是信息详情页。"
        )
    return rows


def decode(content):
    head = content[:4096]
    found = _CHARSET.search(head)
    charset = found.group(1).decode("ascii").lower() if found else ""
    if charset in ("gb2312", "gbk", "gb18030", "x-gbk"):
        return content.decode("gb18030", errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("gb18030", errors="replace")


def _clean(text):
    return re.sub(r"\s+", " ", (text or "").replace("\u3000", " ").replace("\xa0", " ")).strip()


def parse_pairs(text):
    """``发布日期：2022-03-26 09:32 来源：区应急局`` → [(key, value), …]; [] when the text is no pair."""
    text = _clean(text).lstrip("【[［ ")
    matches = list(_PAIR.finditer(text))
    if not matches or matches[0].start() != 0:
        return []
    pairs = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        key = column_key(match["label"])
        pairs.append((key, text[match.end() : end].strip(" 】]］|｜")))
    return pairs


def read_page(content, *, path="", bundle=None, findings=None):
    """One saved page as an import row, or None when it carries no catalog metadata."""
    soup = BeautifulSoup(decode(content), "html.parser")
    findings = findings if findings is not None else []
    for junk in soup(["script", "style", "noscript"]):
        junk.decompose()
    body_node = _body(soup)
    meta = {}

    def put(key, value):
        value = _clean(value)
        if key and value and key not in meta:
            meta[key] = value

    def outside_body(node):
        return body_node is None or body_node not in node.parents

    # 1. A table of label cells: <td>索引号：</td><td>…</td>, or label and value in one cell.
    for row in soup.find_all("tr"):
        if not outside_body(row):
            continue
        cells = row.find_all(["td", "th"], recursive=False)
        position = 0
        while position < len(cells):
            text = _clean(cells[position].get_text(" "))
            key = column_key(text)
            if key and position + 1 < len(cells):
                put(key, cells[position + 1].get_text(" "))
                position += 2
                continue
            for key, value in parse_pairs(text):
                put(key, value)
            position += 1
    # 2. A definition list: <dt>索引号</dt><dd>…</dd>.
    for term in soup.find_all("dt"):
        key = column_key(_clean(term.get_text(" ")))
        value = term.find_next_sibling("dd")
        if key and value is not None and outside_body(term):
            put(key, value.get_text(" "))
    # 3. Lists and blocks of "标签：值": <li>, <p>, <span>, <div class="xxgk-info"> children.
    for node in soup.find_all(["li", "p", "div", "span", "em", "label", "strong", "b"]):
        if not outside_body(node) or node.find(["li", "p", "div", "table"]):
            continue
        text = _clean(node.get_text(" "))
        if not text or len(text) > 400:
            continue
        pairs = parse_pairs(text)
        for key, value in pairs:
            if value:
                put(key, value)
            else:  # <span>索引号：</span><span>…</span>
                sibling = node.find_next_sibling()
                if sibling is not None:
                    put(key, sibling.get_text(" "))
        if not pairs and column_key(text):
            sibling = node.find_next_sibling()
            if sibling is not None and not column_key(_clean(sibling.get_text(" "))):
                put(column_key(text), sibling.get_text(" "))
    # 4. What TRS-style templates put in <meta>.
    for name, key in (
        ("ArticleTitle", "title"),
        ("PubDate", "published_date"),
        ("ContentSource", "source"),
        ("Keywords", "keywords"),
        ("Description", "summary"),
    ):
        tag = soup.find("meta", attrs={"name": re.compile(f"^{name}$", re.IGNORECASE)})
        if (
            tag is not None
            and tag.get("content")
            and key not in meta
            and (key != "summary" or meta)
        ):
            put(key, tag["content"])
    if not any(
        key in meta for key in ("published_date", "index_number", "formed_date", "document_number")
    ):
        return None
    if "title" not in meta:
        put("title", _title(soup, body_node))
    meta["body"] = body_text(body_node) if body_node is not None else ""
    url = _old_url(soup, content)
    if url and "old_url" not in meta:
        meta["old_url"] = url
    if bundle is not None:
        meta["_attachments"] = _attachments(soup, path, bundle, findings)
    return meta


def _body(soup):
    for selector in BODY_SELECTORS:
        node = soup.select_one(selector)
        if node is not None and _clean(node.get_text(" ")):
            return node
    return None


def body_text(node):
    """The body as the catalog's plain text: one paragraph per block, blank lines between."""
    parts = []
    for child in node.descendants:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif child.name == "br" or child.name in BLOCK_TAGS:
            parts.append("\n")
    lines = [_clean(line) for line in "".join(parts).split("\n")]
    return "\n\n".join(line for line in lines if line)


def _title(soup, body_node):
    for selector in ("h1", ".article-title", ".title", "h2"):
        node = soup.select_one(selector)
        if (
            node is not None
            and _clean(node.get_text(" "))
            and (body_node is None or body_node not in node.parents)
        ):
            return node.get_text(" ")
    if soup.title and soup.title.string:
        return re.split(r"\s*(?:_|\||－| - )\s*", soup.title.string.strip())[0]
    return ""


def _old_url(soup, content):
    for tag, attrs, attr in (
        ("link", {"rel": "canonical"}, "href"),
        ("meta", {"property": "og:url"}, "content"),
        ("meta", {"name": re.compile("^url$", re.IGNORECASE)}, "content"),
    ):
        node = soup.find(tag, attrs=attrs)
        if node is not None and str(node.get(attr, "")).startswith(("http://", "https://")):
            return node[attr]
    found = _SAVED_FROM.search(content[:2048].decode("latin-1"))
    return found.group(1) if found else ""


def _attachments(soup, page, bundle, findings):
    """Files saved with the pages that the page links to by a relative href, checked by content."""
    found, seen = [], set()
    folder = posixpath.dirname(page)
    for link in soup.find_all("a", href=True):
        href = link["href"].strip()
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path or href.startswith("#"):
            continue
        target = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
        if target in seen or target not in bundle.files or target.lower().endswith(PAGE_SUFFIXES):
            continue
        seen.add(target)
        name = _clean(link.get_text(" ")) or posixpath.basename(target)
        extension = posixpath.splitext(target)[1].lower()
        if not name.lower().endswith(extension):
            name += extension
        content = bundle.files[target]()
        try:
            content_type, size, digest = uploads.inspect_upload(ContentFile(content, name=name))
        except ValidationError as exc:
            findings.append(f"{page}：附件“{name}”未导入：{'；'.join(exc.messages)}")
            continue
        found.append(
            ImportedFile(
                name=name,
                path=target,
                size=size,
                content_type=content_type,
                sha256=digest or hashlib.sha256(content).hexdigest(),
                opener=bundle.files[target],
            )
        )
    return found
