import pytest
from django.core.management import CommandError, call_command

from partner_area.companies.models import Company, CompanyStatus, Membership

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_three_level_partner_tree_and_prints_logins(capsys):
    call_command("seed_demo", "--force")
    call_command("seed_demo", "--force")  # idempotent
    out = capsys.readouterr().out
    ambertech = Company.objects.get(legal_name="AmberTech SIA")
    assert ambertech.parent.legal_name == "BalticSoft SIA"
    assert ambertech.parent.parent.legal_name == "Nordlink Distribution SIA"
    statuses = set(Company.objects.values_list("status", flat=True))
    assert {
        CompanyStatus.ACTIVE,
        CompanyStatus.PENDING_REVIEW,
        CompanyStatus.REJECTED,
        CompanyStatus.BLOCKED,
    } <= statuses
    assert Company.objects.filter(legal_name="Nordlink Distribution SIA").count() == 1
    for company in Company.objects.filter(status=CompanyStatus.ACTIVE):
        roles = sorted(Membership.objects.for_company(company).values_list("role", flat=True))
        assert roles == ["admin", "user"]
    assert "admin@nordlink.example.lv" in out and "Brello-demo-2026" in out


def test_seed_demo_refuses_to_run_in_production_mode(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
