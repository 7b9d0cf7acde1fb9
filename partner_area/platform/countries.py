"""EU/EEA countries a partner may register from, with the format of their company registration
numbers and VAT numbers. Formats follow each national business register's published number format;
countries without a specific rule get a generic check (4–20 letters and digits). Check digits are verified
with python-stdnum, the library Tryton validates identifiers with, wherever it knows the country's number:
a number the portal accepts is one the ERP accepts too.

Sources: the national registers' number formats as summarised in the EU e-Justice portal's
"Business registers in Member States" pages, and the EU VIES VAT number structures."""

import re

from django.utils.translation import gettext_lazy as _
from stdnum.cz import dic as cz_dic
from stdnum.dk import cvr as dk_cvr
from stdnum.ee import registrikood as ee_registrikood
from stdnum.eu import vat as eu_vat
from stdnum.fi import ytunnus as fi_ytunnus
from stdnum.fr import siren as fr_siren
from stdnum.lv import pvn as lv_pvn
from stdnum.no import mva as no_mva
from stdnum.se import orgnr as se_orgnr

COUNTRY_CHOICES = [
    ("AT", _("Austria")),
    ("BE", _("Belgium")),
    ("BG", _("Bulgaria")),
    ("HR", _("Croatia")),
    ("CY", _("Cyprus")),
    ("CZ", _("Czechia")),
    ("DK", _("Denmark")),
    ("EE", _("Estonia")),
    ("FI", _("Finland")),
    ("FR", _("France")),
    ("DE", _("Germany")),
    ("GR", _("Greece")),
    ("HU", _("Hungary")),
    ("IE", _("Ireland")),
    ("IT", _("Italy")),
    ("LV", _("Latvia")),
    ("LT", _("Lithuania")),
    ("LU", _("Luxembourg")),
    ("MT", _("Malta")),
    ("NL", _("Netherlands")),
    ("NO", _("Norway")),
    ("PL", _("Poland")),
    ("PT", _("Portugal")),
    ("RO", _("Romania")),
    ("SK", _("Slovakia")),
    ("SI", _("Slovenia")),
    ("ES", _("Spain")),
    ("SE", _("Sweden")),
]

# Registration number: (pattern on the normalised number, example shown in the error message).
REGISTRATION_FORMATS: dict[str, tuple[str, str]] = {
    "LV": (r"[4-9]\d{10}", "40003123453"),  # Latvian Register of Enterprises: 11 digits, legal persons
    "LT": (r"\d{9}", "123456789"),  # Juridinių asmenų registras: 9-digit code
    "EE": (r"\d{8}", "12345678"),  # Äriregister: 8-digit registry code
    "FI": (r"\d{7}-?\d", "1234567-8"),  # Y-tunnus
    "SE": (r"\d{6}-?\d{4}", "556123-4567"),  # organisationsnummer
    "DK": (r"\d{8}", "12345678"),  # CVR
    "PL": (r"\d{10}", "1234567890"),  # KRS number
    "DE": (r"HR[AB]\d{1,6}[A-Z]?", "HRB123456"),  # Handelsregister number
    "NL": (r"\d{8}", "12345678"),  # KvK
    "FR": (r"\d{9}", "123456789"),  # SIREN
    "CZ": (r"\d{8}", "12345678"),  # IČO
    "SK": (r"\d{8}", "12345678"),  # IČO
}
GENERIC_REGISTRATION = (r"[A-Z0-9]{4,20}", "")

# VAT number: country prefix + national pattern (VIES structures).
VAT_FORMATS: dict[str, str] = {
    "AT": r"ATU\d{8}",
    "BE": r"BE[01]\d{9}",
    "BG": r"BG\d{9,10}",
    "HR": r"HR\d{11}",
    "CY": r"CY\d{8}[A-Z]",
    "CZ": r"CZ\d{8,10}",
    "DK": r"DK\d{8}",
    "EE": r"EE\d{9}",
    "FI": r"FI\d{8}",
    "FR": r"FR[A-HJ-NP-Z0-9]{2}\d{9}",
    "DE": r"DE\d{9}",
    "GR": r"EL\d{9}",
    "HU": r"HU\d{8}",
    "IE": r"IE\d{7}[A-W][A-I]?|IE\d[A-Z+*]\d{5}[A-W]",
    "IT": r"IT\d{11}",
    "LV": r"LV\d{11}",
    "LT": r"LT(\d{9}|\d{12})",
    "LU": r"LU\d{8}",
    "MT": r"MT\d{8}",
    "NL": r"NL\d{9}B\d{2}",
    "NO": r"NO\d{9}(MVA)?",
    "PL": r"PL\d{10}",
    "PT": r"PT\d{9}",
    "RO": r"RO\d{2,10}",
    "SK": r"SK\d{10}",
    "SI": r"SI\d{8}",
    "ES": r"ES[A-Z0-9]\d{7}[A-Z0-9]",
    "SE": r"SE\d{12}",
}


# Registration numbers whose check digits stdnum verifies (the register's number is also the company's VAT or
# tax number there). Other countries' registers carry no check digit, or stdnum does not know them: shape only.
REGISTRATION_CHECKS = {
    "LV": lv_pvn.is_valid,
    "EE": ee_registrikood.is_valid,
    "FI": fi_ytunnus.is_valid,
    "SE": se_orgnr.is_valid,
    "DK": dk_cvr.is_valid,
    "FR": fr_siren.is_valid,
    "CZ": cz_dic.is_valid,
}
VAT_CHECKS = {"NO": no_mva.is_valid}  # every other country here: the EU VAT rules (VIES)


def _check_digits_message() -> str:
    return str(_("The check digit of this number is wrong: please check it for a typo."))


def registration_number_error(country: str, number: str) -> str | None:
    """An error message when a normalised registration number does not fit its country, else None."""
    pattern, example = REGISTRATION_FORMATS.get(country, GENERIC_REGISTRATION)
    if re.fullmatch(pattern, number):
        check = REGISTRATION_CHECKS.get(country)
        return _check_digits_message() if check and not check(number) else None
    if country == "LV":
        return str(_("A Latvian registration number has 11 digits, e.g. 40003123453."))
    if example:
        return str(_("This does not look like a registration number from this country (e.g. %(example)s).")) % {
            "example": example
        }
    return str(_("Enter 4 to 20 letters and digits."))


def vat_number_error(country: str, vat: str) -> str | None:
    """An error message when a normalised VAT number has the wrong prefix or shape, else None."""
    pattern = VAT_FORMATS.get(country)
    if pattern is None or re.fullmatch(pattern, vat):
        return _check_digits_message() if not VAT_CHECKS.get(country, eu_vat.is_valid)(vat) else None
    prefix = "EL" if country == "GR" else country
    return str(_("Enter the VAT number with its country prefix, e.g. %(prefix)s followed by the number.")) % {
        "prefix": prefix
    }
