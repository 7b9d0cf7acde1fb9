import pytest
from django.contrib.auth import authenticate, get_user_model

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_user_model_is_the_portal_user_with_email_login():
    User = get_user_model()
    assert User._meta.label == "accounts.User"
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(User(), "username") or User().username is None


def test_email_is_stored_lower_case_and_login_ignores_case(rf):
    user = get_user_model().objects.create_user("Ilze.Berzina@Example.LV", PASSWORD, first_name="Ilze")
    assert user.email == "ilze.berzina@example.lv"
    assert authenticate(rf.post("/"), username="ILZE.BERZINA@example.lv", password=PASSWORD) == user


def test_wrong_password_does_not_log_in(rf):
    user = UserFactory()
    assert authenticate(rf.post("/"), username=user.email, password="not-the-password") is None


def test_create_superuser_is_staff_and_superuser():
    admin = get_user_model().objects.create_superuser("root@brello.example", PASSWORD)
    assert admin.is_staff and admin.is_superuser


def test_two_users_cannot_share_an_email():
    from django.db import IntegrityError

    UserFactory(email="same@example.com")
    with pytest.raises(IntegrityError):
        UserFactory(email="SAME@example.com")
