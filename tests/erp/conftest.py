"""Fixtures for the ERP tests: a real Tryton 8.2 server (see tryton_server.py).

- `tryton_server` (session): builds or reuses the template database and keeps two `trytond` processes per
  test process on free loopback ports, one serving the current test while the other one is prepared for the
  next (TrytonServers). Fails loudly when Tryton is not installed.
- `tryton` (function): a TrytonServer serving a fresh copy of the template, with the Django settings pointing
  ERP_BACKEND at the Tryton adapter; it has url, database, user, password, meta (ids of the bootstrap records)
  and helpers (create_parties, rename_party, set_contact_mechanism, create_invoice, post_invoice,
  pay_invoice, cancel_invoice, ...). `tryton.stop()` / `tryton.start()` take the server down and back.

Every test under tests/erp is marked `erp`, and each file's tests are kept on one xdist worker (`erp-<file>`): the
files spread over both workers, each worker keeping its own servers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from integrations.erp.tryton import adapter, client

from .tryton_server import TrytonNotInstalled, TrytonServers, build_template

HERE = Path(__file__).resolve().parent


def pytest_configure(config):
    config.addinivalue_line("markers", "erp: runs against a real Tryton server started by the tests")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.erp)
            if not item.get_closest_marker("xdist_group"):
                # One group per file, not one for the folder: the files spread over both xdist workers (each
                # with Tryton servers of its own; the template is built once, under a file lock).
                item.add_marker(pytest.mark.xdist_group(f"erp-{Path(str(item.fspath)).stem}"))


@pytest.fixture(scope="session")
def tryton_server(tmp_path_factory):
    try:
        template = build_template()
    except TrytonNotInstalled as exc:
        pytest.fail(str(exc), pytrace=False)
    servers = TrytonServers(template, tmp_path_factory.mktemp("tryton"))
    try:
        yield servers
    finally:
        servers.close()


@pytest.fixture
def tryton(tryton_server, settings):
    """A running Tryton with a fresh database; Django settings point the ERP port at it."""
    server = tryton_server.fresh()
    client.forget_sessions()
    adapter.forget_lookups()
    settings.ERP_BACKEND = "integrations.erp.tryton.adapter.TrytonGateway"
    settings.ERP_TRYTON_URL = server.url
    settings.ERP_TRYTON_DATABASE = server.database
    settings.ERP_TRYTON_USER = server.user
    settings.ERP_TRYTON_PASSWORD = server.password
    settings.ERP_TRYTON_TIMEOUT = 10
    return server


@pytest.fixture
def quick_retries(settings):
    """No backoff and no pull overlap: a test sweeps and pulls as often as it likes, without waiting."""
    settings.ERP_OUTBOX_BACKOFF_SECONDS = settings.ERP_OUTBOX_BACKOFF_CAP_SECONDS = 0
    settings.ERP_PULL_OVERLAP_SECONDS = 0
