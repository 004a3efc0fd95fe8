"""The 主动公开目录 as a tree: 机构 › 信息类别 / 主题分类, each node with its count and URL.

Counts come from the tables PostgreSQL's triggers keep (CategoryTotal per agency and category;
TopicTally per agency and topic): a few hundred rows for a district of fifty agencies, instead
of counting a million items (or summing CategoryTally's months, 18,000 rows at that size). SQLite (development, tests) counts the items directly, with
the same two queries. The counts are kept per catalog generation, so a publication shows in the
tree at once and a busy catalog computes them once per generation.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F
from django.urls import reverse

from agencies.models import Agency
from disclosure.cache import cached_fragment
from disclosure.models import Category, CategoryTotal, Item, Topic, TopicTally


def counts():
    """{"category": {(agency_id, category): n}, "topic": {(agency_id, topic_id): n}} (two queries)."""
    if connection.vendor == "postgresql":
        by_category = CategoryTotal.objects.filter(items__gt=0).values(
            "agency_id", "category", n=F("items")
        )
        by_topic = TopicTally.objects.filter(items__gt=0).values(
            "agency_id", "topic_id", n=F("items")
        )
    else:
        published = Item.objects.published()
        by_category = published.values("agency_id", "category").annotate(n=Count("id")).order_by()
        by_topic = (
            published.filter(topic__isnull=False)
            .values("agency_id", "topic_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    return {
        "category": {(r["agency_id"], r["category"]): r["n"] for r in by_category if r["n"]},
        "topic": {(r["agency_id"], r["topic_id"]): r["n"] for r in by_topic},
    }


def cached_counts():
    """:func:`counts`, computed once per catalog generation."""
    return cached_fragment("catalog-tree-counts", (), counts)


@dataclass
class Node:
    label: str
    url: str
    count: int
    current: bool = False
    open: bool = False  # on the path to the current node: its children are shown
    depth: int = 0
    children: list = field(default_factory=list)


def node_url(agency=None, category=None, topic=None):
    """The bookmarkable address of a node of the tree (the catalog list under it)."""
    if agency is not None:
        if category:
            return reverse("disclosure:agency_category", args=[agency.slug, category])
        if topic is not None:
            return reverse("disclosure:agency_topic", args=[agency.slug, topic.pk])
        return reverse("disclosure:agency_items", args=[agency.slug])
    if category:
        return reverse("disclosure:category_items", args=[category])
    if topic is not None:
        return reverse("disclosure:topic_items", args=[topic.pk])
    return reverse("disclosure:item_list")


def _depths(agencies):
    by_id = {a.pk: a for a in agencies}
    depths = {}
    for agency in agencies:
        depth, parent = 0, agency.parent_id
        while parent in by_id and depth < 3:
            depth, parent = depth + 1, by_id[parent].parent_id
        depths[agency.pk] = depth
    return depths


def build(*, agency=None, category=None, topic=None):
    """The tree around the current node: (scope nodes, agency nodes).

    The scope (the current agency, or the whole site) lists its 信息类别 and 主题分类 with their
    counts; sub-topics show under the open topic. Agencies are listed with their totals, units
    indented under their government. Three queries and the counts (cached per generation).
    """
    tally = cached_counts()
    agencies = list(Agency.objects.only("id", "name", "short_name", "slug", "parent_id"))
    topics = list(Topic.objects.only("id", "name", "parent_id"))
    agency_ids = {agency.pk} if agency is not None else {a.pk for a in agencies}

    def category_count(value):
        return sum(tally["category"].get((a, value), 0) for a in agency_ids)

    own_topic = defaultdict(int)
    for (agency_id, topic_id), n in tally["topic"].items():
        if agency_id in agency_ids:
            own_topic[topic_id] += n
    children = defaultdict(list)
    for t in topics:
        if t.parent_id:
            children[t.parent_id].append(t)

    def topic_count(t):
        return own_topic[t.pk] + sum(own_topic[c.pk] for c in children[t.pk])

    categories = [
        Node(
            c.label, node_url(agency, c.value), category_count(c.value), current=category == c.value
        )
        for c in Category
    ]
    categories = [node for node in categories if node.count or node.current]
    current_topic = topic.pk if topic is not None else None
    open_topic = (topic.parent_id or topic.pk) if topic is not None else None
    topic_nodes = []
    for t in topics:
        if t.parent_id:
            continue
        node = Node(
            t.name,
            node_url(agency, topic=t),
            topic_count(t),
            current=t.pk == current_topic,
            open=t.pk == open_topic,
        )
        if node.open:
            node.children = [
                Node(c.name, node_url(agency, topic=c), own_topic[c.pk], c.pk == current_topic)
                for c in children[t.pk]
                if own_topic[c.pk] or c.pk == current_topic
            ]
        if node.count or node.open:
            topic_nodes.append(node)

    totals = defaultdict(int)
    for (agency_id, _), n in tally["category"].items():
        totals[agency_id] += n
    depths = _depths(agencies)
    agency_nodes = [
        Node(
            a.display_name,
            node_url(a),
            totals[a.pk],
            current=agency is not None and a.pk == agency.pk and not (category or topic),
            open=agency is not None and a.pk == agency.pk,
            depth=depths[a.pk],
        )
        for a in agencies
    ]
    scope = Node(
        agency.display_name if agency is not None else "全部机构",
        node_url(agency),
        sum(totals[a] for a in agency_ids),
        current=not (category or topic),
        open=True,
    )
    return {
        "agency": agency,  # its page links the tree by 标准目录事项 (standards) beside this one
        "scope": scope,
        "site": Node(
            "全部机构",
            node_url(),
            sum(totals.values()),
            current=agency is None and not (category or topic),
        ),
        "categories": categories,
        "topics": topic_nodes,
        "agencies": agency_nodes,
    }
