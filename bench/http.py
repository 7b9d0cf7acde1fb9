"""Web speed under gunicorn with production settings, as ratios to a bare view served by the same process.

    .venv/bin/python bench/http.py                                  # this checkout
    .venv/bin/python bench/http.py --against /work/main --seconds 10  # another checkout side by side, one run

For each checkout: its own PostgreSQL database `brello_bench_http_<n>` (dropped, created, migrated with that
checkout's migrations, `seed_demo --force`, then 400 invoices and a network of 12 + 48 sub-partners with clients
and 24 months of turnover below Nordlink), `collectstatic` into a temporary directory, and gunicorn (2 sync workers,
`portal.settings.production`, DEBUG off, persistent database connections) serving `bench/http_wsgi.py`: the
checkout's own application plus a bare `HttpResponse` view at /bench/bare (BENCH_BARE_VIEW=1; never mounted by the
portal itself). One redis-server of its own on port 6392 (a database per checkout; the shared 6379 is never used).
The client plays the TLS-terminating proxy (plain HTTP with X-Forwarded-Proto: https), logs in as Nordlink's org
admin through the login form, and loads each target with `--concurrency` threads for `--seconds`, `--rounds`
times, checkouts and targets interleaved so both see the same machine.

Printed per target and checkout (medians over the rounds): requests/s, p50/p95 latency, the gunicorn workers'
CPU per request (utime + stime from /proc, the figure that holds up on a shared machine) and the ratio of the
requests/s to the bare view's in the same round; with --against, the CPU per request of this checkout over the
other's. Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and redis-server on the PATH.
"""

from __future__ import annotations

import os
import sys

# Run as a script, this file's directory comes first on sys.path and its name would shadow the standard `http`.
sys.path[:] = [
    entry for entry in sys.path if os.path.abspath(entry or ".") != os.path.dirname(os.path.abspath(__file__))
]

import argparse  # noqa: E402
import http.client  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_BIN = Path(sys.executable).parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS_PORT = 6392
TICKS = os.sysconf("SC_CLK_TCK")
EMAIL, PASSWORD = "admin@nordlink.example.lv", "Brello-demo-2026"

TARGETS = [
    ("bare view", "/bench/bare", False),
    ("public home, cache hit", "/en/", False),
    ("public home, uncached", "/en/?nocache={n}", False),
    ("content page", "/en/solutions/", False),
    ("partner home", "/en/partner/", True),
    ("dashboard", "/en/partner/dashboard/", True),
    ("invoice list", "/en/partner/invoices/", True),
    ("API me (home)", "/api/v1/me", True),
    ("API dashboard", "/api/v1/dashboard", True),
    ("API invoices", "/api/v1/invoices", True),
]

