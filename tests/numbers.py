"""Registration and VAT numbers the portal accepts (their check digits add up, as python-stdnum checks them)."""

from stdnum.lv import pvn


def lv_registration_number(n: int) -> str:
    """A Latvian company registration number with a correct check digit, a different one for each n < 10**6."""
    for prefix in ("4000", "5000"):
        for digit in "0123456789":
            number = f"{prefix}{n:06d}{digit}"
            if pvn.is_valid(number):
                return number
    raise AssertionError(f"no check digit for {n}")  # pragma: no cover - one of the two prefixes always has one
