"""A real Tryton 8.2 server for the tests (and `make erp`), plus helpers that play the ERP user's part.

The template database (modules activated, company, chart of accounts, fiscal year, invoice sequences,
payment term and method — see tryton_bootstrap.py) is built once with `trytond-admin` and cached under
$BRELLO_TRYTON_CACHE (default ~/.cache/brello-portal/tryton-template)/<key>, where the key covers the
installed Tryton versions, the bootstrap script and the day (the fiscal year is built around today). Building
it takes ≈ 25 s; reusing it costs nothing. A file lock makes concurrent test processes (pytest-xdist) build it
once; older templates are removed.

Each test gets its own copy of the template (an SQLite file under a new database name) served by a `trytond`
process started with `-d <name>` on its loopback port: a copied file is not visible to an already running
server until its cached database list expires, so the server is restarted (≈ 1 s). `TrytonServers` keeps two
such servers and prepares the next test's one in the background while a test runs, which hides most of that.

The test process never imports trytond (it sets TZ=UTC and global configuration on import): the helpers talk
JSON-RPC through the portal's own client.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

from integrations.erp.tryton.client import TrytonClient, TrytonWarning, forget_sessions

HERE = Path(__file__).resolve().parent
BOOTSTRAP = HERE / "tryton_bootstrap.py"
MODULES = ["party", "company", "currency", "country", "product", "account", "account_invoice", "party_relationship"]
DISTRIBUTIONS = ["trytond", "proteus", *(f"trytond_{m}" for m in MODULES if m != "party")]
ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin-tryton-test"
ADMIN_EMAIL = "admin@example.com"
TEMPLATE_DB = "template"
START_TIMEOUT = 60.0


class TrytonNotInstalled(RuntimeError):
    pass


def bin_dir() -> Path:
    return Path(sys.executable).parent


def _versions() -> dict[str, str]:
    versions = {}
    for name in DISTRIBUTIONS:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = ""
    return versions


def check_installed() -> None:
    missing = [name for name, version in _versions().items() if not version and name != "trytond_party_relationship"]
    if missing or not (bin_dir() / "trytond").exists() or not (bin_dir() / "trytond-admin").exists():
        raise TrytonNotInstalled(
            f"Tryton is not installed in {sys.prefix} (missing: {', '.join(missing) or 'trytond scripts'}). "
            "Run: pip install -r requirements-dev.txt"
        )


def write_config(path: Path, data_dir: Path, port: int) -> None:
    path.write_text(
        "[database]\n"
        "uri = sqlite://\n"
        f"path = {data_dir}\n"
        "[web]\n"
        f"listen = 127.0.0.1:{port}\n"
        "[session]\n"
        "max_attempt = 50\n",
        encoding="utf-8",
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(cmd: list[str], *, env: dict | None = None, log: Path) -> None:
    with log.open("ab") as out:
        result = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)  # noqa: S603
    if result.returncode:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(cmd[:2])} failed ({result.returncode}):\n{tail}")


def _copy_database(src_dir: Path, src_name: str, dst_dir: Path, dst_name: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        src = src_dir / f"{src_name}.sqlite{suffix}"
        dst = dst_dir / f"{dst_name}.sqlite{suffix}"
        if src.exists():
            shutil.copyfile(src, dst)
        elif dst.exists():
            dst.unlink()


def template_key() -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(_versions(), sort_keys=True).encode())
    digest.update(BOOTSTRAP.read_bytes())
    digest.update(json.dumps([MODULES, ADMIN_USER, ADMIN_PASSWORD]).encode())
    digest.update(dt.date.today().isoformat().encode())
    return digest.hexdigest()[:16]


def cache_root() -> Path:
    if configured := os.environ.get("BRELLO_TRYTON_CACHE"):
        return Path(configured)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "brello-portal" / "tryton-template"


def build_template(root: Path | None = None) -> Path:
    """The directory holding `data/template.sqlite` and `meta.json`, built when missing (under a file lock)."""
    check_installed()
    root = root or cache_root()
    root.mkdir(parents=True, exist_ok=True)
    key = template_key()
    target = root / key
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if (target / "meta.json").exists():
                return target
            build = root / f"{key}.building"
            shutil.rmtree(build, ignore_errors=True)
            (build / "data").mkdir(parents=True)
            log = build / "build.log"
            conf = build / "trytond.conf"
            write_config(conf, build / "data", free_port())
            (build / "data" / f"{TEMPLATE_DB}.sqlite").touch()
            passfile = build / "admin-password"
            passfile.write_text(ADMIN_PASSWORD, encoding="utf-8")
            env = {**os.environ, "TRYTONPASSFILE": str(passfile)}
            _run(
                [
                    str(bin_dir() / "trytond-admin"),
                    "-c",
                    str(conf),
                    "-d",
                    TEMPLATE_DB,
                    "--all",
                    "--activate-dependencies",
                    "-u",
                    *MODULES,
                    "--email",
                    ADMIN_EMAIL,
                ],
                env=env,
                log=log,
            )
            meta = build / "meta.json"
            _run(
                [sys.executable, str(BOOTSTRAP), "--config", str(conf), "--database", TEMPLATE_DB, "--meta", str(meta)],
                env={k: v for k, v in env.items() if k != "TRYTONPASSFILE"},
                log=log,
            )
            shutil.rmtree(target, ignore_errors=True)
            build.rename(target)
            # Templates of other days or versions are not needed any more.
            for other in root.iterdir():
                if other.is_dir() and other.name != key and not other.name.endswith(".building"):
                    shutil.rmtree(other, ignore_errors=True)
            return target
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class TrytonServer:
    """One `trytond` process on a fixed loopback port serving one database copied from the template."""

    user = ADMIN_USER
    password = ADMIN_PASSWORD

    def __init__(self, template_dir: Path, root: Path, port: int | None = None, prefix: str = "t"):
        self.template_dir = template_dir
        self.meta: dict[str, Any] = json.loads((template_dir / "meta.json").read_text(encoding="utf-8"))
        self.root = root
        self.data_dir = root / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.config = root / "trytond.conf"
        write_config(self.config, self.data_dir, self.port)
        self.log = root / "trytond.log"
        self.database = ""
        self.process: subprocess.Popen | None = None
        self.prefix = prefix
        self._count = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __repr__(self) -> str:
        return f"<TrytonServer {self.url}/{self.database} {'running' if self.running else 'stopped'}>"

    # -- process --------------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def new_database(self, name: str | None = None) -> str:
        """Stop the server, give it a fresh copy of the template under a new name and start it again."""
        self.stop()
        if self.database and not name:
            for path in self.data_dir.glob(f"{self.database}.sqlite*"):
                path.unlink()
        self._count += 1
        self.database = name or f"{self.prefix}{self._count}"
        _copy_database(self.template_dir / "data", TEMPLATE_DB, self.data_dir, self.database)
        self.start()
        return self.database

    def start(self) -> None:
        """Start `trytond` on the current database and wait until it answers."""
        if self.running:
            return
        assert self.database, "no database: call new_database() first"
        env = {**os.environ, "TRYTOND_LOGGING_LEVEL": "30"}
        env.pop("TRYTOND_CONFIG", None)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [str(bin_dir() / "trytond"), "-c", str(self.config), "-d", self.database],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return
            time.sleep(0.05)
        tail = self.log.read_text(encoding="utf-8", errors="replace")[-3000:]
        self.stop()
        raise RuntimeError(f"trytond did not start on port {self.port}:\n{tail}")

    def stop(self) -> None:
        """Stop `trytond` (connections are refused until start())."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    # -- data as an ERP user would make it ------------------------------------------------------------------

    @property
    def client(self) -> TrytonClient:
        return TrytonClient(self.url, self.database, self.user, self.password, timeout=30)

    def forget_sessions(self) -> None:
        forget_sessions()

    def create_parties(self, parties: list[dict]) -> list[int]:
        """Create parties in one call (so they share one write_date). Each dict: name and optionally
        registration_number, vat (eu_vat code), street, city, postal_code, country (code), phone, email,
        website."""
        values = []
        for party in parties:
            item: dict[str, Any] = {"name": party["name"]}
            identifiers = []
            if party.get("registration_number"):
                identifiers.append({"code": party["registration_number"]})
            if party.get("vat"):
                identifiers.append({"type": "eu_vat", "code": party["vat"]})
            if identifiers:
                item["identifiers"] = [("create", identifiers)]
            address = {key: party[key] for key in ("street", "city", "postal_code") if party.get(key)}
            if party.get("country"):
                address["country"] = self.meta["countries"][party["country"]]
            if address:
                item["addresses"] = [("create", [address])]
            mechanisms = [
                {"type": kind, "value": party[kind]} for kind in ("phone", "email", "website") if party.get(kind)
            ]
            if mechanisms:
                item["contact_mechanisms"] = [("create", mechanisms)]
            values.append(item)
        return self.client.create("party.party", values)

    def create_party(self, name: str, **fields: Any) -> int:
        return self.create_parties([{"name": name, **fields}])[0]

    def rename_party(self, party_id: int, name: str) -> None:
        self.client.write("party.party", [party_id], {"name": name})

    def set_contact_mechanism(self, party_id: int, kind: str, value: str) -> int:
        """Change the party's first contact mechanism of this type directly (the party record is not written,
        as when an ERP user edits the contact mechanism list), or add one. Returns its id."""
        found = self.client.search(
            "party.contact_mechanism", [("party", "=", party_id), ("type", "=", kind)], limit=1, order=None
        )
        if found:
            self.client.write("party.contact_mechanism", found, {"value": value})
            return found[0]
        return self.client.create("party.contact_mechanism", [{"party": party_id, "type": kind, "value": value}])[0]

    def read(self, model: str, ids: list[int], fields: list[str]) -> list[dict]:
        return self.client.read(model, ids, fields)

    def search(self, model: str, domain: list, **kwargs: Any) -> list[int]:
        return self.client.search(model, domain, **kwargs)

    def _invoice_address(self, party_id: int) -> int:
        found = self.client.search("party.address", [("party", "=", party_id)], limit=1)
        if found:
            return found[0]
        return self.client.create("party.address", [{"party": party_id, "city": "Rīga"}])[0]

    def create_invoice(
        self,
        party_id: int,
        lines: list[tuple[str, Any, Any]] | None = None,
        *,
        invoice_date: dt.date | None = None,
        payment_term_date: dt.date | None = None,
        tax: bool = True,
        post: bool = True,
        currency: int | None = None,
    ) -> int:
        """A customer invoice with (description, quantity, unit price) lines, 30-day payment term and 21 % VAT;
        posted unless post=False. A payment_term_date in the past makes it overdue (the invoice date stays
        today, as numbering needs invoice dates in order). `currency`: an id from create_currency (default EUR,
        the company's)."""
        meta = self.meta
        currency = currency or meta["currency"]
        lines = lines or [("Brello 360 licence", 1, "100.00")]
        values: dict[str, Any] = {
            "type": "out",
            "company": meta["company"],
            "party": party_id,
            "invoice_address": self._invoice_address(party_id),
            "currency": currency,
            "journal": meta["journal_revenue"],
            "account": meta["account_receivable"],
            "payment_term": meta["payment_term"],
            "invoice_date": invoice_date or dt.date.today(),
            "lines": [
                (
                    "create",
                    [
                        {
                            "type": "line",
                            "description": description,
                            "quantity": float(quantity),
                            "unit_price": Decimal(str(price)),
                            "account": meta["account_revenue"],
                            "taxes": [("add", [meta["tax"]])] if tax else [],
                            "currency": currency,
                        }
                        for description, quantity, price in lines
                    ],
                )
            ],
        }
        if payment_term_date:
            values["payment_term_date"] = payment_term_date
        (invoice_id,) = self.client.create("account.invoice", [values])
        if post:
            self.post_invoice(invoice_id)
        return invoice_id

    def create_currency(self, code: str, rate: Decimal | str) -> int:
        """A currency with one rate (against the company's EUR) from the start of the fiscal year."""
        start = dt.date.fromisoformat(self.meta["fiscalyear_start"])
        values = {
            "name": code,
            "symbol": code,
            "code": code,
            "rates": [("create", [{"date": start, "rate": Decimal(str(rate))}])],
        }
        return self.client.create("currency.currency", [values])[0]

    def _skipping_warnings(self, method: str, *args: Any) -> Any:
        """Call, skipping the warnings an ERP user would confirm (e.g. a payment date in the past)."""
        for _ in range(5):
            try:
                return self.client.model("account.invoice", method, *args)
            except TrytonWarning as warning:
                self.client.model("res.user.warning", "skip", warning.name, False)
        raise RuntimeError(f"account.invoice.{method} kept warning")

    def post_invoice(self, invoice_id: int) -> None:
        self._skipping_warnings("post", [invoice_id])

    def cancel_invoice(self, invoice_id: int) -> None:
        self._skipping_warnings("cancel", [invoice_id])

    def invoice(self, invoice_id: int) -> dict:
        fields = ["number", "state", "total_amount", "amount_to_pay", "write_date", "last_modified_at"]
        return self.client.read("account.invoice", [invoice_id], fields)[0]

    def pay_invoice(self, invoice_id: int, amount: Decimal | str | None = None, *, date: dt.date | None = None) -> None:
        """Run the "pay" wizard as an accountant would: the whole amount to pay, or `amount` (partial)."""
        client = self.client
        wizard = "wizard.account.invoice.pay"
        context = {
            **client.context,
            "active_model": "account.invoice",
            "active_id": invoice_id,
            "active_ids": [invoice_id],
        }
        session, _start, _end = client.call(f"{wizard}.create", context)
        try:
            view = client.call(f"{wizard}.execute", session, {}, "start", context)["view"]
            start = {k: v for k, v in view["defaults"].items() if not k.endswith(".")}
            start.update(payment_method=self.meta["payment_method"], date=date or dt.date.today())
            if amount is not None:
                start["amount"] = Decimal(str(amount))
            result = client.call(f"{wizard}.execute", session, {"start": start}, "choice", context)
            if "view" in result:  # the amount leaves a remainder: keep it open (partial payment)
                ask = {k: v for k, v in result["view"]["defaults"].items() if not k.endswith(".")}
                ask["type"] = "partial"
                client.call(f"{wizard}.execute", session, {"start": start, "ask": ask}, "pay", context)
        finally:
            client.call(f"{wizard}.delete", session, context)


