from django.utils import timezone

from partner_area.companies.models import Company, CompanyStatus, Membership, Role
from tests.factories import UserFactory

_counter = iter(range(10_000_000))


def make_company(*, status=CompanyStatus.ACTIVE, **fields) -> Company:
    n = next(_counter)
    defaults = {
        "legal_name": f"Partner {n} SIA",
        "registration_number": f"4000{n:07d}",
        "country": "LV",
        "address": "Brīvības iela 1",
        "city": "Rīga",
        "postal_code": "LV-1010",
        "phone": "+371 20000000",
        "email": f"office{n}@partner{n}.lv",
        "status": status,
    }
    return Company.objects.create(**{**defaults, **fields})


def make_member(company: Company, *, role=Role.USER, sections=(), confirmed=True, **user_fields) -> Membership:
    user = UserFactory(email_confirmed_at=timezone.now() if confirmed else None, **user_fields)
    membership = Membership(user=user, company=company, role=role)
    membership.set_sections(sections)
    membership.save()
    return membership
