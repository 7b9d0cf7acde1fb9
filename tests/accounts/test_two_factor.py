"""Optional TOTP two-factor authentication (django-otp): org admins turn it on for themselves; staff
need it for the Wagtail admin when STAFF_REQUIRE_2FA is on."""

import re
import time
from base64 import b32decode
from urllib.parse import parse_qs, urlsplit

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partner_area.platform.audit.models import AuditLogEntry
from tests.factories import PASSWORD, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

HOME = "/en/partner/"
TWO_FACTOR = "/en/partner/account/two-factor/"
SETUP = "/en/partner/account/two-factor/setup/"
VERIFY = "/en/partner/account/two-factor/verify/"
OTP = "django_otp.middleware.OTPMiddleware"
TWO_FACTOR_MIDDLEWARE = "partner_area.accounts.middleware.TwoFactorMiddleware"


@pytest.fixture(autouse=True)
def _two_factor_middleware(settings):
    """The middleware is not in the settings yet: put it right after django-otp's."""
    middleware = [name for name in settings.MIDDLEWARE if name != TWO_FACTOR_MIDDLEWARE]
    middleware.insert(middleware.index(OTP) + 1, TWO_FACTOR_MIDDLEWARE)
    settings.MIDDLEWARE = middleware
    settings.STAFF_REQUIRE_2FA = False


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or `steps_ahead` periods later, still within tolerance)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A code that no time step within the tolerance accepts."""
    valid = {code_for(device, steps) for steps in (-2, -1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "123456", "654321") if code not in valid)


def shown_authenticator(response) -> TOTPDevice:
    """The authenticator app as the person sets it up from the setup page: with the key shown for typing in."""
    grouped = re.search(r'<code class="two-factor__secret"[^>]*>([A-Z2-7 ]+)</code>', response.content.decode())
    return TOTPDevice(key=b32decode(grouped.group(1).replace(" ", "")).hex())


def unthrottle(device: TOTPDevice) -> None:
    """Lift django-otp's back-off after a failed attempt, so the next attempt is judged on its code."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)


@pytest.fixture
def org_admin():
    return MembershipFactory(role="admin").user


@pytest.fixture
def plain_user():
    return MembershipFactory(role="user").user


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def next_of(response) -> str:
    return parse_qs(urlsplit(response["Location"]).query)["next"][0]


# Setting up


def test_org_admin_sets_up_two_factor_with_a_correct_code(client, org_admin):
    client.force_login(org_admin)
    response = client.get(SETUP)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    app = shown_authenticator(response)
    # The QR code is inline SVG made on the server, drawn with attributes only (the CSP allows no inline
    # styles); the key is there for typing in by hand.
    svg = html.split('class="two-factor__qr"', 1)[1].split("</figure>", 1)[0]
    assert '<svg width="220" height="220"' in svg and 'role="img"' in svg and "<path" in svg
    assert "style=" not in svg and "<img" not in html.split('class="two-factor', 1)[1]
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html and 'pattern="[0-9]{6}"' in html

    response = client.post(SETUP, {"code": code_for(app)})
    assert response.status_code == 302 and response["Location"] == TWO_FACTOR
    device = TOTPDevice.objects.get(user=org_admin)
    assert device.confirmed and device.key == app.key
    entry = AuditLogEntry.objects.get(action="two_factor.enabled")
    assert entry.actor == org_admin and entry.company == org_admin.membership.company
    # This session counts as verified: the partner area opens straight away.
    assert client.get(HOME).status_code == 200
    assert "On" in client.get(TWO_FACTOR).content.decode()


def test_opening_the_setup_page_stores_no_authenticator_and_shows_the_same_key_again(client, org_admin):
    client.force_login(org_admin)
    first = shown_authenticator(client.get(SETUP))
    again = shown_authenticator(client.get(SETUP))
    assert again.key == first.key  # a reload does not break the app scanned a moment ago
    assert not TOTPDevice.objects.filter(user=org_admin).exists()
    assert not AuditLogEntry.objects.filter(action="two_factor.enabled").exists()


def test_a_wrong_code_on_setup_is_refused_and_nothing_is_confirmed(client, org_admin):
    client.force_login(org_admin)
    app = shown_authenticator(client.get(SETUP))
    response = client.post(SETUP, {"code": wrong_code_for(app)})
    assert response.status_code == 200
    assert response.context["form"].has_error("code", "invalid")
    assert not TOTPDevice.objects.filter(user=org_admin, confirmed=True).exists()
    assert not AuditLogEntry.objects.filter(action="two_factor.enabled").exists()
    # Not a code at all: refused before any device is asked.
    response = client.post(SETUP, {"code": "12ab56"})
    assert response.context["form"].has_error("code", "format")
    # The key shown stays the same between attempts, so the app set up earlier keeps working.
    assert shown_authenticator(client.get(SETUP)).key == app.key
    assert TOTPDevice.objects.filter(user=org_admin).count() == 1
    unthrottle(TOTPDevice.objects.get(user=org_admin))
    assert client.post(SETUP, {"code": code_for(app)}).status_code == 302
    assert TOTPDevice.objects.get(user=org_admin).confirmed


