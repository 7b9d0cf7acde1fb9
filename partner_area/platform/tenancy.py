"""The one choke point for tenant data.

Every model that belongs to a partner company, directly or through a parent row, is a `TenantModel` (or declares
the same two managers by hand) and names the path from itself to its Company in `tenant_path`: "company" for a
direct key, "support_request__company" for a request's comments, "user__membership__company" for a person's rows.
- `unscoped` (first, so it is the default manager Django and Wagtail use internally, and so `parent.children`
  related managers keep working on a parent that was already scoped): for staff tools and sync code, and for the
  few partner-facing lookups that cannot name a company yet. Every use outside staff, sync and migration code
  says why on a `# unscoped: <reason>` comment (tests/test_tenancy_rules.py checks it).
- `objects`, a TenantManager: `Model.objects.for_company(company)` is the only way in; it filters on the tenant
  path. Anything else (`Model.objects.all()`, `.filter()`, `.create()`) raises UnscopedQueryError instead of
  touching every company's rows.
"""

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models


class UnscopedQueryError(RuntimeError):
    """Tenant data was queried without naming the company it belongs to."""


class TenantManager(models.Manager):
    """Fail-closed: the only way in is `for_company(company)`, filtered on the model's `tenant_path`."""

    def __init__(self, tenant_path: str | None = None):
        super().__init__()
        self._tenant_path = tenant_path

    @property
    def tenant_path(self) -> str:
        return self._tenant_path or getattr(self.model, "tenant_path", "company")

    def get_queryset(self):
        raise UnscopedQueryError(
            f"{self.model.__name__}.objects needs a company: use .for_company(company), "
            f"or {self.model.__name__}.unscoped in staff and sync code."
        )

    def for_company(self, company) -> models.QuerySet:
        if company is None or getattr(company, "pk", None) is None:
            raise UnscopedQueryError(f"{self.model.__name__}.objects.for_company() needs a saved company.")
        return super().get_queryset().filter(**{self.tenant_path: company})


class TenantModel(models.Model):
    """Tenant data: `objects.for_company(company)` follows `tenant_path` to the owning Company; `unscoped` is the
    explicit escape hatch. A subclass that needs its own managers declares both, `unscoped` first."""

    #: the lookup path from this model to the Company that owns a row
    tenant_path = "company"

    unscoped = models.Manager()
    objects = TenantManager()

    class Meta:
        abstract = True


@checks.register(checks.Tags.models)
def tenant_managers_check(app_configs=None, **kwargs) -> list[checks.Error]:
    """Every model with a TenantManager: `unscoped` stays the default manager and the tenant path ends at Company."""
    models_to_check = apps.get_models() if app_configs is None else [m for c in app_configs for m in c.get_models()]
    return [error for model in models_to_check for error in tenant_manager_errors(model)]


def tenant_manager_errors(model) -> list[checks.Error]:
    """A fail-closed default manager would break related managers, admin and cascades; a wrong path every read."""
    tenant_managers = [manager for manager in model._meta.managers if isinstance(manager, TenantManager)]
    if not tenant_managers:
        return []
    errors = []
    if isinstance(model._meta.default_manager, TenantManager):
        errors.append(
            checks.Error(
                f"{model.__name__}'s default manager is fail-closed: declare `unscoped` before `objects`.",
                obj=model,
                id="tenancy.E001",
            )
        )
    for manager in tenant_managers:
        if not _leads_to_company(model, manager.tenant_path):
            errors.append(
                checks.Error(
                    f"{model.__name__}.tenant_path {manager.tenant_path!r} does not end at a Company.",
                    obj=model,
                    id="tenancy.E002",
                )
            )
    return errors


def _leads_to_company(model, path: str) -> bool:
    current = model
    for name in path.split("__"):
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if not field.is_relation or field.related_model is None:
            return False
        current = field.related_model
    return current._meta.label == "organizations.Company"
