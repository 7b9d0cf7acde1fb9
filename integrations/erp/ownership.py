"""Which side owns which field when both changed it since the last sync.

| company field | owner | why |
|---|---|---|
| legal_name, vat_number, address, city, postal_code, country | ERP | legal and billing data, as registered in the ERP |
| phone, email, website | portal | contact details the partner's org admin keeps current |
| registration_number | neither | the key; never changed by sync |

| contact field | owner | why |
|---|---|---|
| name, email, phone | portal | the partner's own people, kept by its org admin |

A field changed on one side only takes that side's value, whoever owns it. Where both sides changed a
field to different values, the owner's value is applied and a SyncConflict is recorded for staff.
The portal never writes an ERP-owned field, and writes a field it owns only when it changed it since the
last sync (integrations/erp/companies.py sends diffs)."""

COMPANY_FIELDS = {
    "legal_name": "erp",
    "vat_number": "erp",
    "address": "erp",
    "city": "erp",
    "postal_code": "erp",
    "country": "erp",
    "phone": "portal",
    "email": "portal",
    "website": "portal",
}
PORTAL_OWNED_COMPANY_FIELDS = [name for name, owner in COMPANY_FIELDS.items() if owner == "portal"]

CONTACT_FIELDS = {"name": "portal", "email": "portal", "phone": "portal"}


def portal_keeps(model, field: str, erp_value) -> bool:
    """The ERP has nothing for a field the portal requires (e.g. the address): the portal's value stands. The one
    rule for linking, the pull's merge and erp_check."""
    return not erp_value and not model._meta.get_field(field).blank