def test_the_key_of_an_unfinished_setup_is_shown_again_after_a_new_login(client, org_admin):
    client.force_login(org_admin)
    app = shown_authenticator(client.get(SETUP))
    client.post(SETUP, {"code": wrong_code_for(app)})
    later = type(client)()
    later.force_login(org_admin)
    assert shown_authenticator(later.get(SETUP)).key == app.key
    unthrottle(TOTPDevice.objects.get(user=org_admin))
    assert later.post(SETUP, {"code": code_for(app)}).status_code == 302
    assert TOTPDevice.objects.get(user=org_admin).confirmed


def test_the_correct_code_typed_right_after_a_typo_turns_two_factor_on(client, org_admin):
    client.force_login(org_admin)
    app = shown_authenticator(client.get(SETUP))
    assert client.post(SETUP, {"code": wrong_code_for(app)}).context["form"].has_error("code", "invalid")

    response = client.post(SETUP, {"code": code_for(app)})  # at once: no back-off for a first typo

    assert response.status_code == 302 and response["Location"] == TWO_FACTOR
    assert TOTPDevice.objects.get(user=org_admin).confirmed


def test_many_wrong_codes_on_setup_are_still_throttled(client, org_admin):
    client.force_login(org_admin)
    app = shown_authenticator(client.get(SETUP))
    for _ in range(3):
        assert client.post(SETUP, {"code": wrong_code_for(app)}).context["form"].has_error("code", "invalid")
    response = client.post(SETUP, {"code": code_for(app)})
    assert response.context["form"].has_error("code", "throttled")
    assert not TOTPDevice.objects.get(user=org_admin).confirmed


def test_setup_when_two_factor_is_already_on_goes_to_the_status_page(client, org_admin):
    confirmed_device(org_admin)
    client.force_login(org_admin)
    # Unverified session: even the setup page asks for the code first.
    assert client.get(SETUP)["Location"].startswith(VERIFY)


def test_a_plain_partner_user_cannot_turn_two_factor_on(client, plain_user):
    client.force_login(plain_user)
    assert client.get(SETUP).status_code == 404
    assert client.post(SETUP, {"code": "123456"}).status_code == 404
    assert client.get(TWO_FACTOR).status_code == 404
    assert not TOTPDevice.objects.filter(user=plain_user).exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in (SETUP, TWO_FACTOR, VERIFY):
        response = client.get(url)
        assert response.status_code == 302
        assert "/en/partner/account/login/" in response["Location"]


# The second step after logging in


def test_after_logging_in_an_admin_with_two_factor_must_enter_a_code(client, org_admin):
    device = confirmed_device(org_admin)
    client.force_login(org_admin)  # a password login: the session is not verified

    for url in (HOME, "/en/partner/members/", TWO_FACTOR):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY + "?")
        assert next_of(response) == url

    page = client.get(VERIFY, {"next": HOME})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html

    response = client.post(VERIFY, {"code": wrong_code_for(device), "next": HOME})
    assert response.status_code == 200
    assert response.context["form"].has_error("code", "invalid")
    assert client.get(HOME).status_code == 302

    unthrottle(device)
    response = client.post(VERIFY, {"code": code_for(device), "next": "/en/partner/members/"})
    assert response.status_code == 302 and response["Location"] == "/en/partner/members/"
    assert client.get(HOME).status_code == 200
    assert client.get("/en/partner/members/").status_code == 200


def test_a_code_cannot_be_used_twice(client, org_admin):
    device = confirmed_device(org_admin)
    code = code_for(device)
    client.force_login(org_admin)
    assert client.post(VERIFY, {"code": code}).status_code == 302

    other = type(client)()
    other.force_login(org_admin)
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert other.get(HOME).status_code == 302


def test_repeated_wrong_codes_are_throttled(client, org_admin):
    device = confirmed_device(org_admin)
    client.force_login(org_admin)
    client.post(VERIFY, {"code": wrong_code_for(device)})
    # Within django-otp's back-off even the right code is not tried.
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 200
    assert response.context["form"].has_error("code", "throttled")
    assert "Too many attempts" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert client.get(HOME).status_code == 302


def test_next_is_honoured_only_for_this_site(client, org_admin):
    device = confirmed_device(org_admin)
    client.force_login(org_admin)
    page = client.get(VERIFY, {"next": "https://evil.example/phish"})
    # The form does not carry it on (the language switch keeps the query as it is, and the view checks it again).
    assert 'name="next"' not in page.content.decode()

    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/phish"})
    assert response.status_code == 302 and response["Location"] == HOME

    # An already verified session is sent on, but never off-site either.
    for bad in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        assert client.get(VERIFY, {"next": bad})["Location"] == HOME
    assert client.get(VERIFY, {"next": "/en/partner/members/"})["Location"] == "/en/partner/members/"


