"""The synthetic district for the benchmark: 50 agencies, ten years of records, realistic Chinese.

Rows are generated in Python as plain dicts keyed by the models' attribute names and written
in bulk: ``COPY … FROM STDIN`` on PostgreSQL (psycopg2 ``copy_expert``; a million items in a few
minutes), ``bulk_create`` elsewhere. Nothing goes through services, so nothing here may be
used outside the benchmark's own database. The generator is seeded: the same ``--items`` gives
the same data, so runs are comparable.

Realism that matters for the measurements: agencies are skewed (a few busy ones hold most
records, as in a real district), dates spread over ten years, 96 % of items published, titles
built from real administrative subjects so that two- and four-character searches hit common
and rare terms, and applications cover all 21 outcomes of table 三 plus open ones.
"""

import hashlib
import io
import itertools
import json
import multiprocessing
import random
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import staff_create
from agencies.models import Agency
from applications import pii
from applications import tally as application_tally
from applications.models import (
    Appeal,
    AppealKind,
    AppealResult,
    Applicant,
    ApplicantType,
    Application,
    ApplicationBalance,
    ApplicationTally,
    Delivery,
    Form,
    IdType,
    Outcome,
)
from applications.models import Channel as ApplicationChannel
from applications.models import Status as ApplicationStatus
from disclosure import tally
from disclosure.models import (
    Category,
    CategoryTally,
    CategoryTotal,
    Channel,
    ChannelKind,
    ChannelTally,
    DocKind,
    Genre,
    Item,
    ItemStatus,
    NormativeBalance,
    Topic,
    TopicTally,
    Validity,
)
from disclosure.search import attachment_tokens, tokens, with_attachment_tokens
from perf.vocabulary import (
    APPLICATION_TOPICS,
    DEPARTMENTS,
    GIVEN,
    OTHER_TITLES,
    POLICY_TITLES,
    SENTENCES,
    SUBJECTS,
    SURNAMES,
    WORK_TITLES,
)
from proposals.models import (
    AnswerClass,
    Body,
    Kind,
    Proposal,
    PublicationMode,
    PublicationStatus,
    Satisfaction,
    Session,
)
from proposals.models import Status as ProposalStatus

YEARS = range(2016, 2026)  # ten full years
SEED = 20_170_101
WORKERS = 2  # processes loading items on PostgreSQL: one per core of the reference machine
DISTRICT = "示范区"


