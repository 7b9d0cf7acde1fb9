"""Existing data under the rules of 0004: applications registered before it were checked against the ERP at
registration; numbers are written with the one normalisation (dots go too); and companies staff have not verified
lose the ERP id registration used to preset, with the ERP's invoices, contacts and clients that reached them
through it (they come back from the ERP when staff approve and the company is linked)."""

from django.db import migrations
from django.db.models import F

UNVERIFIED = ("pending_review", "pending_verification", "rejected")
SEPARATORS = frozenset("-.\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


def normalise(value: str) -> str:  # partner_area.platform.identifiers.normalise_registration_number, frozen here
    import unicodedata

    text = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in SEPARATORS).upper()


def forwards(apps, schema_editor):
    Company = apps.get_model("organizations", "Company")
    Company.objects.filter(erp_checked_at__isnull=True).update(erp_checked_at=F("created_at"))
    for company in Company.objects.only("registration_number", "vat_number").iterator():
        number, vat = normalise(company.registration_number), normalise(company.vat_number)
        if (number, vat) != (company.registration_number, company.vat_number):
            Company.objects.filter(pk=company.pk).update(registration_number=number, vat_number=vat)

    unverified = list(Company.objects.filter(status__in=UNVERIFIED).exclude(erp_id="").values_list("pk", flat=True))
    if not unverified:
        return
    Invoice = apps.get_model("billing", "Invoice")
    PaymentNotice = apps.get_model("billing", "PaymentNotice")
    CompanyContact = apps.get_model("erp", "CompanyContact")
    Client = apps.get_model("performance", "Client")
    SyncedValues = apps.get_model("erp", "SyncedValues")
    reported = PaymentNotice.objects.filter(company_id__in=unverified).values("invoice_id")
    Invoice.objects.filter(company_id__in=unverified).exclude(pk__in=reported).delete()
    CompanyContact.objects.filter(company_id__in=unverified).exclude(erp_id="").delete()
    Client.objects.filter(company_id__in=unverified).delete()
    SyncedValues.objects.filter(entity="companies", object_id__in=[str(pk) for pk in unverified]).delete()
    Company.objects.filter(pk__in=unverified).update(erp_id="")


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0004_registration_numbers_and_erp_check"),
        ("billing", "0002_payment_notices"),
        ("erp", "0003_clients_and_turnover"),
        ("performance", "0005_no_parallel_scans"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
