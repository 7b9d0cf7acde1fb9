"""Companies and contacts between the portal and the ERP: outbound handlers and inbound apply."""

import dataclasses
import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from partner_area.companies.models import Company, CompanyContact
from partner_area.companies.selectors import companies_by_erp_id
from partner_area.performance.services import partners_renamed
from partner_area.platform.identifiers import normalise_registration_number
from partner_area.platform.outbox import handler
from partner_area.platform.ports.erp import ErpCompany, ErpCompanyData, ErpContact, ErpGateway, erp_company_send_later

from . import ownership
from .bulk import rows_update, rows_upsert
from .clients import clients_apply_page
from .invoices import invoices_apply_page
from .models import OutboxMessage, SyncConflict, SyncedValues, SyncEntity
from .outbox import KEY
from .rejects import record_rejected

logger = logging.getLogger(__name__)


def _base(entity: str, object_id) -> SyncedValues:
    return SyncedValues.objects.get_or_create(entity=entity, object_id=str(object_id))[0]


def _company_values(company: Company) -> dict:
    return {field: getattr(company, field) or "" for field in ownership.COMPANY_FIELDS}


def company_erp_data(company: Company) -> ErpCompanyData:
    return ErpCompanyData(registration_number=company.registration_number, **_company_values(company))


# Outbound ---------------------------------------------------------------------------------------------
#
# A change goes to the ERP as a diff: only the fields the portal owns (ownership.py) whose value differs from what
# both sides last agreed on (SyncedValues). Whatever the ERP changed since the last pull is never written back with
# a stale value, and the ERP's own fields are never written by the portal at all. Messages about a company and its
# contact persons share the company's ordering key, so a contact waits for its company's creation.


def _portal_changes(obj, fields: dict[str, str], known: dict) -> dict[str, str]:
    """The portal-owned fields whose value differs from the last synced one: what a push carries."""
    return {
        name: value
        for name, owner in fields.items()
        if owner == "portal" and (value := getattr(obj, name) or "") != known.get(name)
    }


def _company_link(company: Company, record: ErpCompany, gateway: ErpGateway) -> None:
    """Link a verified company to its ERP record: the ERP's values of the fields it owns replace the portal's,
    the portal keeps its own (and sends those that differ), and the ERP's contacts, invoices and clients of the
    company follow in a backfill."""
    before = {name: getattr(company, name) for name in ownership.COMPANY_FIELDS}
    for name, owner in ownership.COMPANY_FIELDS.items():
        erp_value = getattr(record, name) or ""
        if owner == "erp" and not ownership.portal_keeps(company, name, erp_value):
            setattr(company, name, erp_value)
    try:
        company.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        # The ERP's value does not fit the portal (e.g. a longer postal code): that field keeps the portal's.
        bad = set(_validation_errors(error))
        for name in bad & set(before):
            setattr(company, name, before[name])
        logger.warning("ERP record %s of %s does not fit the portal: kept %s", record.erp_id, company.pk, bad)
    company.erp_id = record.erp_id
    company.vat_number = normalise_registration_number(company.vat_number)
    Company.objects.filter(pk=company.pk).update(
        erp_id=company.erp_id, updated_at=timezone.now(), **{name: getattr(company, name) for name in before}
    )
    base = _base(SyncEntity.COMPANIES, company.pk)
    base.values = {name: getattr(record, name) or "" for name in ownership.COMPANY_FIELDS}
    base.save()
    if _portal_changes(company, ownership.COMPANY_FIELDS, base.values):
        erp_company_send_later(company=company)
    _company_backfill(company, gateway)


def _company_backfill(company: Company, gateway: ErpGateway) -> None:
    """Bring in what the ERP already holds of a company just linked (its contact persons, invoices, and clients
    with their turnover), which no incremental pull would carry. Idempotent, as a pull is: a delivery that runs
    again after a failure applies the same records again."""
    for entity, records, apply_page in (
        (SyncEntity.CONTACTS, gateway.contacts_of(company.erp_id), contacts_apply_page),
        (SyncEntity.INVOICES, gateway.invoices_of(company.erp_id), invoices_apply_page),
        (SyncEntity.CLIENTS, gateway.clients_of(company.erp_id), clients_apply_page),
    ):
        _applied, rejected = apply_page(records)
        for record, errors in rejected:
            record_rejected(entity=entity, record=record, errors=errors)


