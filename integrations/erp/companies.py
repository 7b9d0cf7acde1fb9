"""Companies and contacts between the portal and the ERP: outbound handlers and inbound apply."""

import logging

from django.db import transaction

from partner_area.organizations.models import Company

from . import ownership
from .gateway import ErpCompany, ErpCompanyData, ErpContact, ErpError, ErpGateway
from .models import CompanyContact, OutboxMessage, SyncConflict, SyncedValues, SyncEntity
from .outbox import handler, outbox_enqueue

logger = logging.getLogger(__name__)


def _base(entity: str, object_id) -> SyncedValues:
    return SyncedValues.objects.get_or_create(entity=entity, object_id=str(object_id))[0]


def _company_values(company: Company) -> dict:
    return {field: getattr(company, field) or "" for field in ownership.COMPANY_FIELDS}


def company_erp_data(company: Company) -> ErpCompanyData:
    return ErpCompanyData(registration_number=company.registration_number, **_company_values(company))


# Outbound ---------------------------------------------------------------------------------------------


def company_push_create(*, company: Company) -> None:
    """Queue the creation of an approved company in the ERP (call inside the approval's transaction)."""
    outbox_enqueue(operation="company.create", entity_type="company", entity_id=company.pk)


def company_push_update(*, company: Company) -> None:
    """Queue the portal-owned fields of a company for the ERP (call inside the change's transaction)."""
    outbox_enqueue(operation="company.update", entity_type="company", entity_id=company.pk)


def contact_push(*, contact: CompanyContact) -> None:
    outbox_enqueue(operation="contact.upsert", entity_type="contact", entity_id=contact.pk)


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
    contact_push(contact=contact)
    return contact


@handler("company.create")
def _deliver_company_create(message: OutboxMessage, gateway: ErpGateway) -> None:
    company = Company.objects.get(pk=message.entity_id)
    if company.erp_id:
        return  # already linked: a repeated delivery creates nothing
    erp_company = gateway.create_company(company_erp_data(company))  # finds an existing party first
    Company.objects.filter(pk=company.pk).update(erp_id=erp_company.erp_id)
    base = _base(SyncEntity.COMPANIES, company.pk)
    base.values = _company_values(company)
    base.save()


@handler("company.update")
def _deliver_company_update(message: OutboxMessage, gateway: ErpGateway) -> None:
    company = Company.objects.get(pk=message.entity_id)
    if not company.erp_id:
        _deliver_company_create(message, gateway)
        return
    base = _base(SyncEntity.COMPANIES, company.pk)
    # ERP-owned fields go out as the ERP last told us; only portal-owned fields carry the portal's values.
    values = {
        **_company_values(company),
        **{k: v for k, v in base.values.items() if ownership.COMPANY_FIELDS.get(k) == "erp"},
    }
    gateway.update_company(company.erp_id, ErpCompanyData(registration_number=company.registration_number, **values))
    base.values = {**base.values, **{field: values[field] for field in ownership.PORTAL_OWNED_COMPANY_FIELDS}}
    base.save()


@handler("contact.upsert")
def _deliver_contact(message: OutboxMessage, gateway: ErpGateway) -> None:
    contact = CompanyContact.unscoped.select_related("company").get(pk=message.entity_id)
    if not contact.company.erp_id:
        # Retried with backoff: the company's own creation is queued before any of its contacts.
        raise ErpError(f"{contact.company} is not in the ERP yet.")
    result = gateway.upsert_contact(
        ErpContact(
            company_erp_id=contact.company.erp_id,
            name=contact.name,
            email=contact.email,
            phone=contact.phone,
            erp_id=contact.erp_id,
        )
    )
    CompanyContact.unscoped.filter(pk=contact.pk).update(erp_id=result.erp_id)
    base = _base(SyncEntity.CONTACTS, contact.pk)
    base.values = {field: getattr(contact, field) for field in ownership.CONTACT_FIELDS}
    base.save()


# Inbound ----------------------------------------------------------------------------------------------


def _merge(*, entity: str, obj, fields: dict, incoming: dict, label: str) -> list[str]:
    """Three-way merge of one object's fields against the last synced values; returns changed fields.
    Never queues anything for the ERP: an inbound change is not echoed back."""
    base = _base(entity, obj.pk)
    known = dict(base.values)
    changed = []
    for field, owner in fields.items():
        erp_value, portal_value = incoming.get(field, "") or "", getattr(obj, field) or ""
        if not erp_value and not obj._meta.get_field(field).blank:
            continue  # the ERP has nothing for a field the portal requires: keep the portal's value
        base_value = known.get(field)
        if erp_value == portal_value:
            known[field] = erp_value
            continue
        erp_changed = base_value is None or erp_value != base_value
        portal_changed = base_value is not None and portal_value != base_value
        if erp_changed and portal_changed:
            SyncConflict.objects.create(
                entity=entity,
                object_id=str(obj.pk),
                object_repr=label[:255],
                field=field,
                portal_value=portal_value,
                erp_value=erp_value,
                applied=owner,
            )
            if owner == "erp":
                setattr(obj, field, erp_value)
                changed.append(field)
            known[field] = erp_value
        elif erp_changed:
            setattr(obj, field, erp_value)
            changed.append(field)
            known[field] = erp_value
    base.values = known
    base.save()
    return changed


@transaction.atomic
def company_apply(erp: ErpCompany) -> Company | None:
    """Apply an ERP company to the portal company linked to it (by ERP id, else registration number).
    Companies the portal does not know (the ERP's other customers) are ignored."""
    company = Company.objects.select_for_update().filter(erp_id=erp.erp_id).first()
    if company is None:
        company = Company.objects.select_for_update().filter(registration_number=erp.registration_number).first()
        if company is None or (company.erp_id and company.erp_id != erp.erp_id):
            return None
    incoming = {field: getattr(erp, field) for field in ownership.COMPANY_FIELDS}
    changed = _merge(
        entity=SyncEntity.COMPANIES, obj=company, fields=ownership.COMPANY_FIELDS, incoming=incoming, label=str(company)
    )
    if not company.erp_id:
        company.erp_id = erp.erp_id
        changed.append("erp_id")
    if changed:
        company.full_clean(validate_unique=False)
        company.save(update_fields=[*changed, "updated_at"])
    return company


@transaction.atomic
def contact_apply(erp: ErpContact) -> CompanyContact | None:
    company = Company.objects.filter(erp_id=erp.company_erp_id).first()
    if company is None:
        return None
    contact = CompanyContact.unscoped.select_for_update().filter(erp_id=erp.erp_id).first()
    if contact is None:
        contact = CompanyContact.unscoped.create(
            company=company, name=erp.name, email=erp.email, phone=erp.phone, erp_id=erp.erp_id
        )
        base = _base(SyncEntity.CONTACTS, contact.pk)
        base.values = {"name": erp.name, "email": erp.email, "phone": erp.phone}
        base.save()
        return contact
    incoming = {"name": erp.name, "email": erp.email, "phone": erp.phone}
    changed = _merge(
        entity=SyncEntity.CONTACTS, obj=contact, fields=ownership.CONTACT_FIELDS, incoming=incoming, label=str(contact)
    )
    if changed:
        contact.full_clean()
        contact.save(update_fields=[*changed, "updated_at"])
    return contact
