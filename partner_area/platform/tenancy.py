"""The one choke point for tenant data.

Every model that belongs to a partner company declares two managers:
- `unscoped` (first, so Django and Wagtail use it internally): for staff tools and sync code only;
  its name makes every such use greppable (`grep -rn "unscoped"`).
- `objects`, a TenantManager: `Model.objects.for_company(company)` is the only way in. Anything else
  (`Model.objects.all()`, `.filter()`, `.get()`) raises UnscopedQueryError instead of returning every
  company's rows.
"""

from django.db import models


class UnscopedQueryError(RuntimeError):
    """Tenant data was queried without naming the company it belongs to."""


class TenantManager(models.Manager):
    #: the field on the model that points at the owning Company
    tenant_field = "company"

    def get_queryset(self):
        raise UnscopedQueryError(
            f"{self.model.__name__}.objects needs a company: use .for_company(company), "
            f"or {self.model.__name__}.unscoped in staff and sync code."
        )

    def for_company(self, company) -> models.QuerySet:
        if company is None or getattr(company, "pk", None) is None:
            raise UnscopedQueryError(f"{self.model.__name__}.objects.for_company() needs a saved company.")
        return super().get_queryset().filter(**{self.tenant_field: company})
