"""An invoice saved or deleted one by one (the ERP's single-invoice apply, staff, seeds) forgets its company's
cached figures; the ERP's page-wise bulk upsert sends no signals and calls the service itself."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Invoice
from .services import invoice_figures_forget


@receiver(post_save, sender=Invoice, dispatch_uid="billing_invoice_saved")
@receiver(post_delete, sender=Invoice, dispatch_uid="billing_invoice_deleted")
def _invoice_changed(sender, instance: Invoice, **kwargs) -> None:
    invoice_figures_forget(company_ids=[instance.company_id])
