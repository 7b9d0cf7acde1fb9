"""Rate limits for public and partner forms (django-ratelimit). Rates come from settings at request
time, so deployments can tune them without code changes."""

from functools import wraps

from django.conf import settings
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

from partner_area.platform.jsonbody import json_body


def _rate(setting_name: str):
    return lambda group, request: getattr(settings, setting_name)


def _note_wait(request, usage: dict) -> None:
    """Remember how long until the limit resets, so the 429 answer can say how long to wait."""
    if usage["time_left"] > 0:
        request.ratelimit_retry_after = max(getattr(request, "ratelimit_retry_after", 0), usage["time_left"])


def limit_posts(setting_name: str, *keys, group: str | None = None):
    """Block POSTs beyond the configured rate, counted per key (e.g. "ip", "post:email", or a callable
    `key(group, request)`). Views given the same `group` share one count (e.g. a page and its API twin)."""

    def decorator(view):
        counted = {"group": group} if group else {"fn": view}

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            limited = False
            for key in keys:
                usage = get_usage(request, **counted, key=key, rate=_rate(setting_name), method="POST", increment=True)
                if usage is not None and usage["should_limit"]:
                    limited = True
                    _note_wait(request, usage)
            request.limited = limited or getattr(request, "limited", False)
            if limited:
                raise Ratelimited()
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def over_limit(request, setting_name: str, *, group: str, key: str = "ip") -> bool:
    """Whether the key has already used up the rate of `setting_name` for `group`; counts nothing. For limits
    that only count what succeeded (see `count_against`)."""
    usage = get_usage(request, group=group, key=key, rate=_rate(setting_name), increment=False)
    if usage is None or usage["count"] < usage["limit"]:
        return False
    _note_wait(request, usage)
    return True


def count_against(request, setting_name: str, *, group: str, key: str = "ip") -> None:
    """Count one use (e.g. a successful registration) against the rate of `setting_name` for `group`."""
    get_usage(request, group=group, key=key, rate=_rate(setting_name), increment=True)


def posted_username(group: str, request) -> str:
    """The `username` of a login, from a form or a JSON body (an API client), so that JSON logins are counted
    per account rather than all in one shared bucket."""
    username = request.POST.get("username", "")
    if not username and request.content_type == "application/json":
        try:
            data = json_body(request.body, empty={})
        except ValueError:
            data = {}
        username = data.get("username", "") if isinstance(data, dict) else ""
    return str(username).strip().lower()[:254]


def acting_company(group: str, request) -> str:
    """Rate-limit key: the company the partner acts for (set by the partner access checks)."""
    membership = getattr(request, "membership", None)
    return f"company:{membership.company_id}" if membership is not None else "company:none"


def invitation_limits(view):
    """Invitation e-mails, from the members page and the API alike: RATELIMIT_INVITATIONS per person and per IP,
    and RATELIMIT_INVITATIONS_PER_COMPANY for the whole company."""
    view = limit_posts("RATELIMIT_INVITATIONS_PER_COMPANY", acting_company, group="invitations-company")(view)
    return limit_posts("RATELIMIT_INVITATIONS", "user", "ip", group="invitations")(view)