# Run with the checkout's manage.py shell: what the demo data lacks for a partner with a real network and history.
SEED = r"""
import random
from datetime import timedelta
from decimal import Decimal
from django.utils import timezone
from partner_area.billing.models import Invoice
from partner_area.companies.models import Company
from partner_area.performance.periods import add_months
from partner_area.performance.services import TurnoverRow, client_upsert, turnover_import

root = Company.objects.get(registration_number="40003000001")
today = timezone.localdate()
rng = random.Random(17)
Invoice.unscoped.bulk_create(
    Invoice(
        company=root, erp_id=f"bench-{i}", number=f"BEN-{i:05d}", invoice_date=today - timedelta(days=i),
        due_date=today - timedelta(days=i - 30), currency="USD" if i % 5 == 0 else "EUR",
        total=Decimal(100 + i), balance=Decimal(100 + i) if i % 3 == 0 else Decimal(0), erp_state="posted",
        erp_changed_at=timezone.now(),
    )
    for i in range(400)
)
number = 0
def sub_partner(parent):
    global number
    number += 1
    return Company.objects.create(
        legal_name=f"Bench Partner {number:03d} SIA", registration_number=f"4100399{number:04d}", country="LV",
        address="Brīvības iela 1", city="Rīga", postal_code="LV-1001", phone="+371 67000001",
        email=f"bench{number}@example.lv", status="active", parent=parent,
    )
first = add_months(today.replace(day=1), -23)
rows = []
for upper in range(12):
    level_1 = sub_partner(root)
    for company in [level_1] + [sub_partner(level_1) for _ in range(4)]:
        for c in range(2):
            client = client_upsert(company=company, erp_id=f"bench-client-{company.pk}-{c}",
                                   name=f"Client {company.pk}-{c}", created=first)
            for m in range(24):
                rows.append(TurnoverRow(client, add_months(first, m), "EUR", Decimal(rng.randint(100, 5000))))
turnover_import(rows=rows)
print("seeded", number, "sub-partners,", len(rows), "turnover rows")
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 90) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port}")


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Server:
    label: str
    checkout: Path
    database: str
    redis_db: int
    tmp: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    cookie: str = ""

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "TEST_", "PYTHONPATH"))}
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.production",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=f"{POSTGRES}/{self.database}",
            REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/{self.redis_db}",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            TRUSTED_PROXY_COUNT="1",
            CONN_MAX_AGE="60",
            STATIC_ROOT=str(self.tmp / f"static-{self.redis_db}"),
            MEDIA_ROOT=str(self.tmp / f"media-{self.redis_db}"),
            LOG_LEVEL="WARNING",
            BENCH_BARE_VIEW="1",
            # One user from one address makes thousands of API requests a minute here: production's throttle would
            # answer most of them 429 and the bench would measure the throttle.
            API_THROTTLE_USER="100000000/hour",
            API_THROTTLE_ANON="100000000/hour",
        )
        return env

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *args],
            cwd=self.checkout, env=self.env(), capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode:
            raise RuntimeError(f"{self.label}: manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def prepare(self) -> None:
        log(f"{self.label}: database {self.database}: migrate, collectstatic, seed")
        recreate_database(self.database)
        self.manage("migrate", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.manage("seed_demo", "--force")
        log(f"{self.label}: " + self.manage("shell", "--no-imports", "-c", SEED).strip())

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--chdir", str(self.checkout), "--pythonpath", str(self.tmp / "wsgi"),
             "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "http_wsgi:application"],
            env=self.env(), stdout=subprocess.DEVNULL, stderr=open(self.tmp / f"gunicorn-{self.redis_db}.log", "w"),  # noqa: SIM115
        )  # fmt: skip
        wait_for_port(self.port)
        self.login()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / TICKS

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        base = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.9.0.1", "Host": f"127.0.0.1:{self.port}"}
        connection.request(method, path, body=body, headers=base | (headers or {}))
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response, data

    def login(self) -> None:
        path = "/en/partner/account/login/"
        response, page = self.request("GET", path)
        cookies = dict(re.findall(r"(csrftoken)=([^;]+)", " ".join(response.headers.get_all("Set-Cookie") or [])))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urlencode({"csrfmiddlewaretoken": token, "username": EMAIL, "password": PASSWORD}).encode()
        origin = f"https://127.0.0.1:{self.port}"
        response, _ = self.request(
            "POST", path, body,
            {"Cookie": f"csrftoken={cookies['csrftoken']}", "Content-Type": "application/x-www-form-urlencoded",
             "Origin": origin, "Referer": origin + path},
        )  # fmt: skip
        session = re.search(r"sessionid=([^;]+)", " ".join(response.headers.get_all("Set-Cookie") or []))
        if response.status != 302 or not session:
            raise RuntimeError(f"{self.label}: login failed ({response.status})")
        self.cookie = f"sessionid={session.group(1)}"


@dataclass
class Round:
    requests: int
    seconds: float
    latencies: list[float]
    cpu: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


def load(server: Server, path: str, logged_in: bool, seconds: float, concurrency: int) -> Round:
    """`concurrency` threads, each one request at a time (gunicorn's sync workers close every connection)."""
    headers = {"Cookie": server.cookie} if logged_in else {}
    latencies: list[float] = []
    errors = [0]
    counter = iter(range(10**9))
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response, _ = server.request("GET", path.format(n=next(counter)), headers=headers)
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    cpu_before, started = server.cpu_seconds(), time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return Round(len(latencies), elapsed, latencies, server.cpu_seconds() - cpu_before, errors[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", type=Path, help="another checkout to measure side by side (e.g. /work/main)")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--only", help="comma-separated target names to run (the bare view always runs)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
    (tmp / "wsgi").mkdir()  # not bench/ itself on the workers' path: bench/http.py would shadow `http`
    shutil.copy(HERE / "http_wsgi.py", tmp / "wsgi" / "http_wsgi.py")
    redis = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(REDIS_PORT)
    servers = [Server("this", ROOT, "brello_bench_http_1", 1, tmp)]
    if args.against:
        servers.insert(0, Server("against", args.against.resolve(), "brello_bench_http_2", 2, tmp))
    targets = [t for t in TARGETS if not args.only or t[0] == "bare view" or t[0] in args.only.split(",")]
    results: dict[tuple[str, str], list[Round]] = {}
    loads = [load_average()]
    try:
        for server in servers:
            server.prepare()
            server.start()
        for server in servers:  # warm: every page once, the public pages into the page cache
            for _name, path, logged_in in targets:
                server.request("GET", path.format(n="warm"), headers={"Cookie": server.cookie} if logged_in else {})
        for number in range(args.rounds):
            log(f"round {number + 1} of {args.rounds}, load {load_average()}")
            for name, path, logged_in in targets:
                for server in servers if number % 2 == 0 else reversed(servers):
                    results.setdefault((server.label, name), []).append(
                        load(server, path, logged_in, args.seconds, args.concurrency)
                    )
            loads.append(load_average())
    finally:
        for server in servers:
            server.stop()
        redis.terminate()
    report(servers, targets, results, args, loads)


def report(servers, targets, results, args, loads) -> None:
    print(
        f"\nbench/http.py: gunicorn 2 sync workers, portal.settings.production, concurrency {args.concurrency}, "
        f"{args.rounds} rounds of {args.seconds:g} s, medians over rounds; load (1 min) during the run: "
        + " → ".join(loads)
    )
    for server in servers:
        print(f"  {server.label}: {server.checkout} ({git_head(server.checkout)})")
    header = (
        f"{'target':<24}{'checkout':<9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'CPU ms/req':>12}{'× bare':>8}{'err':>5}"
    )
    print(header)
    for name, _path, _logged_in in targets:
        cpu = {}
        for server in servers:
            rounds = results[(server.label, name)]
            bare = results[(server.label, "bare view")]
            ratio = statistics.median(r.rate / b.rate for r, b in zip(rounds, bare, strict=True))
            cpu[server.label] = statistics.median(r.cpu / max(r.requests, 1) * 1000 for r in rounds)
            print(
                f"{name:<24}{server.label:<9}{statistics.median(r.rate for r in rounds):8.1f}"
                f"{statistics.median(r.percentile(0.5) for r in rounds):9.1f}"
                f"{statistics.median(r.percentile(0.95) for r in rounds):9.1f}"
                f"{cpu[server.label]:12.1f}{ratio:8.3f}{sum(r.errors for r in rounds):5d}"
            )
        if len(servers) == 2 and cpu["against"]:
            print(f"{'':<24}CPU per request this/against: {cpu['this'] / cpu['against']:.2f}")


def git_head(checkout: Path) -> str:
    result = subprocess.run(
        ["git", "-C", str(checkout), "log", "-1", "--format=%h %s"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip()[:70]


if __name__ == "__main__":
    main()
