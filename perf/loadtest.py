"""Load and fault harness: gunicorn with production settings on loopback, driven by wrk.

Run through ``make loadtest`` (``scripts/loadtest.sh``, which also guarantees that PostgreSQL
is running again at the end whatever happens). Everything binds to 127.0.0.1, every phase is
bounded in time, and the server is stopped at the end.

Phases:

1. **throughput** (wrk): a static file served by whitenoise, then the anonymous catalog page,
   the same number of seconds each; the ratio is the DESIGN.md budget (≥ 50 %);
2. **mix** (wrk + a Lua script): catalog pages and filters, searches, item pages, the API,
   report pages, with application submissions posted alongside by a Python thread; prints
   requests/s, p50/p95/p99 and errors; SECURITY.md thresholds: 0 server errors, p95 < 500 ms,
   nothing ≥ 15 s;
3. **faults** (a Python driver with per-request timestamps): PostgreSQL restarted in the middle
   of the load (errors only inside the restart window, recovery without restarting gunicorn,
   every receipt's application exists afterwards); ``/healthz`` 503 while PostgreSQL is
   stopped; one gunicorn worker killed (only its in-flight request fails).

Exit status 0 when every threshold holds, 1 otherwise.
"""

import argparse
import base64
import collections
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PG_CLUSTER = os.environ.get("LOADTEST_PG_CLUSTER", "15 main")
SEARCH_TERMS = ["安全", "隐患排查", "政务公开", "消防", "乡村振兴", "预算", "应急演练", "低保"]


def log(message=""):
    print(message, flush=True)


# --- set-up ------------------------------------------------------------------------------------


def database_url(args):
    return args.database_url or os.environ.get(
        "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zwgk_bench"
    )


def server_env(args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url(args),
        ZWGK_PII_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        ZWGK_DEMO="0",
        # The harness plays the reverse proxy: each simulated citizen has its own address.
        ZWGK_TRUSTED_PROXIES=HOST,
    )
    if args.no_redis:
        env.pop("REDIS_URL", None)
    return env


def prepare(args):
    """The data set (reused when present) and the collected static files."""
    env = {**os.environ, "DATABASE_URL": database_url(args)}
    log(f"== 数据：{database_url(args)}（公开信息 {args.items:,} 条；已有则复用）")
    create_database(database_url(args))
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [
            PYTHON,
            "manage.py",
            "bench",
            "--build-only",
            "--items",
            str(args.items),
            "--use-default-database",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    log("== collectstatic")
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=server_env(args),
        check=True,
    )


def create_database(url):
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()


class Server:
    """gunicorn config.wsgi on loopback, production settings."""

    def __init__(self, args, workdir):
        self.args, self.workdir = args, workdir
        self.port = args.port
        self.process = None

    def start(self):
        gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
        self.errorlog = open(self.workdir / "gunicorn.log", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                gunicorn,
                "config.wsgi",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.args.workers),
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "--backlog",
                "256",
            ],
            cwd=ROOT,
            env=server_env(self.args),
            stdout=self.errorlog,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn 启动失败，见 {self.workdir / 'gunicorn.log'}")
            try:
                if (
                    get(self.port, "/healthz", timeout=2).status == 200
                    and len(self.workers()) == self.args.workers
                ):
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn 60 秒内未就绪")

    def workers(self):
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "errorlog", None):
            self.errorlog.close()


# --- HTTP ----------------------------------------------------------------------------------------


@dataclass
class Result:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    set_cookies: list = field(default_factory=list)


