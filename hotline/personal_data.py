"""Personal data in free text: phone numbers and ID-card numbers (身份证号), masked.

Citizens write their numbers into descriptions and staff into notes ("call 13900001111").
Everything served to a role that sees citizens masked, everything served without sign-in
(Open311) and every log line passes through ``mask_text``.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T")

# Mainland mobile numbers, with or without +86 / 86: 13812341234 → 138****1234.
_MOBILE = re.compile(
    r"(?<![\dA-Za-z])((?:\+?86[- ]?)?1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![\dA-Za-z])"
)
# Resident ID numbers, 18 digits (the last may be X) or the old 15: the birth date and
# sequence hidden, 110101199003071234 → 110101********1234.
_ID_CARD_18 = re.compile(r"(?<![\dA-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dA-Za-z])")
_ID_CARD_15 = re.compile(r"(?<![\dA-Za-z])(\d{6})(\d{6})(\d{3})(?![\dA-Za-z])")
# Landlines: an area code 0xx / 0xxx, then 7 or 8 digits: 0574-87654321 → 0574-****4321.
_LANDLINE = re.compile(r"(?<![\dA-Za-z])(\(?0\d{2,3}\)?[- ]?)(\d{3,4})(\d{4})(?![\dA-Za-z])")


def mask_text(text: str) -> str:
    """The text with every mobile, landline and ID-card number masked."""
    for id_card in (_ID_CARD_18, _ID_CARD_15):
        text = id_card.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    text = _MOBILE.sub(r"\1****\3", text)
    return _LANDLINE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def masked_copy(value: T) -> T:
    """A copy of a value (a model, a list, a dict, a text) with every text in it masked.
    Enumerations and other typed values are kept as they are."""
    masked: Any
    if isinstance(value, str) and type(value) is str:
        masked = mask_text(value)
    elif isinstance(value, BaseModel):
        fields = type(value).model_fields
        masked = value.model_copy(
            update={name: masked_copy(getattr(value, name)) for name in fields}
        )
    elif isinstance(value, list):
        masked = [masked_copy(item) for item in value]
    elif isinstance(value, dict):
        masked = {key: masked_copy(item) for key, item in value.items()}
    else:
        masked = value
    return masked
