"""Soak with faults: the whole production stack under a realistic load for a fixed time while its peers fail on a
schedule, then the figures that say whether anything was lost, duplicated or answered with a 5xx. A benchmark
(prints figures); the exit code is 1 when anything was lost or duplicated.

    .venv/bin/python bench/soak.py --minutes 10

It starts, all on loopback and all its own: a PostgreSQL database `brello_soak` on the shared cluster (recreated,
migrated, seeded with the demo data), a redis-server on port 6391 (never the shared 6379), a real trytond 8.2 (the
tests' template, seeded like `make erp` plus open invoices), the Zendesk-API stand-in of the tests and an SMTP sink
(both in this process), gunicorn (2 workers), two Celery workers and beat, with portal.settings.production.

Faults, at fractions of the run: kill -9 a Celery worker in a burst of deliveries and start a new one; restart
Redis; terminate the soak database's backends (this is "restart PostgreSQL": the shared cluster is never
restarted); stop trytond (two minutes in a 10-minute run, scaled down for shorter ones) and start it; Zendesk
answers 500 (every second one after doing the work: the answer is lost), then 429 with Retry-After; the SMTP server
refuses connections. Staff decisions (approving applications, confirming reported payments) are made here through
the services, as the Wagtail admin's views would.

Needs PostgreSQL on 127.0.0.1:5432 (user postgres), redis-server, and the dev requirements (trytond).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
VENV_BIN = Path(sys.executable).parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"
DATABASE = "brello_soak"
REDIS_PORT = 6391
STAFF_EMAIL = "partners@brello.example"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


class Processes:
    """Child processes, each in its own session (so kill -9 takes a Celery worker's pool children with it)."""

    def __init__(self, tmp: Path, env: dict):
        self.tmp, self.env = tmp, env
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        out = (self.tmp / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=env or self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.running):
            self.kill(name, signal.SIGTERM)


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DATABASE],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def terminate_backends() -> int:
    """'Restart PostgreSQL' for the soak: end every connection to the soak database (the cluster is shared)."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DATABASE],
        ).fetchall()
    return len(rows)


def seed_tryton(server) -> dict[str, int]:
    """The demo parties, invoices and clients of `make erp`, plus six open invoices per active demo partner for
    the payments the partners report; returns registration number → party id."""
    from integrations.erp.tryton import demo
    from partner_area.companies.seed import COMPANIES

    demo.seed(server)
    rows = server.client.search_read("party.identifier", [("type", "=", None)], ["code", "party"])
    parties = {row["code"]: row["party"] for row in rows}
    meta = server.meta
    values = []
    for _key, _name, number, *_rest in COMPANIES[:4]:  # the active ones
        party = parties[number]
        address = server._invoice_address(party)
        line = {
            "type": "line", "description": "Brello 360 licences", "quantity": 10.0, "unit_price": Decimal("100.00"),
            "account": meta["account_revenue"], "taxes": [("add", [meta["tax"]])], "currency": meta["currency"],
        }  # fmt: skip
        invoice = {
            "type": "out", "company": meta["company"], "party": party, "invoice_address": address,
            "currency": meta["currency"], "journal": meta["journal_revenue"], "account": meta["account_receivable"],
            "payment_term": meta["payment_term"], "invoice_date": dt.date.today(),
        }  # fmt: skip
        values += [{**invoice, "lines": [("create", [dict(line)])]} for _ in range(6)]
    demo._post(server, server.client.create("account.invoice", values))
    return parties


def link_demo_companies(parties: dict[str, int]) -> int:
    """Link the verified demo companies to their parties, as approval's delivery does, and pull once."""
    from integrations.erp import pull
    from partner_area.companies.models import VERIFIED_STATUSES, Company

    linked = 0
    for company in Company.objects.filter(status__in=VERIFIED_STATUSES):
        if company.registration_number in parties:
            company.erp_id = str(parties[company.registration_number])
            company.save(update_fields=["erp_id"])
            linked += 1
    pull.pull_all()
    return linked


