"""Production settings: required variables and `manage.py check --deploy`."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/brello",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "partners.brello.example",
}


def _manage(*args, env):
    # Only what a production host has: nothing from the test run (DJANGO_ALLOW_ASYNC_UNSAFE is set by
    # the browser tests and would itself be a deployment warning).
    test_only = ("PYTEST", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and not k.startswith(test_only)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_and_names_missing_variables():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in ("SECRET_KEY", "REDIS_URL")}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY, REDIS_URL" in result.stderr


def test_production_refuses_a_short_or_known_secret_key():
    for weak in ("build-only", "a" * 80, "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"):
        result = _manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": weak})
        assert result.returncode != 0
        assert "SECRET_KEY must be at least 50 random characters" in result.stderr


def test_the_server_entry_points_default_to_production_settings():
    for module in ("wsgi", "asgi"):
        source = (ROOT / "portal" / f"{module}.py").read_text()
        # Run as a server would: no DJANGO_SETTINGS_MODULE, the production variables set.
        code = (
            f"import portal.{module}; from django.conf import settings; print(settings.DEBUG, settings.SETTINGS_MODULE)"
        )
        clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and not k.startswith("PYTEST")}
        env = {**clean, **{k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SETTINGS_MODULE"}}
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.stdout.split() == ["False", "portal.settings.production"], result.stderr + source


def _production_settings(*names: str, **env: str) -> dict:
    """The named settings as a production process computes them, read in a fresh interpreter."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    test_only = ("PYTEST", "DJANGO_ALLOW_ASYNC_UNSAFE", "TRUSTED_PROXY_COUNT")
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and not k.startswith(test_only)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **PRODUCTION_ENV, **env}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_derives_every_client_address_setting_from_the_proxy_count():
    names = ("TRUSTED_PROXY_COUNT", "REST_FRAMEWORK", "AXES_IPWARE_PROXY_COUNT", "SECURE_PROXY_SSL_HEADER")
    derived = _production_settings(*names, TRUSTED_PROXY_COUNT="1")
    assert derived["TRUSTED_PROXY_COUNT"] == 1
    assert derived["REST_FRAMEWORK"]["NUM_PROXIES"] == 1  # DRF's own X-Forwarded-For reading
    assert derived["AXES_IPWARE_PROXY_COUNT"] == 1
    assert derived["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # The rest of the API settings survive the recomputation.
    assert derived["REST_FRAMEWORK"]["DEFAULT_THROTTLE_CLASSES"] == [
        "partner_area.platform.throttles.ClientIpUserThrottle",
        "partner_area.platform.throttles.ClientIpAnonThrottle",
    ]


def test_without_a_proxy_production_believes_neither_forwarded_header():
    derived = _production_settings("REST_FRAMEWORK", "AXES_IPWARE_PROXY_COUNT", "SECURE_PROXY_SSL_HEADER",
                                   TRUSTED_PROXY_COUNT="0")  # fmt: skip
    assert derived["REST_FRAMEWORK"]["NUM_PROXIES"] == 0 and derived["AXES_IPWARE_PROXY_COUNT"] == 0
    assert derived["SECURE_PROXY_SSL_HEADER"] is None


def test_every_answer_denies_the_browser_features_the_portal_never_uses(client, db):
    for path in ("/en/partner/login/", "/api/v1/me"):
        policy = client.get(path)["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy
        assert "fullscreen=(self)" in policy
