"""Signed webhooks: HMAC-SHA256 over the sender's timestamp and the raw body, refused when the timestamp is missing,
malformed or outside the replay window, when the signature does not match (compared in constant time), or when the
same signature was seen before. Each peer has its own wire format (a SigningScheme); the checks are shared."""

import base64
import hashlib
import hmac
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.dateparse import parse_datetime


def unix_seconds(value: str) -> float | None:
    """Unix seconds, fractions allowed; None when malformed or not finite (nan, inf, 1e999)."""
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) else None


def whole_unix_seconds(value: str) -> float | None:
    """Unix seconds as a whole number only; None when malformed or too large to be a time."""
    try:
        return float(int(value))
    except (ValueError, OverflowError):
        return None


def iso_or_unix_seconds(value: str) -> float | None:
    """ISO 8601 with a time zone (2026-11-23T14:00:00Z), or Unix seconds."""
    seconds = unix_seconds(value)
    if seconds is not None:
        return seconds
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    return parsed.timestamp() if parsed and parsed.tzinfo else None


def hex_digest(digest: bytes) -> str:
    return digest.hex()


def base64_digest(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


@dataclass(frozen=True)
class SigningScheme:
    """How one peer signs: the headers, what is signed (timestamp + separator + body), how the digest is written,
    how the timestamp is written, and the prefix of its replay-cache keys."""

    timestamp_header: str
    signature_header: str
    separator: bytes
    encode: Callable[[bytes], str]
    parse_timestamp: Callable[[str], float | None]
    cache_prefix: str

    def signature_for(self, timestamp: str, body: bytes, secret: str) -> str:
        message = timestamp.encode() + self.separator + body
        return self.encode(hmac.new(secret.encode(), message, hashlib.sha256).digest())


class SignatureRefused(Exception):
    """The request is not a fresh, correctly signed one; `status` and `detail` are the answer to give."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


def signed_request_verify(request, *, scheme: SigningScheme, secret: str, max_age: int) -> None:
    """Raise SignatureRefused (400 malformed or stale timestamp, 403 bad signature, 409 replay) unless the request
    is signed with `secret`, sent at most `max_age` seconds ago (either way, for clock skew), and not seen before."""
    timestamp = request.headers.get(scheme.timestamp_header, "")
    signature = request.headers.get(scheme.signature_header, "")
    sent_at = scheme.parse_timestamp(timestamp)
    if sent_at is None:
        raise SignatureRefused(400, "Missing or malformed timestamp.")
    if abs(time.time() - sent_at) > max_age:
        raise SignatureRefused(400, "Stale request.")
    expected = scheme.signature_for(timestamp, request.body, secret)
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise SignatureRefused(403, "Bad signature.")
    # A replay carries the same signature: remember each for as long as it could pass the age check.
    seen_key = scheme.cache_prefix + hashlib.sha256(signature.encode()).hexdigest()
    if not cache.add(seen_key, 1, timeout=max_age * 2):
        raise SignatureRefused(409, "Replayed request.")
