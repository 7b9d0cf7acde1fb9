"""The one way a Django ValidationError (or a service's PermissionDenied) becomes an API answer: the project's DRF
exception handler, in the documented shape {"detail": ..., "errors": {field: [messages]}}."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView


def answer(error: Exception):
    class Raising(APIView):
        authentication_classes = []
        permission_classes = [AllowAny]

        def post(self, request):
            raise error

    return Raising.as_view()(APIRequestFactory().post("/api/v1/example", {}, format="json"))


def test_a_services_field_errors_answer_400_by_field():
    response = answer(
        ValidationError({"amount": ["More than the balance."], NON_FIELD_ERRORS: ["Nothing left to pay."]})
    )
    assert response.status_code == 400
    assert response.data == {
        "detail": "Invalid input.",
        "errors": {"amount": ["More than the balance."], "non_field_errors": ["Nothing left to pay."]},
    }


def test_a_services_plain_message_answers_400_as_non_field_errors():
    response = answer(ValidationError("You already have %(count)d API tokens.", params={"count": 5}))
    assert response.status_code == 400
    assert response.data == {
        "detail": "Invalid input.",
        "errors": {"non_field_errors": ["You already have 5 API tokens."]},
    }


def test_a_services_refusal_answers_403_with_its_reason_and_a_bare_one_without():
    assert answer(PermissionDenied("Staff work in the admin.")).data == {"detail": "Staff work in the admin."}
    bare = answer(PermissionDenied())
    assert bare.status_code == 403 and bare.data["detail"] == "You do not have permission to perform this action."
