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
