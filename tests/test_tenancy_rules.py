"""The tenancy rules that are about the source, not about one request (partner_area/platform/tenancy.py):

- every use of a tenant model's `unscoped` manager states its reason in a `# unscoped: <reason>` comment, on the
  same line or in the comment lines just above the statement;
- every model with a fail-closed `objects` keeps `unscoped` as its default manager, and its tenant path ends at
  the Company (the system check tenancy.E001/E002, run here so a broken model fails the suite by name).

Walked: partner_area/, cms_pages/ and portal/. Not walked: integrations/ (ERP and Zendesk sync code works on every
company by design) and tests/. Exempt inside the walked packages (EXEMPT below): migrations, staff admin views
(admin_views.py) and staff admin registrations (wagtail_hooks.py); staff see every company, so their `unscoped`
needs no reason. Everything else, partner-facing or not (services the sync calls, Celery tasks, demo seed data),
says why; an exemption that no longer covers any `unscoped` use fails the suite, so the list stays true.
"""

import ast
import fnmatch
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

from partner_area.platform.tenancy import TenantManager, tenant_manager_errors

ROOTS = ("partner_area", "cms_pages", "portal")
EXEMPT = {
    "*/migrations/*": "migrations replay history for every company",
    "*/admin_views.py": "staff admin views: staff work on every company",
    "*/wagtail_hooks.py": "staff admin registrations and menu badges",
}
REASON = re.compile(r"#\s*unscoped:\s*\S.{8,}")


def unexplained_unscoped_uses(source: str) -> list[int]:
    """Line numbers of `<Model>.unscoped` uses with no `# unscoped: <reason>` comment."""
    lines = source.splitlines()
    missing = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Attribute) and node.attr == "unscoped"):
            continue
        # The reason may sit at the end of any line of the expression, or in the comment block just above it.
        explained = any(REASON.search(lines[number - 1]) for number in range(node.lineno, node.end_lineno + 1))
        above = node.lineno - 2
        while not explained and above >= 0 and lines[above].lstrip().startswith("#"):
            explained = bool(REASON.search(lines[above]))
            above -= 1
        if not explained:
            missing.append(node.lineno)
    return missing


def _exemption(relative: str) -> str | None:
    return next((pattern for pattern in EXEMPT if fnmatch.fnmatch(relative, pattern)), None)


def _walked_files():
    base = Path(settings.BASE_DIR)
    for root in ROOTS:
        for path in sorted((base / root).rglob("*.py")):
            yield path.relative_to(base).as_posix(), path


def test_every_unscoped_use_outside_staff_sync_and_migrations_states_its_reason():
    missing = []
    for relative, path in _walked_files():
        if _exemption(relative) is None:
            missing += [f"{relative}:{line}" for line in unexplained_unscoped_uses(path.read_text())]
    assert not missing, "say why with a `# unscoped: <reason>` comment (or scope with for_company):\n" + "\n".join(
        missing
    )


def test_each_exemption_still_covers_an_unscoped_use():
    """An exemption that matches nothing any more is dropped, so the list says where unscoped really lives."""
    used = {
        _exemption(relative)
        for relative, path in _walked_files()
        if _exemption(relative) and "unscoped" in path.read_text()
    }
    assert used == set(EXEMPT)


def test_the_rule_catches_a_bare_use_and_accepts_a_stated_reason():
    bare = "rows = Invoice.unscoped.filter(pk=1)\n"
    assert unexplained_unscoped_uses(bare) == [1]
    assert unexplained_unscoped_uses("rows = Invoice.unscoped.all()  # unscoped: the ERP check reads all\n") == []
    above = "# unscoped: not a member yet, looked up by the invitation token\nrow = Invitation.unscoped.get(pk=1)\n"
    assert unexplained_unscoped_uses(above) == []
    long_reason = "# unscoped: staff send it to every company in its audience;\n# the filter below narrows it\n"
    statement = "members = Membership.unscoped.filter(\n    is_active=True,\n)\n"
    assert unexplained_unscoped_uses(long_reason + statement) == []
    # A reason with no words, a comment two statements up, or the word only inside a string do not count.
    assert unexplained_unscoped_uses("rows = Invoice.unscoped.all()  # unscoped:\n") == [1]
    assert unexplained_unscoped_uses("# unscoped: staff only, every company\nx = 1\n" + bare) == [3]
    assert unexplained_unscoped_uses('message = "use Invoice.unscoped in staff code"\n') == []


def test_every_tenant_model_keeps_unscoped_as_default_manager_and_a_path_to_the_company():
    tenant_models = [
        model
        for model in apps.get_models()
        if any(isinstance(manager, TenantManager) for manager in model._meta.managers)
    ]
    assert len(tenant_models) >= 15
    assert [error.msg for model in tenant_models for error in tenant_manager_errors(model)] == []
