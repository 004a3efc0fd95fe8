"""The catalog listing: filters, search groups, capped counts and capped pagination.

Designed for a million published items: every query is an index range scan that stops after
one page, counts stop at COUNT_CAP, and pages stop at MAX_PAGES (narrow the filters instead).
"""

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date

from django.db import OperationalError, connections, transaction
from django.db.models import Prefetch

from agencies.models import Agency
from disclosure.filters import CatalogFilter
from disclosure.models import Category, Item
from disclosure.search import matches, needs_phrase_check, own_text_matches, query_words

PER_PAGE = 20
COUNT_CAP = (
    10_000  # "10000+ 条": counting every match of a million rows would cost more than the page
)
EXACT_COUNT_LIMIT = 2_000  # below the planner's estimate of this, counting is cheap and exact
EXACT_COUNT_TIMEOUT_MS = 20
SEARCH_MAX_PAGES = 50  # past 1000 search results a second word finds more than paging does
MAX_PAGES = COUNT_CAP // PER_PAGE
# From this page on, "下一页" is a bookmark (keyset): the rows after the last one shown, found
# by the date index whatever the depth, instead of OFFSET (pages × 20 rows walked and dropped).
# The first pages keep their numbers, which is what people click and share.
KEYSET_FROM_PAGE = 20
KEYSET_MAX_PAGE = 10**6  # only a label on a bookmarked page
LIST_FIELDS = (
    "id",
    "title",
    "summary",
    "index_number",
    "document_number",
    "published_date",
    "category",
    "validity",
    "agency_id",
)
AGENCY_FIELDS = ("id", "name", "short_name")


@dataclass
class CatalogPage:
    """Quacks like a Django Page for templates/includes/_pagination.html."""

    object_list: list
    number: int
    count: int
    count_capped: bool  # "约": an estimate, or a count of candidates a phrase check may turn down
    num_pages: int
    words: list = field(default_factory=list)
    # At least ``count`` rows match ("1000 条以上"): counting stopped at the cap, past what the
    # pages can show; with ``count_capped`` too, that is a planner estimate or counts candidates
    # that a phrase check could still turn down ("约 1000 条以上").
    count_at_least: bool = False
    # The bookmark of the next page (``after=``), when it is reached by keyset rather than number.
    next_after: str = ""
    # This page was reached by a bookmark: its number is a label, the rows come from the key.
    keyset: bool = False

    @property
    def paginator(self):
        return self

    def has_previous(self):
        return self.number > 1

    def has_next(self):
        return self.number < self.num_pages

    def has_other_pages(self):
        return self.num_pages > 1

    def previous_page_number(self):
        return self.number - 1

    @property
    def open_ended(self):
        """A bookmarked page past the counted pages: how many follow is not known (no "共 N 页")."""
        return self.keyset and self.number > MAX_PAGES

    @property
    def previous_out_of_range(self):
        """Bookmarked pages past MAX_PAGES have no numbered page before them (only 首页)."""
        return self.number - 1 > MAX_PAGES

    def next_page_number(self):
        return self.number + 1

    def __iter__(self):
        return iter(self.object_list)


def page_number(raw):
    """A page number from the query string; anything malformed is page 1."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGES)


AFTER = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(\d{1,18})$")


def parse_after(raw):
    """A bookmark ``YYYY-MM-DD.id`` as (date, id); anything malformed is None (page 1)."""
    match = AFTER.match(raw or "")
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1)), int(match.group(2))
    except ValueError:
        return None


def bookmark(item):
    """The bookmark of the rows after ``item`` in the catalog's date order."""
    return f"{item.published_date.isoformat()}.{item.pk}"


def _after_key(queryset, after, sort):
    """Rows after the key in the page's order, as one row comparison, (date, id) < (d, n):
    PostgreSQL seeks it in the date index (an index condition), where the equivalent OR of the
    two columns would walk every item of the key's day first. Django has no public expression
    for a row comparison, hence ``extra``."""
    day, pk = after
    quote = connections[queryset.db].ops.quote_name
    table = quote(Item._meta.db_table)
    date_column, id_column = quote(Item._meta.get_field("published_date").column), quote("id")
    operator = ">" if sort == "date" else "<"
    return queryset.extra(
        where=[f"({table}.{date_column}, {table}.{id_column}) {operator} (%s, %s)"],
        params=[day, pk],
    )