class TrytonServers:
    """Two TrytonServers taking turns: `fresh()` hands out the one prepared in the background (a new copy of
    the template, started and answering) and starts preparing the other one, so a test rarely waits for a
    restart. Attribute access falls through to the server handed out last (`active`)."""

    def __init__(self, template_dir: Path, root: Path, size: int = 2):
        self.servers = [TrytonServer(template_dir, root / f"server{i}", prefix=f"s{i}db") for i in range(size)]
        self.active: TrytonServer | None = None
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="trytond-start")
        self._pending: dict[int, Future] = {}
        self._lock = threading.Lock()
        for index, server in enumerate(self.servers):
            self._pending[index] = self._executor.submit(server.new_database)

    def fresh(self) -> TrytonServer:
        """A running server on a database nobody used yet."""
        with self._lock:
            index = next(i for i, s in enumerate(self.servers) if s is not self.active)
            pending = self._pending.pop(index, None)
            server = self.servers[index]
            if pending is not None:
                pending.result()  # a failed start raises here
            else:
                server.new_database()
            if not server.running:
                server.new_database()
            previous, self.active = self.active, server
            if previous is not None:
                self._pending[self.servers.index(previous)] = self._executor.submit(previous.new_database)
            return server

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        for server in self.servers:
            server.stop()

    def __getattr__(self, name: str):
        if name.startswith("_") or name in {"servers", "active"}:
            raise AttributeError(name)
        if self.active is None:
            self.fresh()
        return getattr(self.active, name)
