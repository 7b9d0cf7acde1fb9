"""Rate limits for public and partner forms (django-ratelimit). Rates come from settings at request
time, so deployments can tune them without code changes."""

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
