"""Demo logins for development. Passwords are public knowledge: never run this in production."""

from importlib import import_module
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection

from .models import User

DEMO_PASSWORD = "Brello-demo-2026"


def _ensure_user(email: str, *, first_name: str, last_name: str, **flags) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name, **flags}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def ensure_partner_managers_group() -> Group:
    """The "Partner managers" group as its data migration creates it (a flushed test database has none)."""
    migration = import_module("partner_area.companies.migrations.0002_partner_managers_group")
    if not Group.objects.filter(name=migration.GROUP_NAME).exists():
        migration.create_partner_managers_group(apps, SimpleNamespace(connection=connection))
    return Group.objects.get(name=migration.GROUP_NAME)


def staff_seed() -> list[tuple[str, str, str]]:
    """Create the staff superuser, a marketing editor and a partner manager; return (role, e-mail, password)."""
    _ensure_user("admin@brello.example", first_name="Anna", last_name="Admin", is_staff=True, is_superuser=True)
    editor = _ensure_user("editor@brello.example", first_name="Emils", last_name="Editor", is_staff=True)
    editors = Group.objects.filter(name="Editors").first()
    if editors:
        editor.groups.add(editors)
    manager = _ensure_user("partners@brello.example", first_name="Pauls", last_name="Manager", is_staff=True)
    manager.groups.add(ensure_partner_managers_group())
    return [
        ("Staff superuser", "admin@brello.example", DEMO_PASSWORD),
        ("Marketing editor", "editor@brello.example", DEMO_PASSWORD),
        ("Partner manager", "partners@brello.example", DEMO_PASSWORD),
    ]
