"""Rate limits for public and partner forms (django-ratelimit). Rates come from settings at request
time, so deployments can tune them without code changes."""

import json

from django.conf import settings
from django_ratelimit.decorators import ratelimit


def _rate(setting_name: str):
    return lambda group, request: getattr(settings, setting_name)


def limit_posts(setting_name: str, *keys: str):
    """Block POSTs beyond the configured rate, counted per key (e.g. "ip", "post:email")."""

    def decorator(view):
        for key in keys:
            view = ratelimit(key=key, rate=_rate(setting_name), method="POST", block=True)(view)
        return view

    return decorator


def posted_username(group: str, request) -> str:
    """The `username` of a login, from a form or a JSON body (an API client), so that JSON logins are counted
    per account rather than all in one shared bucket."""
    username = request.POST.get("username", "")
    if not username and request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = {}
        username = data.get("username", "") if isinstance(data, dict) else ""
    return str(username).strip().lower()[:254]
