"""The Latvian catalogue is complete: every UI string has a translation and none is a guess."""

from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "lv" / "LC_MESSAGES"


def _entries(po_text: str):
    """(flags, msgid, msgstr values) for each entry of a .po file, without its header."""
    for block in po_text.split("\n\n")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        body = [line for line in lines if not line.startswith("#")]
        msgid, msgstrs, current = "", [], None
        for line in body:
            if line.startswith("msgid "):
                current, msgid = "id", line[6:].strip('"')
            elif line.startswith("msgid_plural"):
                current = "plural"
            elif line.startswith("msgstr"):
                current = "str"
                msgstrs.append(line.split(" ", 1)[1].strip('"'))
            elif line.startswith('"'):
                if current == "id":
                    msgid += line.strip('"')
                elif current == "str":
                    msgstrs[-1] += line.strip('"')
        if msgid:
            yield flags, msgid, msgstrs


def test_every_latvian_message_is_translated_and_none_is_fuzzy():
    entries = list(_entries((CATALOGUE / "django.po").read_text(encoding="utf-8")))
    assert len(entries) > 400
    untranslated = [msgid for _, msgid, msgstrs in entries if not all(msgstrs)]
    fuzzy = [msgid for flags, msgid, _ in entries if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_is_committed_next_to_the_source():
    po, mo = CATALOGUE / "django.po", CATALOGUE / "django.mo"
    assert mo.exists() and mo.stat().st_size > 10_000
    assert po.exists()


def test_latvian_words_that_the_project_words_itself():
    """Django's own lv catalogue has the byte plurals in the wrong order; people are named "Vārds, uzvārds" and a
    pending invitation waits to be accepted (the outbox's "Pending" waits for delivery)."""
    from datetime import timedelta

    from django.template.defaultfilters import filesizeformat
    from django.utils import timezone, translation
    from django.utils.timesince import timesince
    from django.utils.translation import gettext, pgettext

    with translation.override("lv"):
        assert [filesizeformat(n).replace("\xa0", " ") for n in (1, 45, 341, 0)] == [
            "1 baits", "45 baiti", "341 baits", "0 baitu",
        ]  # fmt: skip
        now = timezone.now()
        assert [timesince(now - timedelta(minutes=m), now).replace("\xa0", " ") for m in (1, 5, 21)] == [
            "1 minūte", "5 minūtes", "21 minūte",
        ]  # fmt: skip
        assert gettext("Enter a valid email address.") == "Ievadiet derīgu e-pasta adresi."  # formal, as the portal
        assert pgettext("person", "Name") == "Vārds, uzvārds" and gettext("Name") == "Nosaukums"
        assert pgettext("invitation", "Pending") != gettext("Pending")
