import pytest

from partner_area.companies.models import Invitation, Membership
from partner_area.platform.audit.models import AppendOnlyError, AuditLogEntry
from partner_area.platform.audit.services import audit_record
from partner_area.platform.tenancy import UnscopedQueryError
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Membership, Invitation])
def test_tenant_data_cannot_be_queried_without_a_company(model):
    with pytest.raises(UnscopedQueryError):
        model.objects.all()
    with pytest.raises(UnscopedQueryError):
        model.objects.filter(pk=1)
    with pytest.raises(UnscopedQueryError):
        model.objects.for_company(None)


def test_scoped_queries_return_only_that_companys_rows():
    mine, theirs = CompanyFactory(), CompanyFactory()
    me, _ = MembershipFactory(company=mine), MembershipFactory(company=theirs)
    assert list(Membership.objects.for_company(mine)) == [me]


def test_audit_log_is_append_only(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # the proxy appended the client's address; the first hop is spoofable
    request = rf.post("/", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7", HTTP_USER_AGENT="Firefox")
    member = MembershipFactory()
    request.user = member.user
    entry = audit_record(request=request, action="member.role_change", company=member.company, target=member)
    assert (entry.actor_email, entry.ip_address, entry.user_agent) == (member.user.email, "203.0.113.7", "Firefox")
    entry.action = "something.else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditLogEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditLogEntry.objects.all().delete()
    assert AuditLogEntry.objects.get(pk=entry.pk).action == "member.role_change"


def test_without_trusted_proxies_the_forwarded_header_is_ignored(rf, settings):
    from partner_area.platform.net import client_ip

    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.66", REMOTE_ADDR="192.0.2.1")) == "192.0.2.1"