@dataclass(frozen=True)
class Size:
    items: int
    applications: int
    proposals: int

    @classmethod
    def scaled(cls, items):
        """The district of the budgets at 1,000,000 items; smaller runs keep the proportions."""
        return cls(items=items, applications=max(items // 10, 50), proposals=max(items // 100, 20))


def progress(label, done, total, started):
    """One overwritten line per table: rows, percentage and rate."""
    elapsed = max(time.monotonic() - started, 1e-6)
    sys.stdout.write(
        f"\r  {label:<14} {done:>10,} / {total:,} ({100 * done / max(total, 1):5.1f} %, "
        f"{done / elapsed:,.0f} 行/秒)"
    )
    if done >= total:
        sys.stdout.write("\n")
    sys.stdout.flush()


# --- bulk writing ------------------------------------------------------------------------------


def _copy_text(value):
    """A value in COPY's text format (tab-separated, \\N for NULL)."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\\\x" + bytes(value).hex()
    if isinstance(value, (dict, list)):
        return _copy_text(json.dumps(value, ensure_ascii=False))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _defaults(model):
    now = timezone.now()
    defaults = {}
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            # "" for blank text fields, the declared default otherwise, else None.
            defaults[field.attname] = field.get_default()
    return defaults


class Writer:
    """Writes row dicts to a model's table: COPY on PostgreSQL, bulk_create elsewhere."""

    BATCH = 20_000

    def __init__(self, model, total, label, counter=None):
        self.model, self.total, self.label, self.counter = model, total, label, counter
        self.fields = model._meta.concrete_fields
        self.defaults = _defaults(model)
        self.copy = connection.vendor == "postgresql"
        self.pending, self.done, self.started = [], 0, time.monotonic()

    def add(self, row):
        self.pending.append(row)
        if len(self.pending) >= self.BATCH:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        if self.copy:
            buffer = io.StringIO()
            for row in self.pending:
                buffer.write(
                    "\t".join(
                        _copy_text(row[f.attname] if f.attname in row else self.defaults[f.attname])
                        for f in self.fields
                    )
                )
                buffer.write("\n")
            buffer.seek(0)
            columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
            table = connection.ops.quote_name(self.model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        else:
            self.model.objects.bulk_create(
                [self.model(**{**self.defaults, **row}) for row in self.pending], batch_size=500
            )
        self.done += len(self.pending)
        if self.counter is not None:
            self.counter.value = self.done
        self.pending = []
        if self.total:
            progress(self.label, self.done, self.total, self.started)

    def close(self):
        self.flush()
        if self.total and self.done < self.total:
            progress(self.label, self.total, self.total, self.started)


# --- the data set ------------------------------------------------------------------------------


def _weights(n, rng):
    """Zipf-like skew: the busiest agency has ~10× the records of a median one."""
    weights = [1 / (rank + 1) ** 0.8 for rank in range(n)]
    rng.shuffle(weights)
    return weights


def _random_date(rng, year):
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


class Builder:
    """Builds the whole data set into the current default database, which must be empty of it."""

    def __init__(self, size, *, out=sys.stdout):
        self.size, self.out = size, out
        self.rng = random.Random(SEED)

    def log(self, message):
        self.out.write(message + "\n")
        self.out.flush()

    def build(self):
        started = time.monotonic()
        _tune_session()
        self.agencies()
        with (
            _without_secondary_indexes(
                [
                    "disclosure_item",
                    "disclosure_item_channels",
                    "applications_application",
                    "applications_applicant",
                ]
            ),
            _without_tally_trigger(),
        ):
            self.items()
            _tune_session()  # the item workers closed this process's connection
            with transaction.atomic():
                self.applications()
        with transaction.atomic():
            self.proposals()
            self.staff()
        # The links went in with the tally's trigger off: one recount instead of a million upserts.
        # So did the applications (replica mode fires no triggers): recount their tally too.

        self.log(
            f"  目录计数（发布渠道、信息类别、主题分类、规范性文件年度）：{tally.rebuild():,} 行。"
        )
        self.log(
            f"  依申请公开月度计数：{application_tally.rebuild():,} 行；"
            f"年末结转 {ApplicationBalance.objects.count():,} 行。"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM sets the visibility map, so that counts can be index-only scans as
                # they are on a live database that autovacuum keeps up to date.
                cursor.execute("VACUUM (ANALYZE)")
        self.log(f"数据集已生成：{time.monotonic() - started:.0f} 秒。")

    # Agencies, channels, topics

    def agencies(self):
        district = Agency.objects.create(
            name=f"{DISTRICT}人民政府",
            short_name=f"{DISTRICT}政府",
            slug="bench-district",
            code="11640300MB0000000X",
            sort_order=1,
        )
        self.district = district
        agencies = [district]
        for n, name in enumerate(DEPARTMENTS, start=2):
            agencies.append(
                Agency(
                    name=f"{DISTRICT}{name}",
                    short_name=name,
                    slug=f"bench-{n:02d}",
                    code=f"11640300MB{n:07d}X",
                    parent=district,
                    sort_order=n,
                )
            )
        Agency.objects.bulk_create(agencies[1:])
        self.agencies_list = list(Agency.objects.order_by("sort_order", "id"))
        self.agency_weights = _weights(len(self.agencies_list), self.rng)
        channels = []
        for agency in self.agencies_list:
            channels += [
                Channel(agency=agency, name="门户网站", kind=ChannelKind.PORTAL, sort_order=1),
                Channel(
                    agency=agency,
                    name=f"{agency.short_name}微信公众号",
                    kind=ChannelKind.WECHAT,
                    sort_order=2,
                ),
                Channel(agency=agency, name="政务公开栏", kind=ChannelKind.BULLETIN, sort_order=3),
            ]
        Channel.objects.bulk_create(channels)
        self.channels = {}
        for channel in Channel.objects.order_by("id"):
            self.channels.setdefault(channel.agency_id, []).append(channel.pk)
        self.topics = list(
            Topic.objects.filter(parent__isnull=False).values_list("pk", flat=True)
        ) or [None]
        self.log(f"  机构 {len(self.agencies_list)} 个，发布渠道 {len(channels)} 个。")

    def busiest_agency(self):
        index = max(range(len(self.agencies_list)), key=self.agency_weights.__getitem__)
        return self.agencies_list[index]

    # Items

    def _bodies(self):
        """Six bodies per subject (3–5 sentences each); ``{agency}`` is filled in per item."""
        pool = {}
        for subject in SUBJECTS:
            variants = []
            for _ in range(6):
                sentences = self.rng.sample(SENTENCES, self.rng.randint(3, 5))
                body = "".join(
                    s.format(
                        subject=subject,
                        agency="{agency}",
                        n=self.rng.randint(3, 90),
                        m=self.rng.randint(1, 60),
                    )
                    for s in sentences
                )
                variants.append(body)
            pool[subject] = variants
        return pool

    def items(self):
        """A million items in WORKERS processes, each with its own connection and COPY stream.

        Generating rows (Python) and computing their search vectors (PostgreSQL's generated
        column) are both CPU-bound: one process per core keeps both cores busy. Worker k takes
        the agencies whose position modulo WORKERS is k, so index-number serials stay gap-free
        per agency-year without any coordination.
        """
        total = self.size.items
        agency_count = len(self.agencies_list)
        cumulative = list(itertools.accumulate(self.agency_weights))
        self.item_agency = self.rng.choices(range(agency_count), cum_weights=cumulative, k=total)
        self.pool = self._bodies()
        workers = WORKERS if connection.vendor == "postgresql" and total >= 50_000 else 1
        started = time.monotonic()
        if workers == 1:
            self._items_part(0, 1, None)
        else:
            context = multiprocessing.get_context("fork")
            done = [context.Value("q", 0) for _ in range(workers)]
            connections.close_all()  # children must open their own connections
            processes = [
                context.Process(target=self._items_child, args=(k, workers, done[k]))
                for k in range(workers)
            ]
            for process in processes:
                process.start()
            while any(process.is_alive() for process in processes):
                time.sleep(0.5)
                progress("公开信息", min(sum(v.value for v in done), total - 1), total, started)
            if any(process.exitcode for process in processes):
                raise RuntimeError("生成公开信息的子进程失败，见上方错误。")
            progress("公开信息", total, total, started)
        _reset_sequences([Item, Item.channels.through])

    def _items_child(self, part, parts, done):
        try:
            _tune_session()
            with transaction.atomic():
                self._items_part(part, parts, done)
        finally:
            connections.close_all()

    def _items_part(self, part, parts, done):
        rng = random.Random(SEED + part)
        total = self.size.items
        pool = self.pool
        token_cache = {}
        counters = {}
        agencies = self.agencies_list
        codes = [agency.code.lower() for agency in agencies]
        through = Item.channels.through
        items = Writer(Item, total if done is None else 0, "公开信息", counter=done)
        links = Writer(through, 0, "发布渠道")
        categories = [Category.POLICY] * 8 + [Category.WORK] * 62 + [Category.OTHER] * 30
        genres = {
            Category.POLICY: [Genre.NOTICE, Genre.OPINION, Genre.MEASURES, Genre.SCHEME],
            Category.WORK: [Genre.NEWS],
            Category.OTHER: [Genre.ANNOUNCEMENT, Genre.PUBLIC_NOTICE, Genre.REPORT, Genre.OTHER],
        }
        templates = {
            Category.POLICY: POLICY_TITLES,
            Category.WORK: WORK_TITLES,
            Category.OTHER: OTHER_TITLES,
        }
        statuses = (
            [ItemStatus.PUBLISHED] * 96
            + [ItemStatus.DRAFT] * 2
            + [ItemStatus.IN_REVIEW, ItemStatus.WITHDRAWN]
        )
        now = timezone.now()
        item_agency = self.item_agency
        for pk in range(1, total + 1):
            position = item_agency[pk - 1]
            if position % parts != part:
                continue
            agency = agencies[position]
            year = YEARS[rng.randrange(len(YEARS))]
            category = categories[rng.randrange(100)]
            subject = SUBJECTS[rng.randrange(len(SUBJECTS))]
            title = rng.choice(templates[category]).format(
                district=DISTRICT, agency=agency.short_name, subject=subject, year=year
            )
            variant = rng.randrange(6)
            body = pool[subject][variant].replace("{agency}", agency.short_name)
            summary = body[: body.index("。") + 1]
            status = statuses[rng.randrange(100)]
            published = _random_date(rng, year)
            formed = published - timedelta(days=rng.randint(0, 30))
            row = {
                "id": pk,
                "agency_id": agency.pk,
                "title": title,
                "summary": summary,
                "body": body,
                "formed_date": formed,
                "category": category,
                "topic_id": rng.choice(self.topics),
                "genre": rng.choice(genres[category]),
                "keywords": subject,
                "status": status,
                "created_at": now,
                "updated_at": now,
            }
            document_number = ""
            if category == Category.POLICY:
                seq = counters[agency.pk, year, "doc"] = (
                    counters.get((agency.pk, year, "doc"), 0) + 1
                )
                document_number = f"{DISTRICT[:1]}{agency.short_name[:2]}发〔{year}〕{seq}号"
                row["document_number"] = document_number
                if rng.random() < 0.3:
                    row["doc_kind"] = DocKind.NORMATIVE
                    if rng.random() < 0.15:
                        row["validity"] = rng.choice([Validity.EXPIRED, Validity.REPEALED])
                        row["validity_changed_on"] = published + timedelta(
                            days=rng.randint(200, 900)
                        )
            index_number = ""
            if status in (ItemStatus.PUBLISHED, ItemStatus.WITHDRAWN):
                seq = counters[agency.pk, year] = counters.get((agency.pk, year), 0) + 1
                index_number = f"{agency.code}/{year}-{seq:05d}"
                row.update(
                    index_number=index_number,
                    index_year=year,
                    index_seq=seq,
                    published_date=published,
                    publish_workdays=rng.randint(1, 24),
                    content_digest=hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
                )
                if status == ItemStatus.WITHDRAWN:
                    row["withdrawn_reason"] = "内容已过时效，予以撤回。"
            # Same tokens as Item.save() (disclosure.search.document_tokens): the title, then
            # summary, body, document number, keywords and index number, each tokenised alone.
            key = (subject, variant, agency.pk)
            text_tokens = token_cache.get(key)
            if text_tokens is None:
                text_tokens = token_cache[key] = tokens(summary) + tokens(body)
            subject_tokens = token_cache.get(subject)
            if subject_tokens is None:
                subject_tokens = token_cache[subject] = tokens(subject)
            title_tokens = token_cache.get(title)
            if title_tokens is None:
                title_tokens = token_cache[title] = _pad(tokens(title))
            # An index number "<code>/<year>-<seq>" tokenises to its three ASCII runs.
            number_tokens = [codes[position], str(year), f"{seq:05d}"] if index_number else []
            row["search_title_tokens"] = title_tokens
            row["search_tokens"] = _pad(
                text_tokens
                + (tokens(document_number) if document_number else [])
                + subject_tokens
                + number_tokens
            )
            if pk % ATTACHMENT_SHARE == 0:
                # A tenth of the items have an attachment whose text is searchable too.
                row["search_tokens"] = with_attachment_tokens(
                    row["search_tokens"], ATTACHMENT_TOKENS[pk // ATTACHMENT_SHARE % 6]
                )
            items.add(row)
            if status == ItemStatus.PUBLISHED:
                # One channel per published item; the item id doubles as the link id.
                links.add(
                    {
                        "id": pk,
                        "item_id": pk,
                        "channel_id": self.channels[agency.pk][rng.randrange(3)],
                    }
                )
        items.close()
        links.close()

    # Applications

    def applications(self):
        rng, total = self.rng, self.size.applications
        agencies = self.agencies_list
        # Busy agencies receive most applications (land, housing, police in a real district).
        weights = [w**1.5 for w in self.agency_weights]
        outcome_weights = {
            Outcome.GRANTED: 40,
            Outcome.PARTIAL: 8,
            Outcome.NOT_HELD: 18,
            Outcome.NEEDS_CREATION: 3,
            Outcome.UNCLEAR: 3,
            Outcome.OTHER: 6,
        }
        outcomes = list(Outcome)
        leaf_weights = [outcome_weights.get(o, 1) for o in outcomes]
        types = list(ApplicantType)
        type_weights = [80, 8, 2, 2, 5, 3]
        open_statuses = [
            ApplicationStatus.REGISTERED,
            ApplicationStatus.REVIEWING,
            ApplicationStatus.HANDLING,
            ApplicationStatus.CORRECTION,
            ApplicationStatus.CONSULTING,
            ApplicationStatus.FEE_PENDING,
        ]
        today = timezone.localdate()
        # Encrypting per row would dominate the build; every applicant shares one ciphertext.
        id_enc = pii.encrypt("640302199001011234", field="id_number")
        phone_enc = pii.encrypt("13900000000", field="phone")
        address_enc = pii.encrypt(f"{DISTRICT}胜利街1号", field="address")
        key_version = pii.key_version()
        apps = Writer(Application, total, "依申请公开")
        applicants = Writer(Applicant, total, "申请人")
        appeals = Writer(Appeal, 0, "复议诉讼")
        appeal_id = closed_count = 0
        now = timezone.now()
        for pk in range(1, total + 1):
            agency = rng.choices(agencies, weights)[0]
            year = YEARS[rng.randrange(len(YEARS))]
            received = _random_date(rng, year)
            applicant_type = rng.choices(types, type_weights)[0]
            subject = SUBJECTS[rng.randrange(len(SUBJECTS))]
            row = {
                "id": pk,
                "agency_id": agency.pk,
                "tracking_number": f"YS{year}{pk:08d}",
                "query_code_hash": hashlib.sha256(str(pk).encode()).hexdigest(),
                "applicant_type": applicant_type,
                "channel": rng.choice(list(ApplicationChannel)),
                "submitted_on": received - timedelta(days=rng.randint(0, 3)),
                "received_on": received,
                "clock_start": received,
                "description": rng.choice(APPLICATION_TOPICS).format(
                    year=year - 1, subject=subject
                ),
                "form": rng.choice(list(Form)),
                "delivery": rng.choice(list(Delivery)),
                "privacy_notice_version": "2024-1",
                "created_at": now,
                "due_date": received + timedelta(days=28),
            }
            # The last 1 % arrived in the past seven weeks and are still open (today's work
            # list, some overdue), as are a few old forgotten ones; the rest are closed.
            if pk > total - max(total // 100, 1):
                received = today - timedelta(days=rng.randint(0, 50))
                row.update(
                    status=rng.choice(open_statuses),
                    received_on=received,
                    submitted_on=received,
                    clock_start=received,
                    due_date=received + timedelta(days=28),
                )
            elif rng.random() < 0.002:
                row["status"] = rng.choice(open_statuses)
            else:
                # The first closed ones take every outcome in turn, so that even a tiny data set
                # fills every row of table 三; the rest follow a real district's proportions.
                outcome = (
                    outcomes[closed_count]
                    if closed_count < len(outcomes)
                    else rng.choices(outcomes, leaf_weights)[0]
                )
                closed_count += 1
                closed = received + timedelta(days=rng.randint(3, 40))
                withdrawn = outcome == Outcome.OTHER and rng.random() < 0.5
                row.update(
                    status=ApplicationStatus.WITHDRAWN
                    if withdrawn
                    else rng.choice([ApplicationStatus.REPLIED, ApplicationStatus.ARCHIVED]),
                    outcome=outcome,
                    closed_on=closed,
                )
                if rng.random() < 0.02:
                    appeal_id += 1
                    decided = closed + timedelta(days=rng.randint(30, 200))
                    appeals.add(
                        {
                            "id": appeal_id,
                            "application_id": pk,
                            "agency_id": agency.pk,
                            "kind": rng.choice(list(AppealKind)),
                            "filed_on": closed + timedelta(days=rng.randint(5, 50)),
                            "decided_on": decided if decided < today else None,
                            "result": rng.choice(
                                [
                                    AppealResult.UPHELD,
                                    AppealResult.UPHELD,
                                    AppealResult.CORRECTED,
                                    AppealResult.OTHER,
                                ]
                            )
                            if decided < today
                            else AppealResult.PENDING,
                        }
                    )
            apps.add(row)
            name = (
                rng.choice(SURNAMES)
                + rng.choice(GIVEN)
                + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            )
            applicants.add(
                {
                    "id": pk,
                    "application_id": pk,
                    "name": name,
                    "org_name": ""
                    if applicant_type == ApplicantType.NATURAL_PERSON
                    else f"{DISTRICT}{subject}服务中心",
                    "id_type": IdType.RESIDENT_ID,
                    "id_number_enc": id_enc,
                    "id_number_masked": "6403**********1234",
                    "id_index": hashlib.sha256(f"id{pk}".encode()).hexdigest(),
                    "phone_enc": phone_enc,
                    "phone_masked": "139****0000",
                    "address_enc": address_enc,
                    "address_masked": f"{DISTRICT}胜利街****",
                    "key_version": key_version,
                }
            )
        apps.close()
        applicants.close()
        appeals.close()
        _reset_sequences([Application, Applicant, Appeal])

    # Proposals

    def proposals(self):
        rng, total = self.rng, self.size.proposals
        sessions = []
        for n, year in enumerate(YEARS, start=1):
            for body, label in ((Body.NPC, "人民代表大会"), (Body.CPPCC, "政协委员会议")):
                sessions.append(
                    Session.objects.create(
                        name=f"{DISTRICT}第{n}次{label}（{year}）",
                        short_name=f"{year}{label[:2]}",
                        body=body,
                        year=year,
                        opened_on=date(year, 1, 10),
                    )
                )
        classes = list(AnswerClass.objects.filter(is_active=True).values_list("pk", flat=True)) or [
            None
        ]
        writer = Writer(Proposal, total, "建议提案")
        through = Proposal.co_units.through
        co_units = Writer(through, 0, "会办单位")
        co_id = 0
        per_session = {}
        agencies, weights = self.agencies_list[1:], self.agency_weights[1:]
        now = timezone.now()
        today = timezone.localdate()
        for pk in range(1, total + 1):
            session = sessions[rng.randrange(len(sessions))]
            number = per_session[session.pk] = per_session.get(session.pk, 0) + 1
            kind = (
                Kind.CPPCC_PROPOSAL
                if session.body == Body.CPPCC
                else (Kind.NPC_MOTION if rng.random() < 0.03 else Kind.NPC_SUGGESTION)
            )
            subject = SUBJECTS[rng.randrange(len(SUBJECTS))]
            lead = rng.choices(agencies, weights)[0]
            assigned = date(session.year, 2, 1) + timedelta(days=rng.randrange(60))
            due = assigned + timedelta(days=91)
            row = {
                "id": pk,
                "session_id": session.pk,
                "kind": kind,
                "number": str(number),
                "title": f"关于加强{subject}工作的建议",
                "content": f"建议进一步加强{subject}工作，"
                "加大投入，完善机制，切实解决群众反映的突出问题。",
                "proposer": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "lead_unit_id": lead.pk,
                "assigned_date": assigned,
                "due_date": due,
                "created_at": now,
            }
            if due < today or rng.random() < 0.8:
                replied = assigned + timedelta(days=rng.randint(20, 110))
                published = rng.random() < 0.7
                mode = rng.choice(
                    [PublicationMode.FULL, PublicationMode.FULL, PublicationMode.SUMMARY]
                )
                row.update(
                    status=ProposalStatus.REPLIED,
                    reply_date=replied,
                    reply_number=f"{lead.short_name[:2]}复〔{session.year}〕{number}号",
                    reply_text=f"您提出的关于加强{subject}工作的建议收悉，现答复如下：我局高度重视，"
                    f"已将{subject}纳入年度重点工作，统筹推进。",
                    answer_class_id=rng.choice(classes),
                    satisfaction=rng.choice(list(Satisfaction)),
                    publication_mode=mode,
                    publication_summary=f"关于{subject}的答复摘要。"
                    if mode == PublicationMode.SUMMARY
                    else "",
                    publication_status=PublicationStatus.PUBLISHED
                    if published
                    else PublicationStatus.NONE,
                    published_date=replied + timedelta(days=10) if published else None,
                )
            writer.add(row)
            if rng.random() < 0.3:
                co_id += 1
                other = rng.choice(agencies)
                if other.pk != lead.pk:
                    co_units.add({"id": co_id, "proposal_id": pk, "agency_id": other.pk})
        writer.close()
        co_units.close()
        _reset_sequences([Session, Proposal, through])

    def staff(self):
        """One clerk of the busiest agency, for the staff dashboard scenario."""
        self.clerk = staff_create(
            username="bench-clerk",
            name="基准测试信息员",
            password="Bench-Passw0rd-2024",
            memberships=[(self.busiest_agency(), Role.CLERK)],
        )


def _tune_session():
    """Loading settings for this connection (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # Generated rows are consistent by construction: skip the per-row FK and audit triggers
        # while loading, as pg_restore does; and do not wait for the WAL flush on each commit.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")


# Attachments' text (disclosure.search.attachment_tokens) on one item in ATTACHMENT_SHARE: six
# texts of about 1,000 characters; three of them hold ATTACHMENT_WORD, which no title, summary
# or body of the data set contains, so the bench's attachment search finds it only there.
ATTACHMENT_SHARE = 10
ATTACHMENT_WORD = "闭库治理"


def _attachment_texts():
    rng = random.Random(SEED - 1)
    texts = []
    for n in range(6):
        sentences = [
            s.format(subject=rng.choice(SUBJECTS), agency="本单位", n=rng.randint(3, 90), m=n + 1)
            for s in rng.sample(SENTENCES, min(len(SENTENCES), 12))
        ]
        if n % 2 == 0:
            sentences.insert(3, f"附表{n + 1}：尾矿库{ATTACHMENT_WORD}进度及责任单位一览。")
        texts.append("".join(sentences) * 2)
    return texts


ATTACHMENT_TOKENS = [attachment_tokens([text]) for text in _attachment_texts()]


def _pad(words):
    return f" {' '.join(words)} " if words else ""


def _reset_sequences(models_):
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(_NoStyle(), models_):
            cursor.execute(sql)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


class _without_tally_trigger:
    """Switches off the channel tally's trigger on the links while they are loaded (PostgreSQL)."""

    SQL = "ALTER TABLE disclosure_item_channels {} TRIGGER channel_tally_link"

    def __enter__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(self.SQL.format("DISABLE"))

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(self.SQL.format("ENABLE"))
        return False


class _without_secondary_indexes:
    """Drops a table's secondary indexes while it is loaded and builds them again after.

    Building an index once over the loaded rows is several times faster than maintaining it row
    by row. Indexes that back a constraint (primary keys, unique constraints) stay.
    """

    def __init__(self, tables):
        self.tables, self.saved = tables, []

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT i.indexname, i.indexdef FROM pg_indexes i
                   WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                     WHERE c.conname = i.indexname)""",
                [self.tables],
            )
            self.saved = cursor.fetchall()
            for name, _ in self.saved:
                cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc):
        if exc[0] is not None or not self.saved:
            return False
        started = time.monotonic()
        # The GIN index dominates; two sessions build it and the B-trees side by side.
        pending = sorted(
            (definition for _, definition in self.saved),
            key=lambda definition: "USING gin" not in definition,
        )
        lock = threading.Lock()
        failures = []

        def build():
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SET maintenance_work_mem = '1GB'")
                    while True:
                        with lock:
                            if not pending:
                                return
                            definition = pending.pop(0)
                        cursor.execute(definition)
            except Exception as error:  # reported below, in the main thread
                failures.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=build) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]
        sys.stdout.write(f"  重建索引 {len(self.saved)} 个：{time.monotonic() - started:.0f} 秒\n")
        return False


def dataset_present(size):
    """True when the current database already holds exactly this data set (reuse it)."""
    return (
        Agency.objects.filter(slug="bench-district").exists()
        and Item.objects.count() == size.items
        # The load test posts applications into the same database: more is fine.
        and Application.objects.count() >= size.applications
        and Proposal.objects.count() == size.proposals
    )


def clear():
    """Empties the tables the data set writes (the benchmark database only).

    Rows seeded by migrations (topics, answer classes, calendar) stay.
    """
    models_ = [
        ChannelTally,
        CategoryTally,
        CategoryTotal,
        TopicTally,
        NormativeBalance,
        ApplicationBalance,
        ApplicationTally,
        Item.channels.through,
        Item,
        Appeal,
        Applicant,
        Application,
        Proposal.co_units.through,
        Proposal,
        Session,
        Channel,
        Agency,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "TRUNCATE " + ", ".join(f'"{m._meta.db_table}"' for m in models_) + " CASCADE"
            )
    if connection.vendor != "postgresql":
        for model in models_:
            model.objects.all()._raw_delete(connection.alias)
    User.objects.filter(username="bench-clerk").delete()
