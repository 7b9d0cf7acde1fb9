from django.core.exceptions import NON_FIELD_ERRORS
from rest_framework.exceptions import APIException


def only_portal_api_paths(endpoints):
    """drf-spectacular preprocessing hook: the schema documents our versioned API (/api/v1/) only,
    not Wagtail's own admin API or the headless CMS API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def exception_handler(exc, context):
    """DRF's handler, with every error shaped as JSON: {"detail": ..., "errors": {field: [messages]}}.

    A service's Django ValidationError is the API's 400 here, and only here: views call services without
    try/except; its fields are the error's fields (NON_FIELD_ERRORS and a plain message: non_field_errors)."""
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django_ratelimit.exceptions import Ratelimited
    from rest_framework.exceptions import ParseError, PermissionDenied, Throttled, ValidationError
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Ratelimited):  # limit_posts on an API view: 429 like DRF's own throttles, not a 403
        exc = Throttled(wait=getattr(context["request"], "ratelimit_retry_after", None))  # Retry-After header
    elif isinstance(exc, DjangoValidationError):
        exc = ValidationError(validation_errors(exc))
    elif isinstance(exc, DjangoPermissionDenied) and exc.args:  # a service's refusal says why; a bare one does not
        exc = PermissionDenied(str(exc))
    # Django's own refusals of a body past DATA_UPLOAD_MAX_* would otherwise answer its HTML 400 page.
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = ParseError("The request body has too many fields or files.")
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        errors = {field: _messages(value) for field, value in response.data.items()}
        response.data = {"detail": "Invalid input.", "errors": errors}
    elif response is not None and isinstance(response.data, list):
        response.data = {"detail": "Invalid input.", "errors": {"non_field_errors": response.data}}
    return response


class PayloadTooLarge(APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "too_large"


def _messages(value) -> list[str]:
    """A field's errors as a flat list of messages, also where DRF nests them (a list field's items by position)."""
    if isinstance(value, dict):
        return [message for item in value.values() for message in _messages(item)]
    if isinstance(value, list):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def validation_errors(error) -> dict[str, list[str]]:
    """A Django ValidationError in the API's shape: field (or non_field_errors) → messages."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def form_errors(form) -> dict[str, list[str]]:
    """A Django form's errors in the API's shape: field (or non_field_errors) → messages."""
    return {
        ("non_field_errors" if field == "__all__" else field): list(messages) for field, messages in form.errors.items()
    }


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Field name (or non_field_errors) → messages; only on 400.",
        },
    },
    "required": ["detail"],
}
ERROR_ANSWERS = {
    "400": "Invalid input: `errors` lists the problems by field.",
    "401": "Not logged in, or the token is invalid.",
    "403": "Logged in, but not allowed: no active partner company, no grant for the section, or not an org admin.",
    "404": "No such object for this company (another company's object answers the same).",
    "413": "The request body is too large (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB outside uploaded files).",
    "429": "Too many requests: wait the seconds in the Retry-After header.",
}


def blank_query_values_count_as_absent(result, generator, request, public):
    """drf-spectacular postprocessing hook: an optional query parameter sent empty (`?page=`, as an HTML form sends
    an unfilled field) means the same as leaving it out; the schema says so with allowEmptyValue."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result


def document_error_answers(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the API's error answers in one shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            takes_input = method in ("post", "put", "patch") or operation.get("parameters")
            for code, description in ERROR_ANSWERS.items():
                if code == "400" and not takes_input:
                    continue
                if code == "401" and path == "/api/v1/auth/token":
                    continue
                if code == "404" and "{" not in path:
                    continue
                if code == "413" and method not in ("post", "put", "patch"):
                    continue
                operation.setdefault("responses", {}).setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