def keyset_page_number(raw):
    """The label of a bookmarked page; a bookmark is never page 1."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 2
    return min(max(number, 2), KEYSET_MAX_PAGE)


def estimated_count(queryset):
    """The planner's row estimate (PostgreSQL), read from EXPLAIN: one cheap query, no scan.

    Asked of the database the queryset reads from (the replica when one is configured).
    """
    sql, params = queryset.order_by().values("id").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def count(queryset, cap=COUNT_CAP):
    """(count, kind): exact up to EXACT_COUNT_LIMIT, else an estimate; either cut at ``cap``.

    ``kind`` is "exact" (the total), "floor" (counting stopped at ``cap``: more rows match) or
    "estimate" (the planner's, or cut at ``cap``).

    Counting every match of a common word among a million rows reads every one of those rows;
    the page needs a size hint, not an audit, so large results are estimated.
    """
    # One alias for the estimate, the bounded count and its transaction: the read database (a
    # transaction on the primary would otherwise send the count there too).
    queryset = queryset.using(queryset.db)
    if connections[queryset.db].vendor == "postgresql":
        estimate = estimated_count(queryset)
        if estimate > EXACT_COUNT_LIMIT:
            return min(estimate, cap), "estimate"
        # The planner underestimates phrases badly: count exactly only while it stays cheap.
        try:
            exact = _bounded(queryset.db, lambda: queryset.order_by()[: cap + 1].count())
        except OperationalError:
            return max(estimate, 1), "estimate"
    else:
        exact = queryset.order_by()[: cap + 1].count()
    return min(exact, cap), "exact" if exact <= cap else "floor"


def _bounded(using, run):
    """Run one query on ``using`` under EXACT_COUNT_TIMEOUT_MS; OperationalError when slower."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        previous = cursor.fetchone()[0]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = %s", [EXACT_COUNT_TIMEOUT_MS])
        result = run()
        # Back to the previous limit inside the block: a timer that fires just as the query ends
        # then cancels this statement, rolled back with the block, never the COMMIT after it
        # (which would leave the connection in an aborted transaction); and SET LOCAL outlives
        # a released savepoint when an outer transaction is open.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
        return result


