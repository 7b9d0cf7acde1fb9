"""The zenpy client, configured from settings, and Zendesk's failures translated into three kinds the outbox
and the pull act on: try again later, try again after Retry-After, or give up."""

import email.utils
import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from django.conf import settings
from django.core.cache import cache
from zenpy import Zenpy
from zenpy.lib.exception import APIException, ZenpyException

# The failures are the port's (support code catches them without importing this adapter); raised from here.
from partner_area.platform.ports.zendesk import (
    ZendeskError,
    ZendeskRateLimited,
    ZendeskRejected,
    ZendeskUnavailable,
    zendesk_is_configured,
)

DEFAULT_RETRY_AFTER = 60
# Until when Zendesk asked the whole account to wait (a 429 applies to every call, not only to the one answered):
# every task, delivery and download checks it before calling, so the account stays quiet until then.
RATE_LIMITED_UNTIL_KEY = "zendesk:rate-limited-until"


def retry_after_seconds(value: str | None) -> int:
    """Retry-After as seconds (Zendesk sends a number; an HTTP date is allowed too)."""
    if not value:
        return DEFAULT_RETRY_AFTER
    try:
        return max(0, int(float(value)))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0, int(parsed.timestamp() - time.time())) if parsed else DEFAULT_RETRY_AFTER


def rate_limit_remember(retry_after: int) -> None:
    """Zendesk asked to wait `retry_after` seconds: nothing calls it before then."""
    if retry_after > 0:
        cache.set(RATE_LIMITED_UNTIL_KEY, time.time() + retry_after, timeout=retry_after + 1)


def rate_limit_wait() -> int:
    """Seconds left of the last Retry-After Zendesk sent (0: calls may go out)."""
    until = cache.get(RATE_LIMITED_UNTIL_KEY)
    return max(0, int(until - time.time() + 0.999)) if until else 0


def _raise_on_rate_limit(response, *args, **kwargs):
    # zenpy would sleep through a 429 inside the worker; the outbox and the tasks reschedule instead.
    if response.status_code == 429:
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        rate_limit_remember(retry_after)
        raise ZendeskRateLimited(retry_after)
    return response


def zendesk_client(*, timeout: float | None = None) -> Zenpy:
    """A zenpy client for the configured account (ZENPY_FORCE_SCHEME/ZENPY_FORCE_NETLOC point it elsewhere)."""
    session = requests.Session()
    session.hooks["response"].append(_raise_on_rate_limit)
    return Zenpy(
        subdomain=settings.ZENDESK_SUBDOMAIN,
        email=settings.ZENDESK_EMAIL,
        token=settings.ZENDESK_API_TOKEN,
        session=session,
        timeout=settings.ZENDESK_TIMEOUT if timeout is None else timeout,
        disable_cache=True,
    )


def zendesk_answers() -> bool | None:
    """For /readyz: whether Zendesk answers (the API user's own record, 3 s timeout); None when not configured."""
    if not zendesk_is_configured():
        return None
    client = zendesk_client(timeout=3)
    try:
        with zendesk_errors():
            client.users.me()
    except ZendeskError:
        return False
    finally:
        client.users.session.close()
    return True


@contextmanager
def zendesk_session(client: Zenpy | None = None) -> Iterator[Zenpy]:
    """The given client, or a new one whose connections are closed afterwards."""
    if client is not None:
        yield client
        return
    client = zendesk_client()
    try:
        yield client
    finally:
        client.users.session.close()


def _status_of(error: Exception) -> int | None:
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None)


@contextmanager
def zendesk_errors() -> Iterator[None]:
    """Translate zenpy's and requests' exceptions into ZendeskUnavailable / ZendeskRejected. While Zendesk's last
    Retry-After runs, raise ZendeskRateLimited at once instead of calling it."""
    if wait := rate_limit_wait():
        raise ZendeskRateLimited(wait)
    try:
        yield
    except ZendeskError:
        raise
    except (APIException, requests.HTTPError) as error:
        status = _status_of(error)
        if status is not None and 400 <= status < 500 and status not in (408, 409, 423):
            raise ZendeskRejected(f"Zendesk refused the request ({status}): {error}"[:2000]) from error
        raise ZendeskUnavailable(f"Zendesk failed ({status}): {error}"[:2000]) from error
    except (requests.RequestException, ZenpyException, ValueError) as error:
        raise ZendeskUnavailable(f"Zendesk could not be reached or answered oddly: {error}"[:2000]) from error