class Staff(threading.Thread):
    """Finance and partner managers at work: approve what applied during the soak, confirm reported payments."""

    def __init__(self, stop: threading.Event):
        super().__init__(daemon=True, name="staff")
        self.stop, self.decisions, self.errors = stop, Counter(), Counter()

    def run(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import close_old_connections

        from partner_area.billing.models import PaymentNotice, PaymentNoticeStatus
        from partner_area.billing.services import payment_notice_confirm
        from partner_area.companies.models import Company, CompanyStatus
        from partner_area.companies.services import company_approve

        while not self.stop.wait(10):
            close_old_connections()
            try:
                staff = get_user_model().objects.get(email=STAFF_EMAIL)
                pending = Company.objects.filter(
                    legal_name__startswith="Soak Applicant",
                    status__in=[CompanyStatus.PENDING_REVIEW, CompanyStatus.PENDING_VERIFICATION],
                )
                for company in pending[:5]:
                    company_approve(company=company, by=staff)
                    self.decisions["applications approved"] += 1
                for notice in PaymentNotice._base_manager.filter(status=PaymentNoticeStatus.REPORTED)[:10]:
                    payment_notice_confirm(notice=notice, by=staff)
                    self.decisions["payments confirmed"] += 1
            except Exception as error:  # noqa: BLE001 - the faults reach this process too: try again next round
                self.errors[type(error).__name__] += 1
                close_old_connections()


def build_env(tmp: Path, ports: dict, tryton, zendesk) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "TEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"{POSTGRES}/{DATABASE}",
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        TRUSTED_PROXY_COUNT="1",  # the load generator plays the TLS-terminating proxy
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        EMAIL_URL=f"smtp://127.0.0.1:{ports['smtp']}",
        EMAIL_TIMEOUT="5",
        MAIL_RETRY_SECONDS="5",
        MAIL_RETRY_CAP_SECONDS="30",
        ERP_BACKEND="integrations.erp.tryton.adapter.TrytonGateway",
        ERP_TRYTON_URL=tryton.url,
        ERP_TRYTON_DATABASE=tryton.database,
        ERP_TRYTON_USER=tryton.user,
        ERP_TRYTON_PASSWORD=tryton.password,
        ERP_TRYTON_TIMEOUT="10",
        ERP_PULL_INTERVAL_SECONDS="30",
        ERP_OUTBOX_BACKOFF_SECONDS="2",
        ERP_OUTBOX_BACKOFF_CAP_SECONDS="30",
        ERP_OUTBOX_OUTAGE_RETRY_SECONDS="10",
        ZENDESK_SUBDOMAIN="brello",
        ZENDESK_EMAIL=zendesk.email,
        ZENDESK_API_TOKEN=zendesk.token,
        ZENDESK_OUTBOX_BACKOFF_SECONDS="2",
        ZENDESK_OUTBOX_BACKOFF_CAP_SECONDS="30",
        ZENDESK_OUTBOX_OUTAGE_RETRY_SECONDS="10",
        ZENDESK_PULL_INTERVAL_SECONDS="30",
        ZENPY_FORCE_SCHEME="http",
        ZENPY_FORCE_NETLOC=zendesk.base_url.removeprefix("http://"),
        LOG_LEVEL="WARNING",
    )
    return env


class Faults:
    """The fault schedule, scaled to the run; each fault's window (start, end) on the monotonic clock."""

    def __init__(self, procs: Processes, tryton, zendesk, smtp, seconds: float, start_worker):
        self.procs, self.tryton, self.zendesk, self.smtp = procs, tryton, zendesk, smtp
        self.seconds, self.start_worker = seconds, start_worker
        self.windows: list[tuple[str, float, float]] = []
        self.stop = threading.Event()
        self.workers = 2

    def plan(self) -> list[tuple[float, str, float]]:
        d = self.seconds
        trytond_down = min(120.0, 0.2 * d)
        return [
            (0.10 * d, "kill -9 a Celery worker", 0),
            (0.20 * d, "restart Redis", 0),
            (0.30 * d, "terminate the database's backends", 0),
            (0.40 * d, "trytond stopped", trytond_down),
            (0.62 * d, "Zendesk answers 500", 0.07 * d),
            (0.70 * d, "Zendesk answers 429", 0.07 * d),
            (0.80 * d, "SMTP refuses connections", 0.1 * d),
        ]

    def run(self, started: float) -> None:
        for at, name, duration in self.plan():
            if self.stop.wait(max(0.0, started + at - time.monotonic())):
                return
            begin = time.monotonic()
            log(f"fault: {name}" + (f" for {duration:.0f} s" if duration else ""))
            try:
                getattr(self, "_" + name.split()[0].replace("-", "_").lower())(name, duration)
            except Exception as error:  # noqa: BLE001 - report it; the run goes on
                log(f"fault {name!r} failed: {error!r}")
            self.windows.append((name, begin, time.monotonic()))

    def _kill(self, _name, _duration) -> None:
        # In the middle of deliveries: when something is waiting to be sent (a few seconds at most under the load).
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not pending(outbox_counts()):
            time.sleep(0.2)
        log(f"  pending when killed: {outbox_counts()}")
        self.procs.kill("worker1", signal.SIGKILL)
        self.workers += 1
        self.start_worker("worker1", self.workers)

    def _restart(self, _name, _duration) -> None:
        self.procs.kill("redis", signal.SIGTERM)
        time.sleep(2)
        self.procs.start("redis", redis_args())
        wait_for_port(REDIS_PORT)

    def _terminate(self, _name, _duration) -> None:
        ended = terminate_backends()
        time.sleep(1)
        ended += terminate_backends()
        log(f"  {ended} backends terminated")

    def _trytond(self, _name, duration) -> None:
        self.tryton.stop()
        self.stop.wait(duration)
        self.tryton.start()

    def _zendesk(self, name, duration) -> None:
        if "500" in name:
            self.zendesk.fail_for(500, duration, lost_answer_every=2)
        else:
            self.zendesk.fail_for(429, duration, retry_after=10)
        self.stop.wait(duration)

    def _smtp(self, _name, duration) -> None:
        self.smtp.stop()
        self.stop.wait(duration)
        self.smtp.start()


def redis_args() -> list[str]:
    return ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no"]  # fmt: skip


def outbox_counts() -> dict[str, dict[str, int]]:
    from django.db.models import Count

    from integrations.erp.models import OutboxMessage
    from integrations.zendesk.models import ZendeskOutboxMessage
    from partner_area.platform.mail.models import OutgoingEmail

    counts = {}
    for label, model in (("ERP", OutboxMessage), ("Zendesk", ZendeskOutboxMessage), ("e-mail", OutgoingEmail)):
        rows = model._base_manager.values("status").annotate(n=Count("id"))
        counts[label] = {row["status"]: row["n"] for row in rows}
    return counts


def pending(counts: dict[str, dict[str, int]]) -> int:
    return sum(c.get("pending", 0) for c in counts.values()) + counts["e-mail"].get("queued", 0)


def tryton_duplicates(server) -> tuple[dict, dict]:
    from partner_area.platform.identifiers import normalise_registration_number as normalise

    rows = server.client.search_read("party.identifier", [], ["code", "party", "type"])
    parties: dict[str, set] = {}
    for row in rows:
        if row["type"] in (None, ""):
            parties.setdefault(normalise(row["code"]), set()).add(row["party"])
    numbers = {code: len(ids) for code, ids in parties.items() if len(ids) > 1}
    moves = server.client.search_read(
        "account.move", [("origin", "like", "account.invoice,%")], ["origin", "description"]
    )
    payments = Counter((m["origin"], m["description"]) for m in moves if m.get("description"))
    return numbers, {f"{k[0]} {k[1]}": n for k, n in payments.items() if n > 1}


def emails_compared(smtp) -> tuple[int, int, int, int]:
    """(failed for good, sent but not received, received more than sent, still queued)."""
    from partner_area.platform.mail.models import EmailStatus, OutgoingEmail

    sent = Counter(OutgoingEmail.objects.filter(status=EmailStatus.SENT).values_list("to", "subject").iterator())
    with smtp.lock:
        received = Counter(smtp.received)
    lost = sum(max(0, n - received.get(key, 0)) for key, n in sent.items())
    extra = sum(max(0, n - sent.get(key, 0)) for key, n in received.items())
    failed = OutgoingEmail.objects.filter(status=EmailStatus.FAILED).count()
    queued = OutgoingEmail.objects.filter(status=EmailStatus.QUEUED).count()
    return failed, lost, extra, queued


def work_not_done() -> dict[str, int]:
    """Business outcomes nothing is still working on: approved companies with no ERP link, confirmed payments not
    recorded, support requests without a ticket (each with no pending outbox row left)."""
    from partner_area.billing.models import PaymentNotice, PaymentNoticeStatus
    from partner_area.companies.models import Company, CompanyStatus
    from partner_area.support.models import SupportComment, SupportRequest

    return {
        "approved companies not linked to the ERP": Company.objects.filter(
            legal_name__startswith="Soak Applicant", status=CompanyStatus.ACTIVE, erp_id=""
        ).count(),
        "confirmed payments not recorded": PaymentNotice._base_manager.filter(
            status=PaymentNoticeStatus.CONFIRMED
        ).count(),
        "support requests without a Zendesk ticket": SupportRequest._base_manager.filter(
            zendesk_ticket_id="", company__isnull=False
        ).count(),
        "partner replies not in Zendesk": SupportComment._base_manager.filter(
            from_zendesk=False, zendesk_comment_id=None, support_request__company__isnull=False
        ).count(),
    }


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(load, faults: Faults, staff: Staff, tryton, zendesk, smtp, drained_in: float | None) -> int:
    samples = load.counters.samples
    print("\n=== Soak figures ===")
    print(f"requests: {len(samples)}  actions: {json.dumps(load.counters.actions, sort_keys=True)}")
    print(f"staff (services): {dict(staff.decisions)}  staff errors during faults: {dict(staff.errors)}")
    grace = 5.0
    bad = [s for s in samples if s.status >= 500 or s.status == 0]
    by_status = Counter(s.status for s in samples)
    print(f"statuses: {dict(sorted(by_status.items()))}")

    def window(sample):
        """The fault that began last before the sample (with a few seconds' grace after it ended)."""
        around = [(b, n) for n, b, e in faults.windows if b - 1 <= sample.at <= e + grace]
        return max(around)[1] if around else None

    inside = Counter(window(s) for s in bad)
    print(
        f"5xx: {sum(1 for s in samples if s.status >= 500)} (friendly error page: "
        f"{sum(1 for s in samples if s.status >= 500 and s.friendly)}), no answer: {by_status.get(0, 0)}"
    )
    for name, n in inside.items():
        pages = Counter(s.page for s in bad if window(s) == name)
        print(f"  {'outside any fault window' if name is None else 'during ' + name}: {n}  {dict(pages)}")
    print("fault windows (s from start): " + ", ".join(
        f"{n} {b - load.started:.0f}–{e - load.started:.0f}" for n, b, e in faults.windows
    ))  # fmt: skip
    print(f"Zendesk stand-in answers: {dict(zendesk.answered)}")
    print("drained in: " + (f"{drained_in:.0f} s after the load" if drained_in is not None else "NOT drained"))
    counts = outbox_counts()
    for label, by in counts.items():
        print(f"outbox {label}: {json.dumps(by, sort_keys=True)}")
    numbers, payments = tryton_duplicates(tryton)
    tickets = zendesk.duplicate_external_ids()
    print(f"duplicates in Tryton: parties sharing a registration number {len(numbers)} {numbers or ''}; "
          f"payments recorded twice {len(payments)} {payments or ''}")  # fmt: skip
    comments = zendesk.duplicate_comments()
    print(f"duplicates in Zendesk: tickets sharing an external_id {len(tickets)} {tickets or ''}; "
          f"comments added twice {comments}")  # fmt: skip
    failed, lost, extra, queued = emails_compared(smtp)
    print(f"e-mails: sink received {sum(smtp.received.values())}; failed for good {failed}; sent but not received "
          f"{lost}; received twice {extra}; still queued {queued}")  # fmt: skip
    undone = work_not_done()
    print(f"work not done: {undone}")
    print("latency per page (s): page  n  p50  p95  max")
    pages: dict[str, list[float]] = {}
    for s in samples:
        if s.status:
            pages.setdefault(s.page, []).append(s.seconds)
    for page, values in sorted(pages.items()):
        print(f"  {page:<20} {len(values):>5} {percentile(values, 50):6.3f} {percentile(values, 95):6.3f} "
              f"{max(values):6.3f}")  # fmt: skip
    lost_total = failed + lost + sum(undone.values()) + (queued if drained_in is None else 0)
    duplicated = len(numbers) + len(payments) + len(tickets) + comments + extra
    print(f"lost: {lost_total}  duplicated: {duplicated}  5xx outside fault windows: {inside.get(None, 0)}")
    return 1 if lost_total or duplicated else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--drain-minutes", type=float, default=5, help="longest wait for the outboxes to drain")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs) afterwards")
    args = parser.parse_args()
    seconds = args.minutes * 60
    tmp = Path(tempfile.mkdtemp(prefix="brello-soak-"))
    log(f"working directory {tmp}; load average {Path('/proc/loadavg').read_text().split()[:3]}")

    from soak_load import LoadGenerator
    from soak_peers import FaultyZendesk, SmtpSink

    from tests.erp.tryton_server import TrytonServer, build_template
    from tests.zendesk.fake_zendesk import serve

    procs = Processes(tmp, dict(os.environ))
    stop = threading.Event()
    tryton = None
    zendesk_server = None
    smtp = None
    loadavg: list[str] = []
    try:
        procs.start("redis", redis_args())
        wait_for_port(REDIS_PORT)
        recreate_database()
        tryton = TrytonServer(build_template(), tmp / "tryton")
        tryton.new_database("soak")
        zendesk = FaultyZendesk()
        zendesk_server = serve(zendesk)
        ports = {"smtp": free_port(), "web": free_port()}
        smtp = SmtpSink(ports["smtp"])
        smtp.start()
        env = build_env(tmp, ports, tryton, zendesk)
        procs.env = env
        os.environ.update(env)

        import django

        django.setup()
        import logging

        from django.core.management import call_command

        # This process's own warnings (its staff decisions meet the faults too) go to a file, not between figures.
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        root.addHandler(logging.FileHandler(tmp / "orchestrator.log"))

        log("migrate, collectstatic, seed")
        call_command("migrate", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)
        call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        log("seeding Tryton")
        parties = seed_tryton(tryton)
        log(f"linked {link_demo_companies(parties)} demo companies; pulled the ERP's data")

        web = f"127.0.0.1:{ports['web']}"
        procs.start("gunicorn", [str(VENV_BIN / "gunicorn"), "portal.wsgi", "-w", "2", "-b", web, "--timeout", "60",
                                 "--access-logfile", str(tmp / "access.log")])  # fmt: skip

        def start_worker(slot: str, number: int) -> None:
            procs.start(slot, [str(VENV_BIN / "celery"), "-A", "portal", "worker", "--concurrency", "1",
                               "-n", f"soak{number}@%h", "--loglevel", "WARNING"])  # fmt: skip

        start_worker("worker1", 1)
        start_worker("worker2", 2)
        procs.start("beat", [str(VENV_BIN / "celery"), "-A", "portal", "beat", "--loglevel", "WARNING",
                             "-s", str(tmp / "beat-schedule")])  # fmt: skip
        wait_for_port(ports["web"])

        from partner_area.accounts.seed import DEMO_PASSWORD

        keys = ("nordlink", "balticsoft", "rigadata", "ambertech")
        partners = [
            (f"{role}@{key}.example.lv", DEMO_PASSWORD, role == "admin") for key in keys for role in ("admin", "user")
        ]
        load = LoadGenerator(f"http://{web}", partners, seconds)
        faults = Faults(procs, tryton, zendesk, smtp, seconds, start_worker)
        staff = Staff(stop)
        plan = ", ".join(f"{name} at {at:.0f} s" + (f" for {d:.0f} s" if d else "") for at, name, d in faults.plan())
        log(f"load for {args.minutes:g} min: {len(partners)} partners, an applicant, a visitor; faults: {plan}")
        load.started = time.monotonic()
        load.start()
        staff.start()
        fault_thread = threading.Thread(target=faults.run, args=(load.started,), daemon=True)
        fault_thread.start()
        while not load.stop.wait(30):
            loadavg.append(Path("/proc/loadavg").read_text().split()[0])
            log(f"{len(load.counters.samples)} requests; load average {loadavg[-1]}")
        load.join()
        faults.stop.set()
        fault_thread.join()
        log("load finished; waiting for the outboxes to drain")
        drained_from, drained_in = time.monotonic(), None
        from django.db import close_old_connections

        while time.monotonic() - drained_from < args.drain_minutes * 60:
            close_old_connections()
            if pending(outbox_counts()) == 0 and not any(work_not_done().values()):
                drained_in = time.monotonic() - drained_from
                break
            time.sleep(5)
        stop.set()
        code = report(load, faults, staff, tryton, zendesk, smtp, drained_in)
        print(f"load average during the run (every 30 s): {' '.join(loadavg)}; "
              f"now {Path('/proc/loadavg').read_text().split()[:3]}; {os.cpu_count()} cores")  # fmt: skip
        return code
    finally:
        stop.set()
        procs.stop_all()
        if tryton is not None:
            tryton.stop()
        if smtp is not None:
            smtp.stop()
        if zendesk_server is not None:
            zendesk_server.shutdown()
        if not args.keep:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
