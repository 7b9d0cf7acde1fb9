"""Demo logins for development. Passwords are public knowledge: never run this in production."""

from django.contrib.auth.models import Group

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


def staff_seed() -> list[tuple[str, str, str]]:
    """Create the staff superuser and a marketing editor; return (role, e-mail, password) rows."""
    _ensure_user("admin@brello.example", first_name="Anna", last_name="Admin", is_staff=True, is_superuser=True)
    editor = _ensure_user("editor@brello.example", first_name="Emils", last_name="Editor", is_staff=True)
    editors = Group.objects.filter(name="Editors").first()
    if editors:
        editor.groups.add(editors)
    return [
        ("Staff superuser", "admin@brello.example", DEMO_PASSWORD),
        ("Marketing editor", "editor@brello.example", DEMO_PASSWORD),
    ]