def catalog_page(queryset, *, words=(), sort="-date", number=1, per_page=PER_PAGE, after=None):
    """One page of ``queryset`` (already filtered); with search words, title hits come first.

    Rows are read per_page + 1 at a time in date order, so that a page costs an index walk
    that stops after one page whatever the size of the result. ``after`` (a parsed bookmark,
    lists only) gives the rows after that key instead of page ``number``, which is then a label.
    """
    order = ("published_date", "id") if sort == "date" else ("-published_date", "-id")
    if after is not None and not words:
        return _keyset_page(queryset, order, sort, number, per_page, after)
    number = min(number, SEARCH_MAX_PAGES) if words else number
    start = (number - 1) * per_page
    rows = []

    def take(group, offset, limit):
        group = group.only(*LIST_FIELDS).order_by(*order)
        if words:
            # Searching, the agencies come in a second query for the page's rows, not in a join:
            # PostgreSQL estimates a search's matches at one row and then joins the agency table
            # to every candidate before sorting, most of the time of a search for a common word.
            group = group.prefetch_related(Prefetch("agency", Agency.objects.only(*AGENCY_FIELDS)))
        else:
            group = group.select_related("agency").only(
                *LIST_FIELDS, *(f"agency__{f}" for f in AGENCY_FIELDS)
            )
        return list(group[offset : offset + limit])

    if words:
        title_hits = matches(words, title_only=True)
        # Every bigram of every word: exact in the GIN index, the positions are never read.
        loose = queryset.filter(matches(words, phrase=False))
        # Counted first: whether more than a page's worth match decides how the page is read.
        # Counting stops past the last page a search shows (1,000 rows): counting every match of
        # a common word would read as many rows again as the page itself.
        cap = SEARCH_MAX_PAGES * per_page
        total, kind = count(loose, cap)
        # More than the pages show, or too many to count within the time limit.
        many = kind != "exact"
        # Two groups each read in date order instead of one ORDER BY rank: ranking would have to
        # score every match of a common word before returning the first row. The title group too
        # is read by its bigrams and phrase-checked on a window only: checking the phrase on every
        # title holding the bigrams of a common word would re-tokenise each of them.
        rows = _phrase_checked(
            queryset.filter(matches(words, title_only=True, phrase=False)),
            words,
            take,
            start,
            per_page + 1,
            title_only=True,
        )
        in_title = len(rows)
        if len(rows) <= per_page:
            # The title group ends on this page (or before it): continue with the other matches.
            in_titles = (
                start + len(rows)
                if rows or start == 0
                else _count_upto(queryset.filter(title_hits), start)
            )
            offset, limit = max(0, start - in_titles), per_page + 1 - len(rows)
            recent = _recent_window(queryset, order, words) if many else None
            found = None
            if recent is not None:
                found = _phrase_checked(recent, words, take, offset, limit)
                if len(found) < limit:
                    found = None  # the window is too small for this page: read every match
            if found is None:
                found = _phrase_checked(loose.exclude(title_hits), words, take, offset, limit)
            rows += found
        # Counted with the AND of the bigrams (no recheck of positions on every candidate):
        # an upper bound of the phrase matches, so shown as "约" unless the words are bigrams:
        # phrases make any count of the bigrams approximate.
        exact = kind != "estimate" and not needs_phrase_check(words)
    else:
        cap = COUNT_CAP
        rows = take(queryset, start, per_page + 1)
        total, kind = count(queryset, cap)
        exact = kind != "estimate"
    # "1000 条以上": more match than the pages show; "约" still marks an estimate.
    at_least = kind == "floor" or (kind == "estimate" and total >= cap)
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    if words:
        _mark_attachment_hits(rows[in_title:], words)
    if rows and not at_least:
        # An estimate must never claim fewer rows than the ones just read prove to exist.
        total = max(total, start + len(rows) + has_next)
    if not has_next and (rows or start == 0):
        # The last page: the rows read are all there is.
        total, exact, at_least = start + len(rows), True, False
    last = SEARCH_MAX_PAGES if words else MAX_PAGES
    num_pages = min(last, max(1, math.ceil(total / per_page)))
    if has_next:
        num_pages = max(num_pages, min(last, number + 1))
    number = min(number, num_pages)
    next_after = bookmark(rows[-1]) if has_next and not words and number >= KEYSET_FROM_PAGE else ""
    return CatalogPage(
        rows, number, total, not exact, num_pages, list(words), at_least, next_after=next_after
    )


RECENT_WINDOW = 20_000  # rows of the list a common search reads, newest (or oldest) first


def _recent_window(queryset, order, words):
    """The non-title matches among the RECENT_WINDOW first rows of the list, read in list order.

    For a search with many matches (PostgreSQL). The GIN index finds every match of a common
    word, and the page then sorts them all by date, rereading each candidate's vector: the cost
    grows with the catalog (4 s for a word in one item of twenty at 3,000,000 items). Here the
    match test goes through a function the index cannot answer and whose selectivity the planner
    does not underestimate (``search.matches(indexed=False)``), so it walks the date index from
    the page's end of the list and stops after the page's rows; the first rows of the list bound
    the walk, so a word that turns out rare there costs at most the window, after which the
    caller reads every match as before. None on SQLite, whose LIKE reads the rows anyway.
    """
    if connections[queryset.db].vendor != "postgresql":
        return None
    edge = queryset.order_by(*order).values_list("published_date", flat=True)
    edge = list(edge[RECENT_WINDOW : RECENT_WINDOW + 1])
    if edge:
        oldest_first = order[0] == "published_date"
        bound = "published_date__lte" if oldest_first else "published_date__gte"
        queryset = queryset.filter(**{bound: edge[0]})
    return queryset.filter(matches(words, phrase=False, indexed=False)).exclude(
        matches(words, title_only=True, indexed=False)
    )


