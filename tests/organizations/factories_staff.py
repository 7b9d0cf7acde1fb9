"""People and applications for the staff tools' tests."""

from django.contrib.auth.models import Group
from django.utils import timezone

from partner_area.companies.models import Company, CompanyStatus, CompanyStatusChange
from tests.factories import CompanyFactory, MembershipFactory, UserFactory


def partner_manager(**fields):
    """A Brello staff member in the "Partner managers" group (not a superuser)."""
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name="Partner managers"))
    return user


def editor(**fields):
    """A content editor in Wagtail's "Editors" group."""
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def application(*, confirmed: bool = True, status=CompanyStatus.PENDING_REVIEW, admin_email=None, **fields) -> Company:
    """A registered company with its first admin, as registration leaves it."""
    company = CompanyFactory(status=status, approved_at=None, **fields)
    user_fields = {"user__email_confirmed_at": timezone.now() if confirmed else None}
    if admin_email:
        user_fields["user__email"] = admin_email
    MembershipFactory(company=company, admin=True, **user_fields)
    CompanyStatusChange.objects.create(company=company, to_status=status)
    return company
