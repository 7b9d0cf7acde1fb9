"""The port: what the portal needs from any ERP, in the portal's own terms. Business code depends on
this module only; the adapter is chosen by the ERP_BACKEND setting."""

from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ErpCompany:
    erp_id: str
    legal_name: str
    registration_number: str
    vat_number: str = ""


class ErpGateway(Protocol):
    def find_company(self, registration_number: str) -> ErpCompany | None:
        """The ERP's company with this (normalised) registration number, or None."""


class NoErpGateway:
    """For installations without an ERP: knows no companies."""

    def find_company(self, registration_number: str) -> ErpCompany | None:
        return None


@cache
def _gateway_class(path: str) -> type:
    return import_string(path)


def get_erp_gateway() -> ErpGateway:
    """The configured ERP adapter (ERP_BACKEND)."""
    return _gateway_class(settings.ERP_BACKEND)()