def _company_ensure_linked(company: Company, gateway: ErpGateway) -> Company:
    """The company linked to the ERP: to the ERP's record of its registration number when there is one (staff
    approved it after comparing the two), else to a record created from the portal's data."""
    if company.erp_id:
        return company
    record = gateway.find_company(company.registration_number) or gateway.create_company(company_erp_data(company))
    _company_link(company, record, gateway)
    return company


@handler(outbox=KEY, operation="company.create")
def _deliver_company_create(message: OutboxMessage, gateway: ErpGateway) -> None:
    _company_ensure_linked(Company.objects.select_for_update().get(pk=message.entity_id), gateway)


@handler(outbox=KEY, operation="company.update")
def _deliver_company_update(message: OutboxMessage, gateway: ErpGateway) -> None:
    company = _company_ensure_linked(Company.objects.select_for_update().get(pk=message.entity_id), gateway)
    base = _base(SyncEntity.COMPANIES, company.pk)
    changes = _portal_changes(company, ownership.COMPANY_FIELDS, base.values)
    if not changes:
        return  # nothing the ERP does not already have: no write, so no change for the next pull either
    gateway.update_company(company.erp_id, changes)
    base.values = {**base.values, **changes}
    base.save()


@handler(outbox=KEY, operation="contact.upsert")
def _deliver_contact(message: OutboxMessage, gateway: ErpGateway) -> None:
    contact_id = message.payload.get("contact", message.entity_id)  # rows written before contacts were ordered
    contact = CompanyContact.unscoped.select_related("company").filter(pk=contact_id).first()
    if contact is None:
        return  # deleted in the portal since: nothing to send
    company = _company_ensure_linked(contact.company, gateway)
    base = _base(SyncEntity.CONTACTS, contact.pk)
    if not contact.erp_id:
        result = gateway.upsert_contact(
            ErpContact(company_erp_id=company.erp_id, name=contact.name, email=contact.email, phone=contact.phone)
        )
        CompanyContact.unscoped.filter(pk=contact.pk).update(erp_id=result.erp_id)
        base.values = {name: getattr(contact, name) or "" for name in ownership.CONTACT_FIELDS}
        base.save()
        return
    changes = _portal_changes(contact, ownership.CONTACT_FIELDS, base.values)
    if changes:
        gateway.update_contact(contact.erp_id, changes)
        base.values = {**base.values, **changes}
        base.save()


# Inbound ----------------------------------------------------------------------------------------------
#
# A page of ERP records is merged in a constant number of queries: the page's companies (or contacts) and
# their synced values are loaded at once, each record is merged and validated in Python, and the changes are
# written with bulk statements. A record that fails validation is rejected and the rest still apply. Should a
# bulk write fail (e.g. a contact another pull inserted meanwhile), the page is applied again one record at a
# time, each in its own savepoint. Applying an inbound change never queues anything for the ERP (no echoes).


