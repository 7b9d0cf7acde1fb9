"""Demo partner companies: a three-level partner tree (distributor → resellers → sub-reseller), each with
an org admin and a user, plus pending, rejected and blocked applications. Idempotent."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from partner_area.platform.ports.erp import erp_company_send_later, erp_is_configured

from .models import Company, CompanyStatus, CompanyStatusChange, Membership, Role, Tier

User = get_user_model()

# (key, legal name, registration number, city, status, tier, upline key, reason)
COMPANIES = [
    ("nordlink", "Nordlink Distribution SIA", "40003000001", "Rīga", CompanyStatus.ACTIVE, Tier.PLATINUM, None, ""),
    ("balticsoft", "BalticSoft SIA", "40003000002", "Jelgava", CompanyStatus.ACTIVE, Tier.GOLD, "nordlink", ""),
    ("rigadata", "Riga Data SIA", "40003000003", "Rīga", CompanyStatus.ACTIVE, Tier.SILVER, "nordlink", ""),
    ("ambertech", "AmberTech SIA", "40003000004", "Liepāja", CompanyStatus.ACTIVE, Tier.STANDARD, "balticsoft", ""),
    ("newcomer", "Newcomer IT SIA", "40003000005", "Valmiera", CompanyStatus.PENDING_REVIEW, Tier.STANDARD, None, ""),
    ("known", "Known Client SIA", "40003000006", "Ogre", CompanyStatus.PENDING_VERIFICATION, Tier.STANDARD, None, ""),
    ("rejected", "Shady Deals SIA", "40003000007", "Rīga", CompanyStatus.REJECTED, Tier.STANDARD, None,
     "We could not confirm that the company sells business software."),
    ("blocked", "Blocked Reseller SIA", "40003000008", "Daugavpils", CompanyStatus.BLOCKED, Tier.STANDARD, None,
     "Access paused while overdue invoices are settled."),
]  # fmt: skip

ACTIVE_USER_SECTIONS = ["dashboard", "materials"]


def _person(email: str, first_name: str, last_name: str, password: str) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first_name, "last_name": last_name, "email_confirmed_at": timezone.now()},
    )
    if created:
        user.set_password(password)
        user.save()
    return user


def partners_seed(*, password: str) -> list[tuple[str, str, str]]:
    """Create the demo companies and people, all with this password; return (role, e-mail, password) rows for the
    printout."""
    companies: dict[str, Company] = {}
    logins = []
    for key, name, number, city, status, tier, upline, reason in COMPANIES:
        company, created = Company.objects.get_or_create(
            registration_number=number,
            defaults={
                "legal_name": name, "country": "LV", "vat_number": f"LV{number}", "address": "Brīvības iela 10",
                "city": city, "postal_code": "LV-1001", "phone": "+371 67000000", "email": f"office@{key}.example.lv",
                "status": status, "status_reason": reason, "tier": tier,
                "parent": companies.get(upline), "terms_version": "2026-01", "terms_accepted_at": timezone.now(),
                "approved_at": timezone.now() if status in (CompanyStatus.ACTIVE, CompanyStatus.BLOCKED) else None,
            },
        )  # fmt: skip
        if created:
            CompanyStatusChange.objects.create(company=company, to_status=status, reason=reason)
        if company.approved_at and not company.erp_id and erp_is_configured():
            # Approved companies are linked to the ERP's party of their number as staff approval links them (the
            # pull only touches linked companies); `make erp` holds a party for each demo company.
            erp_company_send_later(company=company, create=True)
        companies[key] = company
        admin = _person(f"admin@{key}.example.lv", "Anna", name.split()[0], password)
        # unscoped: demo data: the seed sets up members of every demo company
        Membership.unscoped.get_or_create(user=admin, defaults={"company": company, "role": Role.ADMIN})
        label = "Org admin" if status == CompanyStatus.ACTIVE else f"Applicant ({status.label.lower()})"
        logins.append((f"{label}, {name}", admin.email, password))
        if status == CompanyStatus.ACTIVE:
            user = _person(f"user@{key}.example.lv", "Jānis", name.split()[0], password)
            # unscoped: demo data: the seed sets up members of every demo company
            membership, created = Membership.unscoped.get_or_create(
                user=user, defaults={"company": company, "role": Role.USER}
            )
            if created:
                membership.set_sections(ACTIVE_USER_SECTIONS)
                membership.save()
            logins.append((f"User (dashboard, materials), {name}", user.email, password))
    return logins
