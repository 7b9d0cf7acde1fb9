from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from cms_pages.seed import public_site_seed
from partner_area.billing.services import payment_notice_report
from partner_area.companies.models import CompanyContact, Role
from partner_area.support.models import SupportAttachment
from partner_area.support.services import support_request_create
from tests.factories import CompanyFactory, InvoiceFactory, MembershipFactory, StaffFactory
from tests.materials.helpers import pdf_bytes, png_bytes
from tests.xdist_groups import pytest_collection_modifyitems  # noqa: F401 - a hook, registered by its name

FAKE_ERP = "tests.erp_engine.fake.FakeErpGateway"


@pytest.fixture(autouse=True)
def _english_by_default():
    """Every test starts in English, whatever language an earlier test in the same worker left active."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty cache (one Redis database per xdist worker)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public_site(db):
    """The demo public site in English and Latvian, as `make run` builds it (seeded once per run, see
    `django_db_setup` below). Returns the English home."""
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True).root_page.specific


# --- The database every test starts from ----------------------------------------------------------------------------
# Migrations, then the bilingual demo site, built once per test run (per xdist worker) and kept as a snapshot.
# An ordinary test runs in a transaction rolled back at its end. A transactional test (browser, Celery worker,
# gunicorn, migrations) ends by putting the snapshot back (truncate, COPY, sequences moved on) instead of Django's
# flush, which would empty every table and re-emit post_migrate (content types and permissions recreated) only for
# the next test to restore anyway; so every test, transactional or not, starts from the seeded snapshot.
_snapshot: dict[str, tuple[str, bytes]] = {}  # table -> its column list, its rows
_flushed = {"since_snapshot": False}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection
    from django.test import TransactionTestCase

    with django_db_blocker.unblock():
        public_site_seed()
        # PostgreSQL's own COPY, table by table: no model code, no signals, a second or so to put back.
        with connection.cursor() as cursor:
            # The tables a transactional test's flush truncates.
            for table in sorted(connection.introspection.django_table_names(only_existing=True, include_views=False)):
                # Named columns: a migration test may rebuild a table with its columns in another order.
                names = [column.name for column in connection.introspection.get_table_description(cursor, table)]
                columns = ", ".join(f'"{name}"' for name in names)
                with cursor.copy(f'COPY "{table}" ({columns}) TO STDOUT') as copy:
                    _snapshot[table] = (columns, b"".join(bytes(chunk) for chunk in copy))

    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        """The end of a transactional test: the snapshot back, or (other databases, available apps, serialized
        rollback: none in this suite) Django's flush, after which the next test restores the snapshot first."""
        only_default = self._databases_names(include_mirrors=False) == ["default"]
        if not only_default or self.available_apps is not None or self.serialized_rollback:
            _flushed["since_snapshot"] = True
            return flush(self)
        _restore_snapshot()
        return None

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = flush


def _restore_snapshot() -> None:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        # Whatever the test left (content types and permissions under new ids included): start empty. DELETE, not
        # TRUNCATE: for a few small tables it is a round trip, where TRUNCATE makes new files for every table
        # (≈ 1.5 s under load); Django's foreign keys are deferred to the commit, so the order does not matter.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(";\n".join(f'DELETE FROM "{table}"' for table in _snapshot))
        for table, (columns, rows) in _snapshot.items():
            with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                copy.write(rows)
        # Foreign keys are deferred to the commit; the sequences move past the restored rows.
        # One round trip for the few hundred setval() statements.
        cursor.execute(
            ";\n".join(connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)))
        )
    ContentType.objects.clear_cache()
    _flushed["since_snapshot"] = False


def _uses_db(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(fixtures)
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """After a flush (see `_fixture_teardown`), the next test that uses the database gets the snapshot back."""
    if not (_flushed["since_snapshot"] and _uses_db(item)):
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        _restore_snapshot()


@pytest.fixture
def private_media(settings, tmp_path):
    """The test's uploads (private files and media) in a folder of its own, on local storage. Folders whose tests
    upload use it for every test (their conftest.py); not here for all, since a settings override makes
    `settings.SETTINGS_MODULE` None for the test, which tests starting a Django subprocess read."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def company(db):
    """An active partner company (CompanyFactory's defaults)."""
    return CompanyFactory()


@pytest.fixture
def erp(settings):
    """The in-memory ERP (tests/erp_engine/fake.py) behind the ERP port; returned for scripting and inspection."""
    from tests.erp_engine.fake import STATE, FakeErp

    settings.ERP_BACKEND = FAKE_ERP
    STATE["erp"] = FakeErp()
    return STATE["erp"]


@pytest.fixture
def two_partners(db, private_media):
    """Two companies, "mine" (Mine SIA) and "theirs" (Theirs SIA), each with an admin, a `user` and a colleague
    (both with support and invoices), the colleague's support request with a screenshot, an invoice with a
    payment notice and its remittance (in the test's own upload folders), and a contact person; by key: company,
    admin, user, colleague, request, attachment, invoice, notice, contact."""
    mine, theirs = CompanyFactory(legal_name="Mine SIA"), CompanyFactory(legal_name="Theirs SIA")
    data = {}
    for key, company in (("mine", mine), ("theirs", theirs)):
        admin = MembershipFactory(company=company, role=Role.ADMIN)
        user = MembershipFactory(company=company, role=Role.USER, sections=["support", "invoices"])
        colleague = MembershipFactory(company=company, role=Role.USER, sections=["support", "invoices"])
        request = support_request_create(
            membership=colleague,
            subject=f"Help {key}",
            description="Please help.",
            attachments=[SimpleUploadedFile("shot.png", png_bytes(), content_type="image/png")],
        )
        invoice = InvoiceFactory(company=company, total=Decimal("100.00"), balance=Decimal("100.00"))
        notice = payment_notice_report(
            membership=admin,
            invoice=invoice,
            amount=Decimal("10.00"),
            paid_on=timezone.localdate(),
            reference=f"REF-{key}",
            remittance=SimpleUploadedFile("advice.pdf", pdf_bytes(), content_type="application/pdf"),
        )
        data[key] = {
            "company": company, "admin": admin, "user": user, "colleague": colleague, "request": request,
            "attachment": SupportAttachment.unscoped.get(support_request=request), "invoice": invoice,
            "notice": notice, "contact": CompanyContact.unscoped.create(company=company, name=f"Contact {key}"),
        }  # fmt: skip
    return data


@pytest.fixture
def staff_client(client, db):
    """The test client logged in as staff who may open the payment queue and the Zendesk sync page."""
    staff = StaffFactory()
    codenames = ["access_admin", "view_paymentnotice", "change_paymentnotice"]
    codenames += ["view_zendeskoutboxmessage", "change_zendeskoutboxmessage"]
    staff.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(staff)
    return client
