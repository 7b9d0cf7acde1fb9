"""The Latvian catalogue speaks with one voice: locale/glossary.csv names the chosen word for each term and the words
to avoid, and every Latvian message follows it."""

import csv
import gettext as stdlib_gettext
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = list(csv.DictReader((ROOT / "locale" / "glossary.csv").open(encoding="utf-8")))
# The compiled catalogue (compilemessages): what the portal really shows, plural forms included.
with (ROOT / "locale" / "lv" / "LC_MESSAGES" / "django.mo").open("rb") as mo:
    CATALOGUE = stdlib_gettext.GNUTranslations(mo)._catalog


@pytest.mark.parametrize("term", GLOSSARY, ids=[term["en"] for term in GLOSSARY])
def test_no_latvian_message_uses_an_avoided_word(term):
    avoided = [word for word in term["avoid_in_lv"].split("|") if word]
    offenders = [(msgid, text) for msgid, text in CATALOGUE.items() if msgid and any(word in text for word in avoided)]
    assert offenders == []


@pytest.mark.parametrize("term", GLOSSARY, ids=[term["en"] for term in GLOSSARY])
def test_the_chosen_word_translates_its_messages(term):
    with translation.override("lv"):
        for msgid in term["msgids"].split("|"):
            assert term["lv"] in gettext(msgid), msgid
