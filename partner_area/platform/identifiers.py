"""How registration and VAT numbers are written down for comparing: the one rule the portal, its registration
form, staff search and the ERP adapter all use. Companies are keyed by registration number, so two spellings of
one number ("4000 312-3456", "40003.123456", "40003123456") must always meet as the same key."""

import unicodedata

# Characters people and ERPs put inside a number for readability: any whitespace (tabs and no-break spaces too),
# hyphens and dashes of every kind, dots.
_SEPARATORS = frozenset("-.\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


def normalise_registration_number(value: str) -> str:
    """The number without spaces, dashes or dots, upper case (also for VAT numbers)."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in _SEPARATORS).upper()
