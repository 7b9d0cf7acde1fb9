def only_portal_api_paths(endpoints):
    """drf-spectacular preprocessing hook: the schema documents our versioned API (/api/v1/) only,
    not Wagtail's own admin API or the headless CMS API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def exception_handler(exc, context):
    """DRF's handler, with every error shaped as JSON: {"detail": ..., "errors": {field: [messages]}}."""
    from django_ratelimit.exceptions import Ratelimited
    from rest_framework.exceptions import Throttled
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Ratelimited):  # limit_posts on an API view: 429 like DRF's own throttles, not a 403
        exc = Throttled(wait=getattr(context["request"], "ratelimit_retry_after", None))  # Retry-After header
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {"detail": "Invalid input.", "errors": response.data}
    elif response is not None and isinstance(response.data, list):
        response.data = {"detail": "Invalid input.", "errors": {"non_field_errors": response.data}}
    return response
