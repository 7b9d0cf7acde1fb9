import factory
from django.utils import timezone

from partner_area.companies.models import Company, CompanyStatus, Invitation, Membership, Role
from tests.factories import UserFactory


class TenantModelFactory(factory.django.DjangoModelFactory):
    """Tenant models refuse unscoped `objects` queries; factories create through the explicit `unscoped` manager."""

    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return model_class.unscoped


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    legal_name = factory.Sequence(lambda n: f"Partner {n} SIA")
    registration_number = factory.Sequence(lambda n: f"4{n:010d}")
    country = "LV"
    address = factory.Sequence(lambda n: f"Brīvības iela {n + 1}")
    city = "Rīga"
    postal_code = "LV-1010"
    phone = "+371 67 000 000"
    email = factory.Sequence(lambda n: f"office{n}@partner-sia.lv")
    status = CompanyStatus.ACTIVE
    approved_at = factory.LazyFunction(timezone.now)


class MembershipFactory(TenantModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, email_confirmed_at=factory.LazyFunction(timezone.now))
    company = factory.SubFactory(CompanyFactory)
    role = Role.USER
    is_active = True

    class Params:
        admin = factory.Trait(role=Role.ADMIN)


class InvitationFactory(TenantModelFactory):
    """An invitation with a fresh token; the raw token is on `.token`, as the e-mail would carry it."""

    class Meta:
        model = Invitation

    company = factory.SubFactory(CompanyFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@partner-sia.lv")
    role = Role.USER

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        invitation = model_class(*args, **kwargs)
        invitation.token = invitation.issue_token()
        invitation.save()
        return invitation