def test_the_way_out_and_infrastructure_stay_reachable_before_the_code(client, org_admin):
    confirmed_device(org_admin)
    client.force_login(org_admin)
    assert client.get("/healthz").status_code == 200
    assert client.get(VERIFY).status_code == 200
    response = client.post("/i18n/setlang/", {"language": "lv", "next": "/lv/partner/"})
    assert response.status_code == 302 and response["Location"] == "/lv/partner/"
    assert client.get("/lv/partner/account/two-factor/verify/").status_code == 200
    response = client.post("/en/partner/account/logout/")
    assert not response.get("Location", "").startswith(VERIFY)
    assert "_auth_user_id" not in client.session


def test_api_requests_from_an_unverified_session_get_403_json(client, org_admin):
    confirmed_device(org_admin)
    client.force_login(org_admin)
    response = client.get("/api/v1/")
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"


def test_htmx_requests_are_sent_to_the_verify_page_with_a_client_redirect(client, org_admin):
    confirmed_device(org_admin)
    client.force_login(org_admin)
    response = client.get(HOME, headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(VERIFY)


def test_people_without_two_factor_are_not_stopped(client, org_admin):
    client.force_login(org_admin)
    assert client.get(HOME).status_code == 200
    # The verify page has nothing to ask them.
    assert client.get(VERIFY)["Location"] == HOME


# Staff and the Wagtail admin


def test_staff_must_set_up_two_factor_for_the_admin_when_required(client, settings):
    settings.STAFF_REQUIRE_2FA = True
    staff = StaffFactory()
    client.force_login(staff)

    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP + "?")
    assert next_of(response) == "/admin/"
    assert client.get("/admin/pages/")["Location"].startswith(SETUP)

    page = client.get(SETUP, {"next": "/admin/"})
    assert page.status_code == 200
    device = shown_authenticator(page)
    response = client.post(f"{SETUP}?next=/admin/", {"code": code_for(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    entry = AuditLogEntry.objects.get(action="two_factor.enabled")
    assert entry.actor_is_staff and entry.company is None

    # A new login asks for the code again before the admin opens.
    again = type(client)()
    again.force_login(staff)
    response = again.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert again.post(VERIFY, {"code": code_for(device, steps_ahead=1), "next": "/admin/"})["Location"] == "/admin/"
    assert again.get("/admin/").status_code == 200


def test_staff_enter_the_admin_without_two_factor_when_not_required(client):
    client.force_login(StaffFactory())
    assert client.get("/admin/").status_code == 200


def test_staff_requirement_does_not_touch_partner_users_or_the_admin_logout(client, settings, org_admin):
    settings.STAFF_REQUIRE_2FA = True
    client.force_login(org_admin)
    assert client.get(HOME).status_code == 200
    assert not client.get("/admin/")["Location"].startswith(SETUP)

    staff_client = type(client)()
    staff_client.force_login(StaffFactory())
    response = staff_client.post("/admin/logout/")
    assert not response.get("Location", "").startswith(SETUP)


# Turning it off


def test_turning_two_factor_off_needs_a_valid_code(client, org_admin):
    device = confirmed_device(org_admin)
    client.force_login(org_admin)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302

    response = client.post(TWO_FACTOR, {})
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "required")

    response = client.post(TWO_FACTOR, {"code": wrong_code_for(device)})
    assert response.status_code == 200
    assert response.context["form"].has_error("code", "invalid")
    assert TOTPDevice.objects.filter(user=org_admin).exists()
    assert not AuditLogEntry.objects.filter(action="two_factor.disabled").exists()

    unthrottle(device)
    response = client.post(TWO_FACTOR, {"code": code_for(device, steps_ahead=1)})
    assert response.status_code == 302 and response["Location"] == TWO_FACTOR
    assert not TOTPDevice.objects.filter(user=org_admin).exists()
    entry = AuditLogEntry.objects.get(action="two_factor.disabled")
    assert entry.company == org_admin.membership.company
    assert client.get(HOME).status_code == 200


def test_turning_two_factor_off_with_the_password(client, org_admin):
    device = confirmed_device(org_admin)
    client.force_login(org_admin)
    client.post(VERIFY, {"code": code_for(device)})

    response = client.post(TWO_FACTOR, {"password": "not-the-password"})
    assert response.context["form"].has_error("password", "invalid")
    assert TOTPDevice.objects.filter(user=org_admin).exists()

    assert client.post(TWO_FACTOR, {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=org_admin).exists()


def test_turning_off_is_not_possible_from_an_unverified_session(client, org_admin):
    confirmed_device(org_admin)
    client.force_login(org_admin)
    response = client.post(TWO_FACTOR, {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=org_admin).exists()


def test_the_status_page_itself_refuses_password_only_sessions_even_without_the_middleware(client, settings, org_admin):
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != TWO_FACTOR_MIDDLEWARE]
    confirmed_device(org_admin)
    client.force_login(org_admin)
    response = client.post(TWO_FACTOR, {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.get(SETUP)["Location"] == TWO_FACTOR
    assert TOTPDevice.objects.filter(user=org_admin, confirmed=True).count() == 1
