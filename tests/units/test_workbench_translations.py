"""The workbench's English catalogue covers every message the templates and the code mark,
with the same placeholders; Chinese pages are the messages as written."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from web.i18n import LOCALE, from_header, gettext_for

ROOT = Path(__file__).parents[2]
METHODS = [("web/**.py", "python"), ("web/templates/**.html", "jinja2")]


def _marked() -> set[str]:
    found = extract_from_dir(str(ROOT), METHODS, keywords={"_": None, "N_": None}, comment_tags=())
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def test_every_marked_message_has_its_english() -> None:
    with (LOCALE / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po, locale="en")
    marked = _marked()
    assert len(marked) > 150  # the extraction found the templates, not nothing
    english = {message.id: message.string for message in catalogue if message.id}
    missing = sorted(m for m in marked if not english.get(m))
    assert not missing, f"no English for: {missing} (see web/i18n.py to update the catalogue)"
    assert not [problem for _, problems in catalogue.check() for problem in problems]


def test_pages_speak_the_users_language() -> None:
    english, chinese = gettext_for("en"), gettext_for("zh")
    assert english("已受理") == "Received" and chinese("已受理") == "已受理"
    assert english("还剩 %(span)s") % {"span": "2 h"} == "2 h left"
    assert english("") == ""  # never gettext's catalogue header
    assert english("ticket W-1 is closed") == "ticket W-1 is closed"  # the API's own words
    assert from_header("en-GB,en;q=0.8") == "en"
    assert from_header("fr-FR, zh-CN;q=0.5") == "zh"
    assert from_header(None) == "zh"