def get(port, path, *, timeout=20, headers=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return _result(response)
    finally:
        connection.close()


def _result(response):
    body = response.read()
    pairs = response.getheaders()
    return Result(
        response.status,
        body,
        dict(pairs),
        [value for key, value in pairs if key.lower() == "set-cookie"],
    )


def post(port, path, data, *, headers, timeout=20):
    body = urllib.parse.urlencode(data, doseq=True)
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = connection.getresponse()
        return _result(response)
    finally:
        connection.close()


class Submitter:
    """Fills in and posts the public application form (``/apply/``) like a browser would.

    The form is read from the page (every input, select and textarea with its name), so the
    harness follows the form as it evolves; values are chosen by field name and type. The form
    refuses posts faster than a human (``ZWGK_APPLY_MIN_SECONDS``) and limits posts per client
    address, so each submission comes from its own address through the loopback "proxy"
    (``ZWGK_TRUSTED_PROXIES=127.0.0.1``, ``X-Forwarded-For``), as citizens behind a real proxy do.
    """

    TRACKING = re.compile(r'data-testid="tracking-number">\s*([^<\s]+)\s*<')
    HONEYPOTS = {"website", "url", "homepage"}
    MIN_FILL_SECONDS = 3.2

    def __init__(self, port):
        self.port = port
        self.available = False
        self.reason = ""

    def probe(self):
        try:
            page = get(self.port, "/apply/")
        except OSError as exc:
            self.reason = f"/apply/ 不可达：{exc}"
            return False
        if page.status != 200 or b"<form" not in page.body:
            self.reason = f"/apply/ 返回 {page.status}，没有申请表"
            return False
        self.available = True
        return True

    def fill(self, html, n):
        text = html.decode("utf-8", "replace")
        form = None
        for candidate in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, re.S | re.I):
            if re.search(r'method="post"', candidate.group(0)[:300], re.I):
                form = candidate
                break
        if form is None:
            return None, {}
        action = re.search(r'action="([^"]*)"', form.group(0)[:300])
        data = {}
        for tag in re.finditer(
            r"<(input|select|textarea)\b([^>]*)>(.*?)(?=<(?:input|select|textarea)\b|$)",
            form.group(1),
            re.S | re.I,
        ):
            kind, attrs, rest = tag.group(1).lower(), tag.group(2), tag.group(3)
            name = re.search(r'name="([^"]+)"', attrs)
            if not name:
                continue
            name = name.group(1)
            input_type = (re.search(r'type="([^"]+)"', attrs) or [None, "text"])[1].lower()
            value = re.search(r'value="([^"]*)"', attrs)
            if name in self.HONEYPOTS:
                data[name] = ""
            elif kind == "select":
                options = [o for o in re.findall(r'<option value="([^"]*)"', rest) if o]
                if options:
                    data[name] = options[n % len(options)] if name == "agency" else options[0]
            elif input_type == "hidden":
                data[name] = value.group(1) if value else ""
            elif input_type == "checkbox":
                data[name] = value.group(1) if value else "on"
            elif input_type == "radio":
                data.setdefault(name, value.group(1) if value else "on")
            elif input_type in ("submit", "button", "file"):
                continue
            else:
                data[name] = self.value_for(name, input_type, n)
        return (action.group(1) if action and action.group(1) else "/apply/"), data

    @staticmethod
    def value_for(name, input_type, n):
        lowered = name.lower()
        if input_type == "email" or "email" in lowered:
            return f"loadtest{n}@example.cn"
        if "phone" in lowered or "tel" in lowered or input_type == "tel":
            return f"139{n % 100_000_000:08d}"
        if "id_number" in lowered or "idnumber" in lowered:
            return _resident_id(n)
        if "credit" in lowered or "org" in lowered or "document_number" in lowered:
            return ""
        if "postcode" in lowered:
            return "751100"
        if "date" in lowered or input_type == "date":
            return time.strftime("%Y-%m-%d")
        if "description" in lowered or "content" in lowered:
            return f"申请公开2024年安全生产专项资金的分配和使用情况（压力测试 {n}）。"
        if "purpose" in lowered:
            return "了解政策"
        if "address" in lowered:
            return "示范区胜利街1号"
        if "name" in lowered:
            return "王测试"
        if input_type == "number":
            return "1"
        return "压力测试"

    def open_form(self, n):
        """(fetched at, action, data, cookies): a form as a citizen's browser has it."""
        address = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
        page = get(self.port, "/apply/", headers={"X-Forwarded-For": address})
        cookies = _cookies(page, {})
        action, data = self.fill(page.body, n)
        return time.monotonic(), action, data, cookies, address, page.status

    def send(self, opened):
        """Posts an opened form; (tracking number or None, status)."""
        _, action, data, cookies, address, status = opened
        if action is None:
            return None, status
        headers = {"X-Forwarded-For": address, "Referer": f"http://{HOST}:{self.port}/apply/"}
        response = post(
            self.port, action, data, headers={**headers, "Cookie": _cookie_header(cookies)}
        )
        cookies = _cookies(response, cookies)
        if response.status in (301, 302, 303) and response.headers.get("Location"):
            parts = urllib.parse.urlsplit(response.headers["Location"])
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            response = get(
                self.port, target, headers={**headers, "Cookie": _cookie_header(cookies)}
            )
        found = (
            self.TRACKING.search(response.body.decode("utf-8", "replace"))
            if response.status == 200
            else None
        )
        return (found.group(1) if found else None), response.status

    def submit(self, n):
        """One whole submission, waiting as long as a human would."""
        opened = self.open_form(n)
        time.sleep(max(0.0, self.MIN_FILL_SECONDS - (time.monotonic() - opened[0])))
        return self.send(opened)


