"""The company's contact persons as the portal shows them: every member reads the list, org admins add and
change people. Every query goes through the acting member's company; the ERP learns changes through the port
(partner_area/platform/ports/erp.py), in the same transaction."""

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from partner_area.platform.audit.services import audit_record
from partner_area.platform.ports.erp import company_reaches_erp, erp_contact_send_later

from .models import Company, CompanyContact, Membership

CONTACT_FIELDS = ("name", "email", "phone")

# Selectors


def contact_list(*, membership: Membership) -> QuerySet[CompanyContact]:
    """The company's contact persons, by name."""
    return CompanyContact.objects.for_company(membership.company).order_by("name", "pk")


def contact_get(*, membership: Membership, contact_id: int) -> CompanyContact:
    """One contact person of the member's company; 404 for missing and foreign ids alike."""
    contact = CompanyContact.objects.for_company(membership.company).filter(pk=contact_id).first()
    if contact is None:
        raise Http404("No such contact")
    return contact


# Services


@transaction.atomic
def company_contact_save(*, company: Company, contact: CompanyContact | None = None, **fields) -> CompanyContact:
    """Create or change a person of a company in the portal; the ERP learns it through the outbox."""
    contact = contact or CompanyContact(company=company)
    if contact.company_id != company.pk:
        raise ValueError("The contact belongs to another company.")
    for field, value in fields.items():
        setattr(contact, field, value)
    contact.full_clean()
    contact.save()
    if company_reaches_erp(company):
        erp_contact_send_later(contact=contact)
    return contact


@transaction.atomic
def contact_save(
    *, membership: Membership, name: str, email: str, phone: str, contact: CompanyContact | None = None, request=None
) -> tuple[CompanyContact, bool]:
    """An org admin adds or changes a contact person; the change is logged and queued for the ERP. Returns the
    contact and whether a change was queued for the ERP (not when nothing changed or there is no ERP)."""
    before = {field: getattr(contact, field) for field in CONTACT_FIELDS} if contact else {}
    after = {"name": name.strip(), "email": email.strip().lower(), "phone": phone.strip()}
    if contact is not None and before == after:
        return contact, False  # nothing changed: nothing to log or send
    queued = company_reaches_erp(membership.company)
    contact = company_contact_save(company=membership.company, contact=contact, **after)
    audit_record(
        request=request,
        actor=membership.user,
        action="company.contact_changed" if before else "company.contact_added",
        company=membership.company,
        target=contact,
        details={"before": before, "after": after} if before else {"after": after},
    )
    return contact, queued
