"""Scale-out drill on real parts, all on loopback: a streaming replica, two app servers, a balancer.

Run through ``make scale-drill`` (``scripts/scale_drill.sh``, which bounds the whole run and
cleans up even after a kill). Everything lives in one temporary folder and on free loopback
ports; the machine's own PostgreSQL and Redis are never touched: the drill creates its *own*
primary (``initdb``), a hot standby of it (``pg_basebackup -R``), its own ``redis-server`` and
its own haproxy, and removes them all at the end.

Parts (each prints what it checked; exit status 0 only when every check holds):

1. **replica routing** — gunicorn with ``DATABASE_URL`` → primary, ``DATABASE_REPLICA_URL`` →
   standby; both clusters log every statement, with the connection's ``application_name``, so
   the drill counts the site's queries per server. Anonymous reads are served by the standby,
   writes by the primary. With replay paused (``pg_wal_replay_pause()``, the standby lags), a
   citizen's application, its receipt page and the status lookup find the new row (the pin
   cookie), a fresh browser does not; a staff member publishes an item and the change list
   shows it published.
2. **the replica fails** — the standby is stopped under load: no 500 after it is down, the log
   line, ``/healthz`` 200 "degraded"; started again, reads return to it.
3. **two app servers** — two gunicorn instances sharing Redis and one media folder behind
   haproxy: a publication on one shows on both at once (cache generation in Redis), an
   attachment uploaded through one downloads through the other, a staff session continues on
   the other, and one instance killed under load leaves every request to the other with every
   acknowledged application in the database.

``python -m perf.scale_drill --help`` for the options; ``manage.py scale_drill_seed`` fills the
drill's database (run by the drill itself, refused on any other database).
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from perf.loadtest import Submitter

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
DB = "zwgk_drill"
PASSWORD = "Drill-Passw0rd-2026"
DRILL_APP = "scale-drill"  # application_name of the drill's own SQL, left out of the counts
APPLY_TOKEN = re.compile(r'data-testid="tracking-number">\s*([^<\s]+)\s*<')
QUERY_CODE = re.compile(r'data-testid="query-code">\s*([^<]+?)\s*<')


def log(message=""):
    print(message, flush=True)


class Failed(Exception):
    pass


class Checks:
    def __init__(self):
        self.results = []

    def __call__(self, name, ok, detail=""):
        self.results.append((name, bool(ok)))
        log(f"   {'✓' if ok else '✗'} {name}{f' — {detail}' if detail else ''}")
        return ok

    @property
    def failed(self):
        return [name for name, ok in self.results if not ok]


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_for(what, predicate, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception as exc:  # noqa: BLE001 (waiting: any failure means "not yet")
            last = exc
        time.sleep(interval)
    raise Failed(f"{what}: 超过 {timeout} 秒未就绪{f'（{last}）' if last else ''}")


def run(cmd, *, timeout=120, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    if result.returncode != 0:
        raise Failed(f"{' '.join(map(str, cmd))} 失败：{(result.stderr or result.stdout)[-800:]}")
    return result.stdout


# --- PostgreSQL clusters of our own ---------------------------------------------------------------


class Cluster:
    """A PostgreSQL cluster in the drill's folder, run as the ``postgres`` user when we are root."""

    def __init__(self, name, workdir, port, bindir):
        self.name, self.port, self.bindir = name, port, Path(bindir)
        self.pgdir = workdir / "pg"
        self.data = self.pgdir / name
        self.logfile = self.pgdir / f"{name}.log"

    def cmd(self, program, *args):
        command = [str(self.bindir / program), *map(str, args)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return command

    def initdb(self):
        run(
            self.cmd(
                "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                "--locale=C.UTF-8", "--no-sync",
            )
        )  # fmt: skip
        self.configure(
            wal_level="replica",
            max_wal_senders=5,
            hot_standby="on",
            # Queries of the site on the standby are not cancelled by replay while the drill runs.
            max_standby_streaming_delay="-1",
            # A throw-away cluster: no flush to disk at each commit (the migrations' hundreds of
            # DDL commits). Commits are still acknowledged only once written to the WAL, which
            # is all the drill's faults (servers stopped or killed, never the machine) test.
            fsync="off",
        )

    def configure(self, **settings):
        base = {
            "listen_addresses": f"'{HOST}'",
            "port": self.port,
            "unix_socket_directories": f"'{self.pgdir}'",
            "log_statement": "'all'",
            "log_line_prefix": "'%a|'",
            "logging_collector": "off",
            "shared_buffers": "'64MB'",
        }
        base.update(settings)
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            for key, value in base.items():
                conf.write(f"{key} = {value}\n")

    def start(self):
        run(self.cmd("pg_ctl", "-D", self.data, "-l", self.logfile, "-w", "-t", "60", "start"))

    def stop(self, mode="fast"):
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                self.cmd("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "30", "stop"),
                capture_output=True,
                timeout=60,
            )

    def url(self, app):
        return f"postgres://postgres@{HOST}:{self.port}/{DB}?application_name={app}"

    def sql(self, query, params=(), *, db=DB):
        conn = psycopg2.connect(
            host=HOST,
            port=self.port,
            user="postgres",
            dbname=db,
            connect_timeout=5,
            application_name=DRILL_APP,
        )
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else None
        finally:
            conn.close()

    def log_size(self):
        return self.logfile.stat().st_size if self.logfile.exists() else 0

    def statements(self, since, app_prefix="gunicorn"):
        """Statements logged since byte ``since`` by connections whose name starts so."""
        with open(self.logfile, "rb") as handle:
            handle.seek(since)
            text = handle.read().decode("utf-8", "replace")
        return [
            line.split("statement: ", 1)[1]
            for line in text.splitlines()
            if line.startswith(app_prefix) and "LOG:  statement: " in line
        ]


def make_standby(primary, standby):
    run(
        standby.cmd(
            "pg_basebackup", "-h", HOST, "-p", primary.port, "-U", "postgres", "-D", standby.data,
            "-R", "-X", "stream", "--checkpoint=fast", "--no-sync",
        ),
        timeout=300,
    )  # fmt: skip
    standby.configure()  # its own port and log; replication settings came with the copy
    standby.start()
    wait_for("备库进入恢复模式", lambda: standby.sql("SELECT pg_is_in_recovery()")[0][0], 30)
    wait_caught_up(primary, standby)


def wait_caught_up(primary, standby, timeout=60):
    target = primary.sql("SELECT pg_current_wal_lsn()::text")[0][0]
    wait_for(
        "备库追上主库",
        lambda: standby.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])[0][0],
        timeout,
    )