def _cookies(result, jar):
    jar = dict(jar)
    for value in result.set_cookies:
        name, _, rest = value.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def _cookie_header(jar):
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def _resident_id(n):
    """A syntactically valid 18-digit resident ID (GB 11643 check digit)."""
    base = f"640302199001{n % 10000:04d}{n % 10:01d}"[:17]
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11]
    return base + check


# --- wrk ---------------------------------------------------------------------------------------

LUA = r"""
local paths = {%(paths)s}
local counter = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  server_errors = 0
  slow = 0
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) %% 100000)
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[math.random(#paths)])
end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end
function done(summary, latency, requests)
  local errors = 0
  for _, t in ipairs(threads) do errors = errors + (t:get("server_errors") or 0) end
  io.write(string.format("RESULT requests=%%d duration_us=%%d p50=%%d p95=%%d p99=%%d max=%%d "
    .. "connect=%%d read=%%d write=%%d timeout=%%d non2xx3xx=%%d server_errors=%%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, summary.errors.status, errors))
end
"""


def wrk(port, paths, *, seconds, connections, threads, workdir, name):
    script = workdir / f"{name}.lua"
    script.write_text(LUA % {"paths": ", ".join(_lua_string(p) for p in paths)})
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "15s",
            "-s",
            str(script),
            f"http://{HOST}:{port}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    match = re.search(r"RESULT (.*)", out.stdout)
    if not match:
        raise SystemExit(f"wrk 输出无法解析：\n{out.stdout}\n{out.stderr}")
    fields = dict(part.split("=") for part in match.group(1).split())
    stats = {key: int(value) for key, value in fields.items()}
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    stats["errors"] = (
        stats["connect"] + stats["read"] + stats["write"] + stats["timeout"] + stats["non2xx3xx"]
    )
    return stats


def _lua_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def describe(stats):
    return (
        f"{stats['rps']:8.1f} 请求/秒  p50 {stats['p50'] / 1000:6.1f} ms  p95 {stats['p95'] / 1000:6.1f} ms  "
        f"p99 {stats['p99'] / 1000:6.1f} ms  最长 {stats['max'] / 1000:6.1f} ms  "
        f"错误 {stats['errors']}（5xx {stats['server_errors']}，超时 {stats['timeout']}）"
    )


# --- the mix -----------------------------------------------------------------------------------


def mix_paths(args):
    """URLs for the mix, read from the database (items, agencies, published reports)."""
    connection = psycopg2.connect(database_url(args))
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM disclosure_item TABLESAMPLE SYSTEM (1) "
                "WHERE status = 'published' LIMIT 400"
            )
            items = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT id, slug FROM disclosure_agency ORDER BY id")
            agencies = cursor.fetchall()
            cursor.execute(
                "SELECT a.slug, r.year FROM reports_annualreport r JOIN disclosure_agency a "
                "ON a.id = r.agency_id WHERE EXISTS (SELECT 1 FROM reports_reportversion v "
                "WHERE v.report_id = r.id) LIMIT 50"
            )
            reports = cursor.fetchall()
    finally:
        connection.close()
    quote = urllib.parse.quote
    paths = []
    # Weights follow a government portal's logs: browsing the catalog dominates.
    paths += ["/catalog/"] * 10 + ["/"] * 4
    for n, (agency_id, slug) in enumerate(agencies[:20]):
        paths.append(f"/catalog/?agency={agency_id}&year={2016 + n % 10}&category=work")
        paths.append(f"/catalog/agency/{slug}/")
    paths += [f"/catalog/?page={n}" for n in (2, 3, 5, 10, 50, 200, 400)]
    paths += [f"/catalog/?q={quote(term)}" for term in SEARCH_TERMS] * 2
    paths += [f"/catalog/{pk}/" for pk in items[:60]]
    paths += ["/api/items/", "/api/items/?page=2", f"/api/items/?q={quote('安全')}"] * 2
    paths += ["/reports/"] * 3 + [f"/reports/{slug}/{year}/" for slug, year in reports[:10]]
    paths += ["/proposals/", "/guide/"]
    return paths, items