def _validation_errors(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


def _clean_changed(obj, changed: list[str]) -> None:
    """Validate the fields a merge changed (the others hold values the portal validated when it stored them): the
    same answer as validating every field, at a fraction of the cost on a page of hundreds."""
    unchanged = [field.name for field in obj._meta.concrete_fields if field.name not in changed]
    obj.full_clean(exclude=unchanged, validate_unique=False, validate_constraints=False)


def _merge(*, entity: str, obj, fields: dict, incoming: dict, known: dict) -> tuple[list[str], list[SyncConflict]]:
    """Three-way merge of one object's fields against the last synced values `known` (updated in place).
    Returns the changed fields and the conflicts to record."""
    label = str(obj)[:255]
    changed, conflicts = [], []
    for field, owner in fields.items():
        erp_value, portal_value = incoming.get(field, "") or "", getattr(obj, field) or ""
        if ownership.portal_keeps(obj, field, erp_value):
            continue
        base_value = known.get(field)
        if erp_value == portal_value:
            known[field] = erp_value
            continue
        erp_changed = base_value is None or erp_value != base_value
        portal_changed = base_value is not None and portal_value != base_value
        if erp_changed and portal_changed:
            conflicts.append(
                SyncConflict(
                    entity=entity,
                    object_id=str(obj.pk),
                    object_repr=label,
                    field=field,
                    portal_value=portal_value,
                    erp_value=erp_value,
                    applied=owner,
                )
            )
            if owner == "erp":
                setattr(obj, field, erp_value)
                changed.append(field)
            known[field] = erp_value
        elif erp_changed:
            setattr(obj, field, erp_value)
            changed.append(field)
            known[field] = erp_value
    return changed, conflicts


@dataclasses.dataclass
class _PageResult:
    """What merging a page produced; `objects` holds each record's portal object (or None), in order."""

    entity: str
    objects: list = dataclasses.field(default_factory=list)
    rejected: list = dataclasses.field(default_factory=list)  # [(record, errors)]
    conflicts: list[SyncConflict] = dataclasses.field(default_factory=list)
    synced: dict = dataclasses.field(default_factory=dict)  # object_id -> SyncedValues, loaded or new
    synced_changed: set = dataclasses.field(default_factory=set)

    def known(self, object_id) -> dict:
        """A copy of the values last synced for an object (empty when never synced)."""
        return dict(self.synced[str(object_id)].values) if str(object_id) in self.synced else {}

    def remember(self, object_id, values: dict) -> None:
        row = self.synced.setdefault(str(object_id), SyncedValues(entity=self.entity, object_id=str(object_id)))
        if row.values != values:
            row.values = values
            self.synced_changed.add(str(object_id))

    def write_bookkeeping(self) -> None:
        rows = [self.synced[object_id] for object_id in sorted(self.synced_changed)]
        if rows:
            rows_upsert(SyncedValues, rows, unique_fields=["entity", "object_id"], update_fields=["values"])
        if self.conflicts:
            SyncConflict.objects.bulk_create(self.conflicts)


def _load_synced(result: _PageResult, object_ids) -> None:
    object_ids = [str(object_id) for object_id in object_ids]
    if object_ids:
        rows = SyncedValues.objects.filter(entity=result.entity, object_id__in=object_ids)
        result.synced.update({row.object_id: row for row in rows})


def _companies_merge(records: list[ErpCompany]) -> _PageResult:
    """Merge a page of ERP companies into the portal companies linked to them by ERP id and write the changes.
    A company is linked only once staff have verified it (approval); the ERP's other customers, and applications
    that merely share a number, are never touched."""
    result = _PageResult(entity=SyncEntity.COMPANIES)
    erp_ids = {record.erp_id for record in records if record.erp_id}
    by_erp_id = {
        company.erp_id: company
        for company in Company.objects.erp_linked().select_for_update().filter(erp_id__in=erp_ids)
    }
    _load_synced(result, {company.pk for company in by_erp_id.values()})
    changed_fields: dict[int, set[str]] = {}
    for record in records:
        company = by_erp_id.get(record.erp_id)
        if company is None:
            result.objects.append(None)
            continue
        before = {name: getattr(company, name) for name in ownership.COMPANY_FIELDS}
        known = result.known(company.pk)
        incoming = {name: getattr(record, name) for name in ownership.COMPANY_FIELDS}
        changed, conflicts = _merge(
            entity=SyncEntity.COMPANIES, obj=company, fields=ownership.COMPANY_FIELDS, incoming=incoming, known=known
        )
        if changed:
            try:
                _clean_changed(company, changed)
            except ValidationError as error:
                for name, value in before.items():
                    setattr(company, name, value)
                result.rejected.append((record, _validation_errors(error)))
                result.objects.append(None)
                continue
            changed_fields.setdefault(company.pk, set()).update(changed)
        result.conflicts += conflicts
        result.remember(company.pk, known)
        result.objects.append(company)
    if changed_fields:
        now = timezone.now()
        companies = [company for company in by_erp_id.values() if company.pk in changed_fields]
        for company in companies:
            company.vat_number = normalise_registration_number(company.vat_number)  # as Company.save() does
            company.updated_at = now
        fields = sorted(set().union(*changed_fields.values()) | {"updated_at"})
        rows_update(Company, companies, fields)
        # A bulk update sends no post_save: the partners' names stored in their uplines' ranked tables follow here.
        partners_renamed(company_ids=[pk for pk, names in changed_fields.items() if "legal_name" in names])
    result.write_bookkeeping()
    return result


def _contacts_merge(records: list[ErpContact]) -> _PageResult:
    """Merge a page of ERP contacts into the portal's contacts (matched by ERP id; new ones are created) and
    write the changes. Contacts of companies the portal does not know are skipped."""
    result = _PageResult(entity=SyncEntity.CONTACTS)
    company_ids = companies_by_erp_id(record.company_erp_id for record in records)
    contacts = {
        contact.erp_id: contact
        for contact in CompanyContact.unscoped.select_for_update().filter(
            erp_id__in={record.erp_id for record in records if record.erp_id}
        )
    }
    _load_synced(result, [contact.pk for contact in contacts.values()])
    known_by_erp_id = {erp_id: result.known(contact.pk) for erp_id, contact in contacts.items()}
    new_contacts: dict[str, CompanyContact] = {}
    changed_fields: dict[str, set[str]] = {}
    for record in records:
        company_id = company_ids.get(record.company_erp_id)
        if company_id is None:
            result.objects.append(None)
            continue
        if not record.erp_id:
            result.rejected.append((record, {"erp_id": ["missing"]}))
            result.objects.append(None)
            continue
        incoming = {"name": record.name, "email": record.email, "phone": record.phone}
        contact = contacts.get(record.erp_id)
        if contact is None:
            contact = CompanyContact(company_id=company_id, erp_id=record.erp_id, **incoming)
            try:
                contact.full_clean(exclude=["company"], validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                result.rejected.append((record, _validation_errors(error)))
                result.objects.append(None)
                continue
            contacts[record.erp_id] = new_contacts[record.erp_id] = contact
            known_by_erp_id[record.erp_id] = incoming
            result.objects.append(contact)
            continue
        before = {name: getattr(contact, name) for name in ownership.CONTACT_FIELDS}
        known = dict(known_by_erp_id[record.erp_id])
        changed, conflicts = _merge(
            entity=SyncEntity.CONTACTS, obj=contact, fields=ownership.CONTACT_FIELDS, incoming=incoming, known=known
        )
        if changed:
            try:
                _clean_changed(contact, changed)
            except ValidationError as error:
                for name, value in before.items():
                    setattr(contact, name, value)
                result.rejected.append((record, _validation_errors(error)))
                result.objects.append(None)
                continue
            if record.erp_id not in new_contacts:
                changed_fields.setdefault(record.erp_id, set()).update(changed)
        known_by_erp_id[record.erp_id] = known
        result.conflicts += conflicts
        result.objects.append(contact)
    if changed_fields:
        now = timezone.now()
        changed_contacts = [contacts[erp_id] for erp_id in changed_fields]
        for contact in changed_contacts:
            contact.updated_at = now
        fields = sorted(set().union(*changed_fields.values()) | {"updated_at"})
        rows_update(CompanyContact, changed_contacts, fields)
    if new_contacts:
        CompanyContact.unscoped.bulk_create(new_contacts.values())  # sets their ids (PostgreSQL)
    for erp_id in {record.erp_id for record, contact in zip(records, result.objects, strict=True) if contact}:
        result.remember(contacts[erp_id].pk, known_by_erp_id[erp_id])
    result.write_bookkeeping()
    return result


def _apply_page(merge, records: list) -> tuple[int, list]:
    """Apply a page in bulk; if a bulk write fails, apply it again one record at a time, each in its own
    savepoint, so only the records that cannot be written are rejected. Returns (applied, [(record, errors)])."""
    try:
        with transaction.atomic():
            result = merge(records)
        return len(records) - len(result.rejected), result.rejected
    except DatabaseError:
        logger.warning("A bulk write of %d ERP records failed; applying them one by one.", len(records), exc_info=True)
    applied, rejected = 0, []
    for record in records:
        try:
            with transaction.atomic():
                result = merge([record])
        except DatabaseError as error:
            rejected.append((record, {"": [str(error)[:500]]}))
            continue
        applied += 1 - len(result.rejected)
        rejected += result.rejected
    return applied, rejected


def companies_apply_page(records: list[ErpCompany]) -> tuple[int, list[tuple[ErpCompany, dict]]]:
    """Apply a page of ERP companies; returns (applied count, [(record, errors)] for the rejected ones)."""
    return _apply_page(_companies_merge, records)


def contacts_apply_page(records: list[ErpContact]) -> tuple[int, list[tuple[ErpContact, dict]]]:
    """Apply a page of ERP contacts; returns (applied count, [(record, errors)] for the rejected ones)."""
    return _apply_page(_contacts_merge, records)