# --- the site ------------------------------------------------------------------------------------


def site_env(workdir, **extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "ZWGK_", "DATABASE_")) and k != "REDIS_URL"
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=(workdir / "secret").read_text(),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        ZWGK_PII_KEY=(workdir / "pii-key").read_text(),
        ZWGK_DEMO="0",
        ZWGK_APPLY_MIN_SECONDS="0",
        # The drill plays the reverse proxy: each simulated citizen has its own address.
        ZWGK_TRUSTED_PROXIES=HOST,
        DJANGO_REPLICA_RETRY_SECONDS="2",
        DJANGO_REPLICA_PIN_SECONDS="60",
    )
    env.update({k: str(v) for k, v in extra.items() if v is not None})
    return env


class App:
    """One gunicorn instance (``config.wsgi``, production settings) on a loopback port."""

    def __init__(self, name, workdir, env, workers=2):
        self.name, self.workdir, self.env, self.workers = name, workdir, env, workers
        self.port = free_port()
        self.process = None
        self.logfile = workdir / f"gunicorn-{name}.log"

    def start(self):
        gunicorn = Path(PYTHON).parent / "gunicorn"
        self.process = subprocess.Popen(
            [
                str(gunicorn), "config.wsgi", "--bind", f"{HOST}:{self.port}",
                "--workers", str(self.workers), "--timeout", "30", "--graceful-timeout", "5",
                "--pid", str(self.workdir / f"gunicorn-{self.name}.pid"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.logfile, "ab"),  # noqa: SIM115 (the child keeps it)
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

        def ready():
            if self.process.poll() is not None:
                raise Failed(f"gunicorn {self.name} 启动失败：{self.log_text()[-800:]}")
            return get(self.port, "/healthz", timeout=3).status == 200

        wait_for(f"gunicorn {self.name}", ready, 60, 0.3)

    def log_text(self):
        return self.logfile.read_text(errors="replace") if self.logfile.exists() else ""

    def kill(self):
        """SIGKILL to the master and its workers at once, like a host that dies."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


# --- HTTP: a small browser -----------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict
    set_cookies: list

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def request(port, method, path, *, body=None, headers=None, timeout=20):
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        pairs = response.getheaders()
        return Response(
            response.status,
            data,
            {k.lower(): v for k, v in pairs},
            [v for k, v in pairs if k.lower() == "set-cookie"],
        )
    finally:
        connection.close()


def get(port, path, **kwargs):
    return request(port, "GET", path, **kwargs)


class Browser:
    """Cookies, CSRF tokens, redirects; ``port`` can be changed to move to another server."""

    def __init__(self, port, address=None):
        self.port, self.cookies = port, {}
        self.address = address or f"10.20.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"

    def _headers(self, extra=None):
        headers = {"X-Forwarded-For": self.address, **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep(self, response):
        for value in response.set_cookies:
            name, _, rest = value.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in rest.lower() or value in ("", '""'):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response

    def get(self, path, follow=True):
        response = self._keep(get(self.port, path, headers=self._headers()))
        return self._follow(response) if follow else response

    def post(self, path, data, files=None, follow=True):
        if files:
            boundary = secrets.token_hex(12)
            body = multipart(data, files, boundary)
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        headers = self._headers({"Content-Type": content_type})
        response = self._keep(request(self.port, "POST", path, body=body, headers=headers))
        return self._follow(response) if follow else response

    def _follow(self, response, hops=5):
        while response.status in (301, 302, 303) and hops:
            parts = urllib.parse.urlsplit(response.headers["location"])
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            response = self._keep(get(self.port, target, headers=self._headers()))
            hops -= 1
        return response

    def form(self, path):
        """(page, the first POST form's fields) — hidden inputs and the CSRF token included."""
        page = self.get(path)
        return page, form_fields(page.text)


def form_fields(html):
    form = re.search(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', html, re.S | re.I)
    fields = {}
    if form:
        for tag in re.finditer(r"<input\b([^>]*)>", form.group(1), re.I):
            name = re.search(r'name="([^"]+)"', tag.group(1))
            value = re.search(r'value="([^"]*)"', tag.group(1))
            kind = re.search(r'type="([^"]+)"', tag.group(1))
            if name and (kind is None or kind.group(1) in ("hidden", "text")):
                fields[name.group(1)] = value.group(1) if value else ""
    return fields


def multipart(data, files, boundary):
    out = []
    for name, value in data.items():
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, content_type) in files.items():
        out.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)


def png(width=24, height=12, seed=0):
    """A small valid PNG (the upload check reads content, not names)."""
    rows = b"".join(
        b"\x00"
        + bytes(v for x in range(width) for v in ((x * 9 + seed) % 256, (y * 17) % 256, 128))
        for y in range(height)
    )

    def chunk(kind, payload):
        return (
            struct.pack(">I", len(payload))
            + kind
            + payload
            + struct.pack(">I", zlib.crc32(kind + payload))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def totp(key_hex, at=None):
    """RFC 6238 (30 s, 6 digits, SHA-1), as the staff member's authenticator app computes it."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}", counter


_last_totp_step = {"step": None}


def staff_login(browser, username, key_hex):
    """Password, then the second factor (a code is accepted once: wait for a fresh one)."""
    _, fields = browser.form("/admin/login/?next=/admin/")
    page = browser.post(
        "/admin/login/?next=/admin/", {**fields, "username": username, "password": PASSWORD}
    )
    if "动态口令" not in page.text:
        raise Failed(f"登录后没有动态口令页（{page.status}）")
    fields = form_fields(page.text)
    code, step = totp(key_hex)
    while step == _last_totp_step["step"]:
        time.sleep(1)
        code, step = totp(key_hex)
    _last_totp_step["step"] = step
    otp_path = "/admin/security/otp/?next=/admin/"
    page = browser.post(otp_path, {**fields, "token": code})
    if page.status != 200 or not signed_in(page):
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page.text, re.S)
        raise Failed(f"动态口令未通过（{page.status}）：{re.sub(r'<[^>]+>', '', ' '.join(errors))}")
    return page


def page_title(page):
    found = re.search(r"<title>(.*?)</title>", page.text, re.S)
    return " ".join(found.group(1).split()) if found else ""


def signed_in(page):
    """The staff home of the drill's reviewer (not the login or the second-factor page)."""
    title = page_title(page)
    return "drill-reviewer" in page.text and "注销" in page.text and "动态口令" not in title


def publish(browser, item_id):
    """保密审查与发布 on the item's review page, as the reviewer; the page it lands on."""
    _, fields = browser.form(f"/admin/disclosure/item/{item_id}/review/")
    return browser.post(
        f"/admin/disclosure/item/{item_id}/review/",
        {
            **fields,
            "opinion": "经审查，不涉及国家秘密，同意公开。",
            "approved": "1",
            "publish": "on",
        },
    )


def apply(browser, n):
    """A citizen's application through /apply/; (tracking number, query code, receipt page)."""
    page = browser.get("/apply/")
    action, data = Submitter(browser.port).fill(page.body, n)
    if action is None:
        raise Failed(f"/apply/ 没有申请表（{page.status}）")
    receipt = browser.post(action, data)
    tracking = APPLY_TOKEN.search(receipt.text)
    code = QUERY_CODE.search(receipt.text)
    return (
        tracking.group(1) if tracking else None,
        code.group(1).strip() if code else None,
        receipt,
    )


def status_lookup(browser, tracking, code):
    _, fields = browser.form("/apply/status/")
    page = browser.post("/apply/status/", {**fields, "tracking_number": tracking, "code": code})
    return page


# --- load --------------------------------------------------------------------------------------


class Load:
    """Threads sending anonymous reads that miss the page cache (a fresh search each time), plus
    optionally application submissions; every request is recorded with its start time."""

    WORDS = ["安全", "生产", "检查", "通知", "应急", "演练", "消防", "预算", "公开", "乡村", "低保"]

    def __init__(self, port, threads=4, apply_every=None):
        self.port, self.threads, self.apply_every = port, threads, apply_every
        self.stop_event = threading.Event()
        self.records = []  # (start, end, status, served_by)
        self.receipts, self.posted = [], 0
        self.lock = threading.Lock()
        self.workers = []

    def path(self, n):
        """A search no one made before: a word and a number, so the page cache always misses
        and every request reads the database (estimate, count, rows)."""
        word = self.WORDS[n % len(self.WORDS)]
        return f"/catalog/?q={urllib.parse.quote(f'{word} {n}')}"

    def reader(self, seed):
        n = seed * 10_000_000 + secrets.randbelow(1_000_000) * 8
        while not self.stop_event.is_set():
            n += 1
            start = time.monotonic()
            try:
                response = get(self.port, self.path(n), timeout=10)
                status, served = response.status, response.headers.get("x-served-by", "")
            except OSError:
                status, served = 0, ""
            with self.lock:
                self.records.append((start, time.monotonic(), status, served))

    def applicant(self):
        n = 0
        while not self.stop_event.is_set():
            n += 1
            try:
                tracking, _, _ = apply(Browser(self.port, f"10.30.{n // 250}.{n % 250 + 1}"), n)
            except (OSError, Failed):
                tracking = None
            with self.lock:
                self.posted += 1
                if tracking:
                    self.receipts.append(tracking)
            self.stop_event.wait(self.apply_every)

    def __enter__(self):
        for i in range(self.threads):
            self.workers.append(threading.Thread(target=self.reader, args=(i,), daemon=True))
        if self.apply_every:
            self.workers.append(threading.Thread(target=self.applicant, daemon=True))
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        for worker in self.workers:
            worker.join(timeout=30)

    def between(self, start, end=float("inf")):
        with self.lock:
            return [r for r in self.records if start <= r[0] < end]


def errors(records):
    return [r for r in records if r[2] == 0 or r[2] >= 500]


def error_kinds(records):
    kinds = Counter(r[2] or "无应答" for r in errors(records))
    return f"（{', '.join(f'{k}×{n}' for k, n in kinds.items())}）" if kinds else ""


# --- the parts -----------------------------------------------------------------------------------


def part_replica(ctx, checks):
    primary, standby, data = ctx["primary"], ctx["standby"], ctx["data"]
    log("\n== 1. 只读副本：读走备库，写走主库，暂停回放时的读己之写")
    app = App(
        "replica",
        ctx["workdir"],
        site_env(
            ctx["workdir"],
            DATABASE_URL=primary.url("gunicorn-replica"),
            DATABASE_REPLICA_URL=standby.url("gunicorn-replica"),
        ),
    )
    ctx["apps"].append(app)
    app.start()
    time.sleep(3)  # a readiness probe that timed out may still be answered: let it pass

    # Anonymous reads: pages that miss the page cache, each on a fresh query.
    p0, s0 = primary.log_size(), standby.log_size()
    paths = ["/", "/catalog/", "/catalog/?page=2", "/api/items/"]
    paths += [f"/catalog/{pk}/" for pk in data["published"][:12]]
    paths += [f"/catalog/?q={urllib.parse.quote(w)}" for w in ("安全", "检查", "通知", "演练")]
    statuses = Counter(get(app.port, p).status for p in paths)
    time.sleep(0.5)
    on_primary, on_standby = primary.statements(p0), standby.statements(s0)
    checks(
        f"匿名读 {len(paths)} 个页面全部 200",
        statuses == Counter({200: len(paths)}),
        dict(statuses),
    )
    checks(
        "匿名读的查询都在备库执行",
        len(on_standby) >= len(paths) and not [q for q in on_primary if q.strip() != "SELECT 1"],
        f"备库 {len(on_standby)} 条语句，主库 {len(on_primary)} 条"
        + "".join(f"\n        主库：{q[:150]}" for q in sorted(set(on_primary))[:8]),
    )

    # The standby lags: replay paused.
    standby.sql("SELECT pg_wal_replay_pause()")
    wait_for(
        "备库暂停回放",
        lambda: standby.sql("SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused",
        10,
    )
    log("   备库已暂停回放（pg_wal_replay_pause）")

    # A citizen applies, reads the receipt, looks the application up.
    citizen = Browser(app.port, "10.40.0.1")
    p0, s0 = primary.log_size(), standby.log_size()
    tracking, code, receipt = apply(citizen, 1)
    checks(
        "申请提交后回执页显示申请编号与查询码",
        tracking and code and receipt.status == 200,
        f"{tracking}（{receipt.status}）",
    )
    if not tracking:
        return
    on_standby_writes = [
        q for q in standby.statements(s0) if q.lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    inserts = [q for q in primary.statements(p0) if "INSERT INTO" in q and "applications_" in q]
    checks(
        "写入在主库执行，备库一条写语句也没有",
        inserts and not on_standby_writes,
        f"主库 applications_* INSERT {len(inserts)} 条",
    )
    lagging = standby.sql(
        "SELECT count(*) FROM applications_application WHERE tracking_number = %s", [tracking]
    )[0][0]
    checks("备库确实落后：新申请在备库上还不存在", lagging == 0)
    again = citizen.get("/apply/receipt/")
    checks(
        "同一浏览器再次打开回执页（固定在主库）看到申请",
        again.status == 200 and tracking in again.text,
        f"{again.status}，pin cookie {'有' if 'zwgk_primary' in citizen.cookies else '无'}",
    )
    found = status_lookup(citizen, tracking, code)
    checks(
        "申请进度查询找到这份申请",
        found.status == 200 and 'data-testid="status"' in found.text,
        re.sub(r"\s+", " ", re.search(r'data-testid="status">([^<]*)', found.text).group(1))
        if 'data-testid="status"' in found.text
        else str(found.status),
    )

    # A staff member publishes; the change list shows it published while the standby lags.
    staff = Browser(app.port, HOST)
    staff_login(staff, "drill-reviewer", data["totp"])
    item_id = data["pending"][0]
    page = publish(staff, item_id)
    checks("工作人员审查并发布", page.status == 200 and "已发布" in page.text, f"{page.status}")
    listing = staff.get(f"/admin/disclosure/item/?q={urllib.parse.quote(data['titles'][0])}")
    row = re.search(
        r"<tr[^>]*>(?:(?!</tr>).)*" + re.escape(data["titles"][0]) + r"(?:(?!</tr>).)*</tr>",
        listing.text,
        re.S,
    )
    checks(
        "发布后的列表页显示该条为已发布",
        listing.status == 200 and row is not None and "已发布" in row.group(0),
        f"{listing.status}，{'找到该行' if row else '列表中没有该条'}",
    )
    on_standby = standby.sql("SELECT status FROM disclosure_item WHERE id = %s", [item_id])[0][0]
    checks("其间备库上该条仍是发布前的状态（确有延迟）", on_standby != "published", on_standby)
    # Contrast: the same browser without its pin cookie reads from the lagging standby, which
    # has neither its session nor its application yet: no receipt. The pin is what makes it work.
    unpinned = Browser(app.port, citizen.address)
    unpinned.cookies = {k: v for k, v in citizen.cookies.items() if k != "zwgk_primary"}
    blind = unpinned.get("/apply/receipt/")
    checks(
        "对照：去掉 pin cookie 的同一浏览器读备库，看不到自己的回执",
        tracking not in blind.text,
        f"{blind.status}，页面{'含' if tracking in blind.text else '不含'}申请编号",
    )

    standby.sql("SELECT pg_wal_replay_resume()")
    wait_caught_up(primary, standby)
    rows = standby.sql(
        "SELECT count(*) FROM applications_application WHERE tracking_number = %s", [tracking]
    )[0][0]
    checks("恢复回放后备库追上：申请出现在备库", rows == 1)
    ctx["replica_app"] = app


def part_failover(ctx, checks):
    primary, standby, app = ctx["primary"], ctx["standby"], ctx["replica_app"]
    log("\n== 2. 备库停机：读在一个请求内改走主库，站点不出 500；备库恢复后读回到备库")
    with Load(app.port, threads=4) as load:
        time.sleep(2)
        stopped_at = time.monotonic()
        standby.stop("fast")
        down_at = time.monotonic()
        log(f"   备库已停止（pg_ctl stop -m fast，{down_at - stopped_at:.1f} 秒）")
        p0 = primary.log_size()
        time.sleep(4)
        health = get(app.port, "/healthz")
        body = json.loads(health.body or b"{}")
        checks(
            "备库停机时 /healthz 200 且报告副本降级",
            health.status == 200 and body.get("replica") == "unavailable",
            json.dumps(body, ensure_ascii=False)[:160],
        )
        reads_on_primary = len(primary.statements(p0))
        restart_at = time.monotonic()
        standby.start()
        log(f"   备库已重新启动（{time.monotonic() - restart_at:.1f} 秒）")
        s1 = standby.log_size()
        time.sleep(6)
        end = time.monotonic()
    before = [r for r in load.between(0, stopped_at) if r[1] < stopped_at]
    in_flight = [r for r in load.between(0, down_at) if r[1] >= stopped_at]
    after = load.between(down_at, end)
    checks(
        "停机之前无错误", not errors(before), f"{len(before)} 个请求，错误 {len(errors(before))}"
    )
    checks(
        "备库停止之后没有 500（只有停机时正在备库上执行的请求可能失败）",
        not errors(after) and len(errors(in_flight)) <= load.threads,
        f"停机后 {len(after)} 个请求，错误 {len(errors(after))}；停机时在途 {len(in_flight)} 个，"
        f"失败 {len(errors(in_flight))}",
    )
    checks("停机期间读请求由主库执行", reads_on_primary > 0, f"主库 {reads_on_primary} 条语句")
    checks(
        "日志记下副本不可用",
        "只读副本不可用" in app.log_text(),
        next((ln for ln in app.log_text().splitlines() if "只读副本不可用" in ln), "")[:160],
    )
    back = len(standby.statements(s1))
    checks("备库恢复后读请求回到备库", back > 0, f"恢复后备库 {back} 条语句")
    checks("日志记下副本恢复", "只读副本已恢复" in app.log_text())
    health = json.loads(get(app.port, "/healthz").body)
    checks("/healthz 回到 ok", health.get("status") == "ok", json.dumps(health))
    app.stop()


def part_two_servers(ctx, checks):
    primary, data, workdir = ctx["primary"], ctx["data"], ctx["workdir"]
    log("\n== 3. 两台应用服务器：共享 Redis 与附件目录，haproxy 负载均衡，一台被杀")
    redis_port = free_port()
    redis = subprocess.Popen(
        [
            ctx["redis_server"], "--bind", HOST, "--port", str(redis_port), "--save", "",
            "--appendonly", "no", "--dir", str(workdir),
            "--pidfile", str(workdir / "redis.pid"),
        ],
        stdout=open(workdir / "redis.log", "ab"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    ctx["procs"].append(redis)
    wait_for(
        "redis-server", lambda: socket.create_connection((HOST, redis_port), 1).close() or 1, 15
    )
    apps = {}
    for name in ("a", "b"):
        apps[name] = App(
            name,
            workdir,
            site_env(
                workdir,
                DATABASE_URL=primary.url(f"gunicorn-{name}"),
                REDIS_URL=f"redis://{HOST}:{redis_port}/0",
            ),
            workers=3,
        )
        ctx["apps"].append(apps[name])
        apps[name].start()
    a, b = apps["a"].port, apps["b"].port

    # Both pages cached, then a publication on A.
    title = data["titles"][1]
    for port in (a, b):
        get(port, "/catalog/")
    cached = [get(port, "/catalog/") for port in (a, b)]
    staff = Browser(a, HOST)
    staff_login(staff, "drill-reviewer", data["totp"])
    page = publish(staff, data["pending"][1])
    checks("在 A 上发布", page.status == 200 and "已发布" in page.text)
    shown = {name: title in get(port, "/catalog/").text for name, port in (("A", a), ("B", b))}
    checks(
        "发布后 A、B 的公开目录（页面缓存）立即显示新条目",
        all(shown.values()) and not any(title in r.text for r in cached),
        f"发布前缓存页含该条：{[title in r.text for r in cached]}，发布后：{shown}",
    )

    # A staff session started on A continues on B; an attachment uploaded on A, read on B.
    staff.port = b
    home = staff.get("/admin/")
    checks(
        "A 上登录的会话在 B 上继续有效",
        home.status == 200 and signed_in(home),
        f"B /admin/ {home.status}《{page_title(home)}》",
    )
    staff.port = a
    item_id = data["pending"][1]
    content = png(seed=secrets.randbelow(200))
    _, fields = staff.form(f"/admin/disclosure/item/{item_id}/attachments/")
    page = staff.post(
        f"/admin/disclosure/item/{item_id}/attachments/",
        {**fields, "reason": "补充附件（演练）", "name": "演练附件.png"},
        files={"file": ("drill.png", content, "image/png")},
    )
    checks(
        "在 A 上传附件（更正附件）",
        page.status == 200 and "附件已更正" in page.text,
        str(page.status),
    )
    item_page = get(b, f"/catalog/{item_id}/")
    link = re.search(rf'href="(/catalog/{item_id}/attachments/\d+/)"', item_page.text)
    download = get(b, link.group(1)) if link else None
    checks(
        "在 B 下载到同一个附件（共享附件目录）",
        download is not None and download.status == 200 and download.body == content,
        f"{link.group(1) if link else '页面上没有附件链接'}"
        + (f" → {download.status}，{len(download.body)} 字节" if download else ""),
    )

    # haproxy in front; B killed under load.
    lb_port = free_port()
    cfg = workdir / "haproxy.cfg"
    cfg.write_text(
        f"""global
    maxconn 512
    log stdout format raw local0
defaults
    log global
    option httplog
    mode http
    timeout connect 2s
    timeout check 5s
    timeout client 30s
    timeout server 30s
    retries 3
    option redispatch
    option forwardfor
frontend site
    bind {HOST}:{lb_port}
    default_backend apps
backend apps
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    http-response set-header X-Served-By %s
    server a {HOST}:{a} check inter 1s fall 3 rise 2
    server b {HOST}:{b} check inter 1s fall 3 rise 2
"""
    )
    haproxy = subprocess.Popen(
        [ctx["haproxy"], "-f", str(cfg), "-db", "-p", str(workdir / "haproxy.pid")],
        stdout=open(workdir / "haproxy.log", "ab"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    ctx["procs"].append(haproxy)
    wait_for("haproxy", lambda: get(lb_port, "/healthz", timeout=2).status == 200, 20)
    time.sleep(2.5)  # both servers seen up by the health checks
    before_rows = primary.sql("SELECT count(*) FROM applications_application")[0][0]
    with Load(lb_port, threads=4, apply_every=0.2) as load:
        time.sleep(4)
        killed_at = time.monotonic()
        apps["b"].kill()
        log("   B 已被 SIGKILL（主进程与全部 worker）")
        time.sleep(6)
        end = time.monotonic()
    before = [r for r in load.between(0, killed_at) if r[1] < killed_at]
    after = [r for r in load.between(0, end) if r[1] >= killed_at]
    settled = load.between(killed_at + 1.5, end)
    servers_before = Counter(r[3] for r in before if r[2] == 200)
    servers_after = Counter(r[3] for r in settled if r[2] == 200)
    checks(
        "杀掉之前两台都在服务",
        set(servers_before) == {"a", "b"} and not errors(before),
        f"{dict(servers_before)}，错误 {len(errors(before))}{error_kinds(before)}",
    )
    checks(
        "杀掉之后全部请求由 A 处理",
        set(servers_after) == {"a"} and not errors(settled),
        f"{dict(servers_after)}，错误 {len(errors(settled))}",
    )
    failed_after = errors(after)
    checks(
        "杀掉之后失败的请求至多是当时在途的那几个",
        len(failed_after) <= 2 * apps["b"].workers,
        f"杀掉后 {len(after)} 个请求，失败 {len(failed_after)}{error_kinds(after)}",
    )
    rows = primary.sql(
        "SELECT tracking_number FROM applications_application WHERE tracking_number = ANY(%s)",
        [load.receipts],
    )
    found = {r[0] for r in rows}
    total = primary.sql("SELECT count(*) FROM applications_application")[0][0] - before_rows
    checks(
        "每一份回执对应的申请都在数据库中",
        load.receipts and found == set(load.receipts),
        f"提交 {load.posted} 次，回执 {len(load.receipts)} 份，库中新增 {total} 条，"
        f"回执对上 {len(found)} 份",
    )
    haproxy.terminate()
    apps["a"].stop()


# --- set-up, seed, clean-up -------------------------------------------------------------------


def default_pg_bin():
    """The newest server installed the Debian way (/usr/lib/postgresql/<version>/bin)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    return str(found[-1].parent) if found else "/usr/lib/postgresql/15/bin"


def ensure_tool(binary, package):
    found = shutil.which(binary) or (Path("/usr/sbin") / binary).exists() and f"/usr/sbin/{binary}"
    if found:
        return found
    if os.geteuid() != 0:
        raise Failed(f"缺少 {binary}（apt-get install {package}）")
    log(f"== 安装 {package}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(
        ["apt-get", "install", "-y", "-qq", package], env=env, timeout=300
    ).returncode:
        subprocess.run(["apt-get", "update", "-qq"], env=env, timeout=300, check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", package], env=env, timeout=300, check=True
        )
    return shutil.which(binary) or f"/usr/sbin/{binary}"


def prepare(args, ctx):
    workdir = ctx["workdir"]
    (workdir / "media").mkdir()
    (workdir / "secret").write_text(secrets.token_urlsafe(50))
    (workdir / "pii-key").write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    pgdir = workdir / "pg"
    pgdir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(pgdir, "postgres", "postgres")
        os.chmod(workdir, 0o755)
    bindir = args.pg_bin
    primary = ctx["primary"] = Cluster("primary", workdir, free_port(), bindir)
    standby = ctx["standby"] = Cluster("standby", workdir, free_port(), bindir)
    started = time.monotonic()
    primary.initdb()
    primary.start()
    primary.sql(f'CREATE DATABASE "{DB}"', db="postgres")
    log(f"== 主库：initdb，127.0.0.1:{primary.port}（{time.monotonic() - started:.1f} 秒）")
    env = site_env(
        workdir,
        DATABASE_URL=primary.url(DRILL_APP),
        DJANGO_DEBUG="1",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    started = time.monotonic()
    # collectstatic needs no database: it runs alongside the migrations.
    static = subprocess.Popen(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=site_env(workdir, DATABASE_URL=primary.url(DRILL_APP)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    ctx["procs"].append(static)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, timeout=600)
    out = run([PYTHON, "manage.py", "scale_drill_seed"], cwd=ROOT, env=env, timeout=600)
    ctx["data"] = json.loads(out.strip().splitlines()[-1])
    _, problem = static.communicate(timeout=300)
    if static.returncode:
        raise Failed(f"collectstatic 失败：{problem[-800:]}")
    log(
        f"== 迁移、演练数据（公开信息 {len(ctx['data']['published'])} 条、待发布 "
        f"{len(ctx['data']['pending'])} 条、信息员与审核人）、collectstatic"
        f"（{time.monotonic() - started:.1f} 秒）"
    )
    started = time.monotonic()
    make_standby(primary, standby)
    log(
        f"== 备库：pg_basebackup -R，127.0.0.1:{standby.port}，热备、流复制已追上"
        f"（{time.monotonic() - started:.1f} 秒）"
    )


def cleanup(ctx):
    for app in ctx["apps"]:
        try:
            app.stop()
        except Exception:  # noqa: BLE001 (clean-up goes on whatever failed)
            if app.process and app.process.poll() is None:
                os.killpg(app.process.pid, signal.SIGKILL)
    for proc in ctx["procs"]:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    for name in ("standby", "primary"):
        if name in ctx:
            ctx[name].stop("immediate")
    if not ctx["keep"]:
        shutil.rmtree(ctx["workdir"], ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pg-bin",
        default=os.environ.get("SCALE_DRILL_PG_BIN") or default_pg_bin(),
        help="PostgreSQL programs (initdb, pg_ctl, pg_basebackup)",
    )
    parser.add_argument(
        "--parts", default="1,2,3", help="parts to run, e.g. 1 (CI runs part 1 only)"
    )
    parser.add_argument("--workdir", help="empty folder to work in (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="leave the folder for inspection")
    args = parser.parse_args(argv)

    parts = {p.strip() for p in args.parts.split(",")}
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="zwgk-drill-"))
    workdir.mkdir(parents=True, exist_ok=True)
    ctx = {"workdir": workdir, "apps": [], "procs": [], "keep": args.keep}
    checks = Checks()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))
    started = time.monotonic()
    log(f"扩展演练（scale drill），工作目录 {workdir}，仅使用 127.0.0.1")
    try:
        if "3" in parts:
            ctx["redis_server"] = ensure_tool("redis-server", "redis-server")
            ctx["haproxy"] = ensure_tool("haproxy", "haproxy")
        prepare(args, ctx)
        if "1" in parts or "2" in parts:
            part_replica(ctx, checks)
        if "2" in parts and "replica_app" in ctx:
            part_failover(ctx, checks)
        elif "replica_app" in ctx:
            ctx["replica_app"].stop()
        if "3" in parts:
            part_two_servers(ctx, checks)
    except Failed as exc:
        checks("演练完整运行", False, str(exc))
    finally:
        cleanup(ctx)
    took = time.monotonic() - started
    if checks.failed:
        log(f"\n扩展演练失败（{took:.0f} 秒）：{len(checks.failed)} 项未通过")
        for name in checks.failed:
            log(f"   ✗ {name}")
        return 1
    log(f"\n扩展演练通过：{len(checks.results)} 项检查全部成立，用时 {took:.0f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
