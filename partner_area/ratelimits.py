"""Rate limits for public and partner forms (django-ratelimit). Rates come from settings at request
time, so deployments can tune them without code changes."""

from functools import wraps

from django.conf import settings
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

from portal.jsonbody import json_body


def _rate(setting_name: str):
    return lambda group, request: getattr(settings, setting_name)


def _note_wait(request, usage: dict) -> None:
    """Remember how long until the limit resets, so the 429 answer can say how long to wait."""
    if usage["time_left"] > 0:
        request.ratelimit_retry_after = max(getattr(request, "ratelimit_retry_after", 0), usage["time_left"])


def limit_posts(setting_name: str, *keys: str):
    """Block POSTs beyond the configured rate, counted per key (e.g. "ip", "post:email")."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            limited = False
            for key in keys:
                usage = get_usage(request, fn=view, key=key, rate=_rate(setting_name), method="POST", increment=True)
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
