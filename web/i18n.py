"""The workbench's languages: Chinese as written in the templates and the code, English
from a gettext catalogue (``web/locale/en/LC_MESSAGES/messages.po``, kept with Babel).

The catalogue is compiled in memory when first used, so there is no build step and no
binary file in the repository. A message with no translation reads as written — which is
also how the API's own (English) refusal messages pass through.

    pybabel extract -F web/babel.cfg -k N_ -o /tmp/messages.pot .
    pybabel update -i /tmp/messages.pot -d web/locale
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from services.accounts import LANGUAGES

LOCALE = Path(__file__).parent / "locale"
DEFAULT = "zh"


def N_(message: str) -> str:  # gettext's name for "mark, translate later"
    """Marks a message for the catalogue where it is defined; it is translated when shown."""
    return message


@cache
def translations(language: str) -> gettext.NullTranslations:
    if language == DEFAULT or language not in LANGUAGES:
        return gettext.NullTranslations()
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def gettext_for(language: str) -> Callable[[str], str]:
    """The page's ``_``: a message in this language. An empty one stays empty (gettext
    would answer the catalogue's header for it)."""
    found = translations(language).gettext
    return lambda message: found(message) if message else message


def from_header(accept_language: str | None) -> str:
    """Before sign-in: the browser's first language the workbench speaks, else Chinese."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT
