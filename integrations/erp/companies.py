"""Companies and contacts between the portal and the ERP: outbound handlers and inbound apply."""

import dataclasses
import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from partner_area.organizations.models import Company, CompanyStatus, normalise_registration_number

from . import ownership
from .gateway import ErpCompany, ErpCompanyData, ErpContact, ErpError, ErpGateway, erp_is_configured
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


def company_reaches_erp(company: Company) -> bool:
    """Whether a portal change to the company (its contact details or contact persons) is queued for the ERP: the
    company is in an ERP, or an ERP is configured (without one there is nobody to deliver it to). Pages promise an
    update of Brello's records only then."""
    return bool(company.erp_id) or erp_is_configured()


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
#
# A page of ERP records is merged in a constant number of queries: the page's companies (or contacts) and
# their synced values are loaded at once, each record is merged and validated in Python, and the changes are
# written with bulk statements. A record that fails validation is rejected and the rest still apply. Should a
# bulk write fail (e.g. a contact another pull inserted meanwhile), the page is applied again one record at a
# time, each in its own savepoint. Applying an inbound change never queues anything for the ERP (no echoes).


def _validation_errors(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


def _merge(*, entity: str, obj, fields: dict, incoming: dict, known: dict) -> tuple[list[str], list[SyncConflict]]:
    """Three-way merge of one object's fields against the last synced values `known` (updated in place).
    Returns the changed fields and the conflicts to record."""
    label = str(obj)[:255]
    changed, conflicts = [], []
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
            SyncedValues.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["entity", "object_id"], update_fields=["values"]
            )
        if self.conflicts:
            SyncConflict.objects.bulk_create(self.conflicts)


def _update_rows(model, objs: list, fields: list[str]) -> None:
    """Write `fields` of already saved objects in one statement. On PostgreSQL an UPDATE … FROM UNNEST: Django's
    bulk_update builds a CASE WHEN per row and field, which costs milliseconds per row in Python."""
    if connection.vendor != "postgresql":
        model._base_manager.bulk_update(objs, fields)
        return
    columns = [model._meta.pk, *(model._meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    names = ", ".join(quote(column.column) for column in columns)
    arrays = ", ".join(f"%s::{column.db_type(connection)}[]" for column in columns)
    assignments = ", ".join(f"{quote(column.column)} = v.{quote(column.column)}" for column in columns[1:])
    table, pk = quote(model._meta.db_table), quote(columns[0].column)
    values = [[column.get_db_prep_save(getattr(obj, column.attname), connection) for obj in objs] for column in columns]
    sql = f"UPDATE {table} SET {assignments} FROM UNNEST({arrays}) AS v({names}) WHERE {table}.{pk} = v.{pk}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, values)  # names come from the model; every value is bound


def _load_synced(result: _PageResult, object_ids) -> None:
    object_ids = [str(object_id) for object_id in object_ids]
    if object_ids:
        rows = SyncedValues.objects.filter(entity=result.entity, object_id__in=object_ids)
        result.synced.update({row.object_id: row for row in rows})


def _companies_merge(records: list[ErpCompany], *, linking: bool = False) -> _PageResult:
    """Merge a page of ERP companies into the portal companies linked to them (by ERP id, else registration
    number) and write the changes. Companies the portal does not know (the ERP's other customers) are skipped;
    so are companies awaiting verification, unless staff are `linking` one."""
    result = _PageResult(entity=SyncEntity.COMPANIES)
    erp_ids = {record.erp_id for record in records if record.erp_id}
    numbers = {record.registration_number for record in records if record.registration_number}
    by_erp_id: dict[str, Company] = {}
    by_number: dict[str, Company] = {}
    linked_or_named = Q(erp_id__in=erp_ids) | Q(registration_number__in=numbers)
    for company in Company.objects.select_for_update().filter(linked_or_named):
        if company.erp_id:
            by_erp_id.setdefault(company.erp_id, company)
        by_number[company.registration_number] = company
    _load_synced(result, {company.pk for company in by_number.values()})
    changed_fields: dict[int, set[str]] = {}
    for record in records:
        company = by_erp_id.get(record.erp_id)
        if company is None:
            company = by_number.get(record.registration_number)
            if company is not None and company.erp_id and company.erp_id != record.erp_id:
                company = None  # linked to another ERP record
        if company is not None and company.status == CompanyStatus.PENDING_VERIFICATION and not linking:
            company = None  # staff compare it with the ERP record and link it on approval
        if company is None:
            result.objects.append(None)
            continue
        before = {name: getattr(company, name) for name in [*ownership.COMPANY_FIELDS, "erp_id"]}
        known = result.known(company.pk)
        incoming = {name: getattr(record, name) for name in ownership.COMPANY_FIELDS}
        changed, conflicts = _merge(
            entity=SyncEntity.COMPANIES, obj=company, fields=ownership.COMPANY_FIELDS, incoming=incoming, known=known
        )
        if not company.erp_id:
            company.erp_id = record.erp_id
            changed.append("erp_id")
        if changed:
            try:
                company.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                for name, value in before.items():
                    setattr(company, name, value)
                result.rejected.append((record, _validation_errors(error)))
                result.objects.append(None)
                continue
            changed_fields.setdefault(company.pk, set()).update(changed)
        by_erp_id[company.erp_id] = company
        result.conflicts += conflicts
        result.remember(company.pk, known)
        result.objects.append(company)
    if changed_fields:
        now = timezone.now()
        companies = [company for company in by_number.values() if company.pk in changed_fields]
        for company in companies:
            company.vat_number = normalise_registration_number(company.vat_number)  # as Company.save() does
            company.updated_at = now
        fields = sorted(set().union(*changed_fields.values()) | {"updated_at"})
        _update_rows(Company, companies, fields)
    result.write_bookkeeping()
    return result


def _contacts_merge(records: list[ErpContact]) -> _PageResult:
    """Merge a page of ERP contacts into the portal's contacts (matched by ERP id; new ones are created) and
    write the changes. Contacts of companies the portal does not know are skipped."""
    result = _PageResult(entity=SyncEntity.CONTACTS)
    company_ids = dict(
        Company.objects.filter(erp_id__in={record.company_erp_id for record in records}).values_list("erp_id", "pk")
    )
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
                contact.full_clean(exclude=["company"], validate_unique=False, validate_constraints=False)
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
        _update_rows(CompanyContact, changed_contacts, fields)
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


def _single(result: _PageResult):
    if result.rejected:
        raise ValidationError(result.rejected[0][1])
    return result.objects[0]


@transaction.atomic
def company_apply(erp: ErpCompany) -> Company | None:
    """Apply one ERP company to the portal company linked to it (by ERP id, else registration number), also
    one awaiting verification: staff link it on approval. Raises ValidationError for invalid data."""
    return _single(_companies_merge([erp], linking=True))