class SubmitLoop(threading.Thread):
    """Posts applications steadily alongside the other load; records every receipt.

    Forms are opened ahead and posted once they are old enough (the form's human-speed check),
    so about one application goes out per ``interval``.
    """

    def __init__(self, submitter, stop, interval=0.5, start_n=0):
        super().__init__(daemon=True)
        self.submitter, self.stop, self.interval = submitter, stop, interval
        self.receipts, self.failures, self.n, self.sent = [], [], start_n, 0

    def run(self):
        opened = collections.deque()
        while not self.stop.is_set():
            self.n += 1
            at = time.monotonic()
            try:
                opened.append(self.submitter.open_form(self.n))
            except OSError as exc:
                self.failures.append((at, at, f"open: {exc}"))
            while opened and time.monotonic() - opened[0][0] >= self.submitter.MIN_FILL_SECONDS:
                form = opened.popleft()
                self.sent += 1
                sent_at = time.monotonic()
                try:
                    tracking, status = self.submitter.send(form)
                except OSError as exc:
                    tracking, status = None, str(exc)
                if tracking:
                    self.receipts.append(tracking)
                else:
                    self.failures.append((sent_at, time.monotonic(), status))
            self.stop.wait(self.interval)


# --- the fault driver --------------------------------------------------------------------------


class Driver:
    """N threads issuing GETs back to back; every request logged with start/end and outcome."""

    def __init__(self, port, paths, threads):
        self.port, self.paths, self.threads = port, paths, threads
        self.log = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def worker(self, seed):
        rng = random.Random(seed)
        while not self.stop.is_set():
            path = rng.choice(self.paths)
            started = time.monotonic()
            try:
                outcome = get(self.port, path, timeout=15).status
            except OSError as exc:
                outcome = type(exc).__name__
            with self.lock:
                self.log.append((started, time.monotonic(), path, outcome))

    def __enter__(self):
        self.pool = [
            threading.Thread(target=self.worker, args=(n,), daemon=True)
            for n in range(self.threads)
        ]
        for thread in self.pool:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.pool:
            thread.join(timeout=20)
        return False

    def failures(self):
        return [entry for entry in self.log if not (isinstance(entry[3], int) and entry[3] < 500)]


def pg(action):
    version, name = PG_CLUSTER.split()
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return started, time.monotonic()


def pg_ready():
    return subprocess.run(["pg_isready", "-h", HOST, "-q"], timeout=10).returncode == 0


def fault_restart(server, submitter, paths, args, checks):
    log("\n== 故障 1：负载中重启 PostgreSQL")
    pids_before = (server.process.pid, sorted(server.workers()))
    stop = threading.Event()
    loop = (
        SubmitLoop(submitter, stop, interval=0.3, start_n=100_000) if submitter.available else None
    )
    with Driver(server.port, paths, threads=args.fault_threads) as driver:
        if loop:
            loop.start()
        time.sleep(args.fault_lead)
        window_start, window_end = pg("restart")
        while not pg_ready():
            time.sleep(0.1)
        window_end = time.monotonic()
        time.sleep(args.fault_tail)
        stop.set()
    if loop:
        loop.join(timeout=30)
    grace = 2.0  # requests already queued on a dead connection when the window closes
    failures = driver.failures()
    outside = [f for f in failures if f[1] < window_start or f[0] > window_end + grace]
    after = [e for e in driver.log if e[0] > window_end + grace]
    pids_after = (server.process.pid, sorted(server.workers()))
    log(
        f"   重启窗口 {window_end - window_start:.1f} 秒；请求 {len(driver.log)}，失败 {len(failures)}，"
        f"窗口外失败 {len(outside)}；窗口后请求 {len(after)} 个全部成功：{not [e for e in after if e in failures]}"
    )
    checks.append(("PostgreSQL 重启：失败只出现在重启窗口内", not outside and bool(after)))
    checks.append(
        (
            "PostgreSQL 重启：gunicorn 未重启即恢复（主进程与工作进程不变）",
            pids_before == pids_after,
        )
    )
    if loop:
        missing = missing_applications(args, loop.receipts)
        log(
            f"   提交申请 {loop.sent} 次，取得回执 {len(loop.receipts)} 份（重启窗口内失败 {len(loop.failures)} 次），"
            f"回执对应申请缺失 {len(missing)} 件"
        )
        checks.append(
            ("PostgreSQL 重启：每份回执对应的申请都在数据库中", not missing and bool(loop.receipts))
        )
    return driver


def fault_healthz(server, checks):
    log("\n== 故障 2：PostgreSQL 停止期间 /healthz")
    pids_before = (server.process.pid, sorted(server.workers()))
    pg("stop")
    try:
        statuses = [get(server.port, "/healthz", timeout=10).status for _ in range(4)]
        catalog = get(server.port, "/catalog/", timeout=15).status
    finally:
        started, _ = pg("start")
    while not pg_ready():
        time.sleep(0.1)
    recovered = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if get(server.port, "/healthz", timeout=5).status == 200:
                recovered = time.monotonic() - started
                break
        except OSError:
            pass
        time.sleep(0.2)
    log(
        f"   停库时 /healthz：{statuses}；目录页：{catalog}；启动后 {recovered and f'{recovered:.1f}'} 秒恢复 200"
    )
    checks.append(("停库时 /healthz 返回 503", all(s == 503 for s in statuses)))
    checks.append(
        (
            "启动后 /healthz 无需重启 gunicorn 即恢复 200",
            recovered is not None and pids_before == (server.process.pid, sorted(server.workers())),
        )
    )


def fault_worker_kill(server, paths, args, checks):
    log("\n== 故障 3：杀死一个 gunicorn 工作进程")
    with Driver(server.port, paths, threads=args.fault_threads) as driver:
        time.sleep(args.fault_lead)
        victim = server.workers()[0]
        killed_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        time.sleep(args.fault_tail)
    failures = driver.failures()
    # A sync worker serves one request at a time: only that in-flight request may fail.
    in_flight = [e for e in driver.log if e[0] <= killed_at <= e[1]]
    deadline = time.monotonic() + 30
    while len(server.workers()) < args.workers and time.monotonic() < deadline:
        time.sleep(0.2)
    respawned = victim not in server.workers() and len(server.workers()) == args.workers
    log(
        f"   请求 {len(driver.log)}，失败 {len(failures)}（被杀时在途 {len(in_flight)}）；主进程已补回工作进程：{respawned}"
    )
    checks.append(
        (
            "杀死工作进程：只有它在途的请求失败（≤ 1）",
            len(failures) <= 1 and all(killed_at - 0.1 <= f[1] for f in failures),
        )
    )
    checks.append(("杀死工作进程：gunicorn 补回工作进程", respawned))


def missing_applications(args, receipts):
    if not receipts:
        return []
    connection = psycopg2.connect(database_url(args))
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tracking_number FROM applications_application "
                "WHERE tracking_number = ANY(%s)",
                [receipts],
            )
            found = {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()
    return [r for r in receipts if r not in found]


# --- main --------------------------------------------------------------------------------------


def machine():
    cores = os.cpu_count()
    with open("/proc/meminfo") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    load = os.getloadavg()[0]
    return f"{cores} 核，{total_kb / 1024 / 1024:.0f} GiB 内存，开始时 1 分钟负载 {load:.1f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--items", type=int, default=int(os.environ.get("LOADTEST_ITEMS", 1_000_000))
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("LOADTEST_PORT", 0)),
        help="回环端口；默认自动选一个空闲端口",
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LOADTEST_WORKERS", 4)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOADTEST_SECONDS", 20)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--fault-threads", type=int, default=6)
    parser.add_argument("--fault-lead", type=float, default=4.0)
    parser.add_argument("--fault-tail", type=float, default=8.0)
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--no-redis", action="store_true", help="不使用 REDIS_URL（本地内存缓存）")
    parser.add_argument("--skip-prepare", action="store_true")
    args = parser.parse_args(argv)
    if not args.port:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            args.port = probe.getsockname()[1]
    if not shutil.which("wrk"):
        raise SystemExit("需要 wrk：apt-get install wrk")
    if not database_url(args).startswith(("postgres://", "postgresql://")):
        raise SystemExit("负载测试需要 PostgreSQL（LOADTEST_DATABASE_URL）")
    log(f"机器：{machine()}")
    if not args.skip_prepare:
        prepare(args)
    workdir = Path(tempfile.mkdtemp(prefix="zwgk-loadtest-"))
    server = Server(args, workdir)
    checks = []
    log(
        f"== gunicorn：{args.workers} 个 sync 工作进程，http://{HOST}:{args.port}/（生产设置，DJANGO_DEBUG=0）"
    )
    server.start()
    try:
        static = "/static/css/site.css"
        log(
            f"\n== 吞吐：静态文件 {static} 与匿名目录页 /catalog/，各 {args.seconds} 秒，{args.connections} 个连接"
        )
        static_stats = wrk(
            server.port,
            [static],
            seconds=args.seconds,
            connections=args.connections,
            threads=1,
            workdir=workdir,
            name="static",
        )
        log(f"   静态文件  {describe(static_stats)}")
        catalog_stats = wrk(
            server.port,
            ["/catalog/"],
            seconds=args.seconds,
            connections=args.connections,
            threads=1,
            workdir=workdir,
            name="catalog",
        )
        log(f"   目录首页  {describe(catalog_stats)}")
        ratio = catalog_stats["rps"] / static_stats["rps"]
        log(f"   目录页吞吐 / 静态文件吞吐 = {ratio:.0%}（预算 ≥ 50 %）")
        checks.append((f"匿名目录页吞吐 ≥ 静态文件的 50 %（实测 {ratio:.0%}）", ratio >= 0.5))

        paths, _ = mix_paths(args)
        submitter = Submitter(server.port)
        submitter.probe()
        log(
            f"\n== 混合负载 {args.seconds} 秒：目录、筛选、检索、详情、API、年报"
            + (
                "，另有线程每 0.5 秒提交一份申请"
                if submitter.available
                else f"（未含申请提交：{submitter.reason}）"
            )
        )
        stop = threading.Event()
        loop = SubmitLoop(submitter, stop) if submitter.available else None
        if loop:
            loop.start()
        mix_stats = wrk(
            server.port,
            paths,
            seconds=args.seconds,
            connections=args.connections,
            threads=1,
            workdir=workdir,
            name="mix",
        )
        stop.set()
        if loop:
            loop.join(timeout=30)
        log(f"   混合      {describe(mix_stats)}")
        checks.append(
            (
                "混合负载：0 个服务器错误",
                mix_stats["server_errors"] == 0 and mix_stats["errors"] == 0,
            )
        )
        checks.append(("混合负载：p95 < 500 ms", mix_stats["p95"] < 500_000))
        checks.append(
            (
                "混合负载：没有 ≥ 15 秒的请求",
                mix_stats["max"] < 15_000_000 and mix_stats["timeout"] == 0,
            )
        )
        if loop:
            missing = missing_applications(args, loop.receipts)
            log(
                f"   申请提交 {loop.sent} 次：回执 {len(loop.receipts)} 份，失败 {len(loop.failures)}，"
                f"回执对应申请缺失 {len(missing)} 件"
            )
            checks.append(
                (
                    "混合负载：申请都取得回执且已入库",
                    loop.sent > 0 and not loop.failures and not missing,
                )
            )

        if not args.no_faults:
            fault_restart(server, submitter, paths, args, checks)
            fault_healthz(server, checks)
            fault_worker_kill(server, paths, args, checks)
    finally:
        server.stop()
        if not pg_ready():
            pg("start")
    log("\n== 结果")
    for label, ok in checks:
        log(f"   {'通过' if ok else '未通过'}  {label}")
    log(f"   gunicorn 日志：{workdir / 'gunicorn.log'}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