def _list_rows(queryset, order, offset, limit):
    return list(
        queryset.only(*LIST_FIELDS, *(f"agency__{f}" for f in AGENCY_FIELDS))
        .select_related("agency")
        .order_by(*order)[offset : offset + limit]
    )


def _keyset_page(queryset, order, sort, number, per_page, after):
    """The rows after a bookmark: the same cost at any depth (see KEYSET_FROM_PAGE)."""
    rows = _list_rows(_after_key(queryset, after, sort), order, 0, per_page + 1)
    total, kind = count(queryset, COUNT_CAP)
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    at_least = kind == "floor" or (kind == "estimate" and total >= COUNT_CAP)
    # The label says which page this is; past the counted pages it is its own last page.
    num_pages = max(min(MAX_PAGES, math.ceil(total / per_page)), number + has_next)
    return CatalogPage(
        rows,
        number,
        total,
        kind == "estimate",
        num_pages,
        [],
        at_least,
        next_after=bookmark(rows[-1]) if has_next else "",
        keyset=True,
    )


def _mark_attachment_hits(rows, words):
    """Set ``in_attachment`` on the rows that match only in their attachments' text.

    One query for the page's rows outside the title group: their tokens say whether the words
    occur before the attachments' part (summary, body, numbers) or only after it.
    """
    for row in rows:
        row.in_attachment = False
    if not rows:
        return
    tokens = dict(
        Item.objects.filter(pk__in=[row.pk for row in rows]).values_list("pk", "search_tokens")
    )
    for row in rows:
        row.in_attachment = not own_text_matches(tokens.get(row.pk, ""), words)


PHRASE_SLACK = 20  # candidates read beyond the page, for those the phrase check turns down


def _phrase_checked(group, words, take, offset, limit, *, title_only=False):
    """Rows ``offset``..``offset + limit`` of ``group`` (the bigram AND) that match as phrases.

    The phrase is checked on a window of candidates just past the page, not on every candidate:
    on PostgreSQL that check detoasts each row's vector (or, for titles, tokenises the title
    again). Should the window run out before the page is full, the page is read again with the
    phrase check on every row.
    """
    if not needs_phrase_check(words):
        return take(group, offset, limit)
    phrase = matches(words, title_only=title_only)
    window = offset + limit + PHRASE_SLACK
    candidates = list(take(group, 0, window))
    phrased = set(
        Item.objects.filter(pk__in=[row.pk for row in candidates])
        .filter(phrase)
        .values_list("pk", flat=True)
    )
    kept = [row for row in candidates if row.pk in phrased][offset : offset + limit]
    if len(kept) < limit and len(candidates) == window:
        kept = take(group.filter(phrase), offset, limit)
    return kept


def _count_upto(queryset, limit):
    return queryset.order_by()[:limit].count()


def catalog_search(
    data, *, agency=None, fixed=None, number=1, per_page=PER_PAGE, sort=None, after=None
):
    """(filterset, page or None) of the catalog's filters on ``data``; invalid filters give no page.

    The one reading of the filters that the catalog pages, the API and the feeds share, so that
    a feed lists exactly what its catalog view lists. ``sort`` overrides the one in ``data``;
    ``fixed`` filters (a node of the catalog tree: category, topic) override those in ``data``.
    """
    data = data.copy()
    if agency is not None:
        data["agency"] = str(agency.pk)
    for name, value in (fixed or {}).items():
        data[name] = value
    filterset = CatalogFilter(data, queryset=Item.objects.published())
    if not filterset.is_valid():
        return filterset, None
    cleaned = filterset.form.cleaned_data
    page = catalog_page(
        filterset.qs,
        words=query_words(cleaned.get("q")),
        sort=sort or cleaned.get("sort") or "-date",
        number=number,
        per_page=per_page,
        after=after,
    )
    return filterset, page


def latest_by_category(limit=6):
    """The home page column: the newest items of each category (one query per category)."""
    base = (
        Item.objects.published()
        .only("id", "title", "published_date")
        .order_by("-published_date", "-id")
    )
    return [(category, list(base.filter(category=category.value)[:limit])) for category in Category]
