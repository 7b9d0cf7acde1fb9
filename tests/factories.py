"""The one way tests build data: factory_boy factories for people, companies, memberships, invitations and
invoices. A company is active and complete; a membership belongs to a confirmed person:

    MembershipFactory(company=company, role=Role.ADMIN)
    MembershipFactory(sections=["support"], user__first_name="Ilze", confirmed=False)
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from partner_area.accounts.models import User
from partner_area.billing.models import ErpInvoiceState, Invoice, InvoiceLine
from partner_area.companies.models import Company, CompanyStatus, Invitation, Membership, Role

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class TenantModelFactory(factory.django.DjangoModelFactory):
    """Tenant models refuse unscoped `objects` queries; factories create through the explicit `unscoped` manager."""

    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return model_class.unscoped


class CompanyFactory(factory.django.DjangoModelFactory):
    """An active partner company with complete details; approved when active or blocked, as staff leave it."""

    class Meta:
        model = Company

    legal_name = factory.Sequence(lambda n: f"Partner {n} SIA")
    registration_number = factory.Sequence(lambda n: f"4000{n:07d}")
    country = "LV"
    address = "Brīvības iela 1"
    city = "Rīga"
    postal_code = "LV-1010"
    phone = "+371 20000000"
    email = factory.Sequence(lambda n: f"office{n}@partner{n}.lv")
    status = CompanyStatus.ACTIVE
    approved_at = factory.LazyAttribute(
        lambda company: timezone.now() if company.status in (CompanyStatus.ACTIVE, CompanyStatus.BLOCKED) else None
    )


class SectionGrantsFactory(TenantModelFactory):
    """`sections=["invoices", "support"]` grants those sections and no other (`SectionGrants.set_sections`);
    single `can_<section>=True` arguments still win."""

    class Meta:
        abstract = True

    @classmethod
    def _granted(cls, model_class, args, kwargs):
        sections = kwargs.pop("sections", ())
        explicit = {name: kwargs.pop(name) for name in list(kwargs) if name.startswith("can_")}
        obj = model_class(*args, **kwargs)
        obj.set_sections(sections)
        for name, value in explicit.items():
            setattr(obj, name, value)
        return obj

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return cls._granted(model_class, args, kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = cls._granted(model_class, args, kwargs)
        obj.save()
        return obj


def _confirmed_now_or_none(user):
    return timezone.now() if user.factory_parent.confirmed else None


class MembershipFactory(SectionGrantsFactory):
    """A person with a confirmed e-mail in a company; user fields go as `user__<field>=`."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, email_confirmed_at=factory.LazyAttribute(_confirmed_now_or_none))
    company = factory.SubFactory(CompanyFactory)
    role = Role.USER
    is_active = True
    sections = ()

    class Params:
        admin = factory.Trait(role=Role.ADMIN)
        confirmed = True  # False: the person has not confirmed their e-mail address yet


class InvitationFactory(SectionGrantsFactory):
    """An invitation with a fresh token; the raw token is on `.token`, as the e-mail would carry it."""

    class Meta:
        model = Invitation

    company = factory.SubFactory(CompanyFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@partner-sia.lv")
    role = Role.USER
    sections = ()

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        invitation = cls._granted(model_class, args, kwargs)
        invitation.token = invitation.issue_token()
        invitation.save()
        return invitation


class InvoiceFactory(TenantModelFactory):
    """A posted, unpaid invoice issued today and due in 30 days."""

    class Meta:
        model = Invoice

    company = factory.SubFactory(CompanyFactory)
    erp_id = factory.Sequence(lambda n: f"inv-{n}")
    number = factory.Sequence(lambda n: f"INV-{n:05d}")
    invoice_date = factory.LazyFunction(timezone.localdate)
    due_date = factory.LazyAttribute(lambda invoice: invoice.invoice_date + timedelta(days=30))
    currency = "EUR"
    total = Decimal("100.00")
    balance = factory.LazyAttribute(lambda invoice: invoice.total)
    erp_state = ErpInvoiceState.POSTED


class InvoiceLineFactory(TenantModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    position = factory.Sequence(lambda n: n)
    description = factory.Sequence(lambda n: f"Brello 360 licence, seat {n}")
    quantity = Decimal("1")
    unit_price = Decimal("100.00")
    amount = Decimal("100.00")
