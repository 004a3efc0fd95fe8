"""Chinese full-text search without a search server.

Why CJK bigrams and not jieba: a dictionary segmenter decides the words at indexing time, so
"政务公开" indexed as one word is never found by the two-character query "公开"; bigrams index
every overlapping pair of characters, so any term of two or more characters is found, the
tokens are the same at indexing and query time, and nothing has to be loaded or kept in sync
with a dictionary. Precision comes back by matching a query word as a phrase of consecutive
bigrams.

Each item stores its tokens as text (``search_title_tokens``, ``search_tokens``). On
PostgreSQL a generated ``search_vector`` column (title weighted A) carries a GIN index; on
SQLite the same token strings are matched with LIKE, which gives identical results.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils.html import format_html, format_html_join

MAX_QUERY_LENGTH = 50  # longer queries are cut: no real title search needs more
MAX_QUERY_WORDS = 6

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[0-9a-z]+")


def tokens(text):
    """Bigrams of every CJK run (a lone character stands for itself) and lower-case words."""
    out = []
    for run in _RUN.findall((text or "").lower()):
        if run[0].isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


# Attachments' text follows the item's own tokens in ``search_tokens``, after this mark. It is no
# token (``tokens`` never makes it, PostgreSQL's parser drops it), so it costs no position in the
# vector; saving the item keeps what follows it, and the catalog tells hits only in attachments
# ("附件中") by where the phrase occurs.
ATTACHMENT_MARK = "§"
# How many characters of an item's attachments are searchable. PostgreSQL keeps word positions
# up to 16,383 per vector, and phrases are matched by position: past that, words are found only
# by chance; and a tsvector holds at most 1 MB. The first pages of a document carry its subject.
ATTACHMENT_SEARCH_CHARS = 12_000


def document_tokens(item):
    """(title tokens, everything else) as space-separated strings, padded for LIKE matching.

    The attachments' part of ``item.search_tokens`` is kept as it is (see attachment_tokens).
    """
    rest = " ".join(
        [item.summary, item.body, item.document_number, item.keywords, item.index_number]
    )
    _, _, attached = (item.search_tokens or "").partition(f" {ATTACHMENT_MARK} ")
    return _pad(tokens(item.title)), with_attachment_tokens(_pad(tokens(rest)), attached)


def attachment_tokens(texts):
    """The search tokens of attachments' texts (the first ATTACHMENT_SEARCH_CHARS characters)."""
    left, words = ATTACHMENT_SEARCH_CHARS, []
    for text in texts:
        if left <= 0:
            break
        words.extend(tokens(text[:left]))
        left -= len(text)
    return " ".join(words)


def with_attachment_tokens(search_tokens, attached):
    """``search_tokens`` (own part kept) followed by the attachments' tokens ``attached``."""
    own = (search_tokens or "").partition(f" {ATTACHMENT_MARK} ")[0].strip()
    attached = (attached or "").strip()
    if not attached:
        return _pad(own.split()) if own else ""
    return f" {own} {ATTACHMENT_MARK} {attached} " if own else f" {ATTACHMENT_MARK} {attached} "


def own_text_matches(search_tokens, words):
    """True when every word occurs (as a phrase) before the attachments' part of the tokens."""
    own = " " + (search_tokens or "").partition(f" {ATTACHMENT_MARK} ")[0].strip() + " "
    return all(phrase.needle() in own for phrase in _phrases(words))


def _pad(words):
    return f" {' '.join(words)} " if words else ""


def _single_character(word):
    """A lone Chinese character ("安"): the index holds bigrams, so it can match nothing useful."""
    return len(word) == 1 and _RUN.fullmatch(word) is not None and not word.isascii()


def query_words(q):
    """The user's words, cleaned: at most MAX_QUERY_WORDS, each giving at least one token.

    A single Chinese character is left out (see :func:`short_words`): it is no bigram, and
    matching it in every title would read every title.
    """
    q = (q or "")[:MAX_QUERY_LENGTH]
    words = []
    for word in q.split():
        if tokens(word) and word not in words and not _single_character(word):
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def short_words(q):
    """The single Chinese characters of the query, which :func:`query_words` leaves out."""
    q = (q or "")[:MAX_QUERY_LENGTH]
    return [word for word in dict.fromkeys(q.split()) if _single_character(word)]


@dataclass(frozen=True)
class _Phrase:
    """A query word's tokens, in order; ``open_end``: the last one may begin a longer token.

    A lone Chinese character after other tokens ("2024年") is the first character of a bigram
    in the index ("2024年汛期" gives 2024 年汛 汛期), so it is matched as a prefix.
    """

    tokens: tuple
    open_end: bool = False

    def needle(self):
        """The phrase as it occurs in a padded token string (see ``document_tokens``)."""
        padded = _pad(self.tokens)
        return padded[:-1] if self.open_end else padded

    def tsquery(self, *, phrase=True):
        parts = list(self.tokens)
        if self.open_end:
            parts[-1] += ":*"
        return "(" + (" <-> " if phrase else " & ").join(parts) + ")"


def _phrases(words):
    phrases = []
    for word in words:
        tokens_ = tokens(word)
        open_end = len(tokens_) > 1 and _single_character(tokens_[-1])
        phrases.append(_Phrase(tuple(tokens_), open_end))
    return phrases


def _postgres_query(phrases, phrase=True):
    # Every token is [CJK]{1,2} or [0-9a-z]+, so nothing here needs tsquery escaping.
    return " & ".join(p.tsquery(phrase=phrase) for p in phrases)


def needs_phrase_check(words):
    """True when the plain AND of the words' bigrams may find more than the phrases do.

    On PostgreSQL a phrase (``隐患 <-> 患排 <-> 排查``) is rechecked on every candidate row with
    its detoasted vector; the AND of the same bigrams is answered by the GIN index alone.
    SQLite's LIKE on the padded token string matches the phrase itself either way.
    """
    return connection.vendor == "postgresql" and any(len(p.tokens) > 1 for p in _phrases(words))


TITLE_VECTOR = """to_tsvector('simple'::regconfig, "disclosure_item"."search_title_tokens")"""


def matches(words, *, title_only=False, phrase=True, indexed=True):
    """A filter for items matching every word (each word as a phrase).

    ``phrase=False`` (PostgreSQL) asks only that every bigram occur somewhere: a superset of
    the phrase matches, exact in the GIN index without reading the rows. ``indexed=False``
    (PostgreSQL) writes the same test so that no GIN index can answer it: the planner then reads
    the rows in the order of a date index and stops after a page (``disclosure.catalog``).
    """
    phrases = _phrases(words)
    if connection.vendor == "postgresql":
        # The title group uses the expression index over the title tokens (migration 0004):
        # weight-A matches on the combined vector would re-read every row with a common word.
        column = TITLE_VECTOR if title_only else '"disclosure_item"."search_vector"'
        test = (
            "{} @@ to_tsquery('simple', %s)"
            if indexed
            else UNINDEXED_MATCH + "({}, to_tsquery('simple', %s))"
        )
        return Q(
            RawSQL(
                test.format(column),
                [_postgres_query(phrases, phrase)],
                output_field=BooleanField(),
            )
        )
    condition = Q()
    for phrase in phrases:
        needle = phrase.needle()
        if title_only:
            condition &= Q(search_title_tokens__contains=needle)
        else:
            condition &= Q(search_title_tokens__contains=needle) | Q(search_tokens__contains=needle)
    return condition


def highlight(text, words):
    """``text`` escaped, with each occurrence of a query word wrapped in <mark>."""
    text = text or ""
    if not words:
        return format_html("{}", text)
    pattern = re.compile(
        "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE
    )
    pairs, last = [], 0
    for found in pattern.finditer(text):
        pairs.append((text[last : found.start()], found.group()))
        last = found.end()
    return format_html("{}{}", format_html_join("", "{}<mark>{}</mark>", pairs), text[last:])


# ``vector @@ query`` where no index may answer it (``matches(indexed=False)``). PL/pgSQL, so the
# planner cannot inline it back into the indexable operator, and estimates it as an opaque test
# (a third of the rows) rather than the few rows it guesses for a phrase of common bigrams.
UNINDEXED_MATCH = "zwgk_unindexed_match"
UNINDEXED_MATCH_SQL = f"""
CREATE OR REPLACE FUNCTION {UNINDEXED_MATCH}(vector tsvector, query tsquery) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$ BEGIN RETURN vector @@ query; END $$;
"""
UNINDEXED_MATCH_REVERSE_SQL = f"DROP FUNCTION IF EXISTS {UNINDEXED_MATCH}(tsvector, tsquery);"

VECTOR_SQL = """
ALTER TABLE disclosure_item ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, search_title_tokens), 'A')
    || setweight(to_tsvector('simple'::regconfig, search_tokens), 'D')
) STORED;
CREATE INDEX item_search_gin ON disclosure_item USING gin (search_vector)
    WHERE status = 'published';
"""
VECTOR_REVERSE_SQL = """
DROP INDEX IF EXISTS item_search_gin;
ALTER TABLE disclosure_item DROP COLUMN IF EXISTS search_vector;
"""
