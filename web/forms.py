"""An action's form, made from the same body model the API validates, and read back into it.

The page offers the fields of the API body; what comes back is validated by that model,
so the browser can send nothing the API would refuse to take.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text, textarea, choice, select, number, list, datetime, date
    required: bool
    options: tuple[str, ...] = ()
    default: str | None = None  # the body's own default, preselected
    max_length: int | None = None  # a text's limit in the body: the page's maxlength


# A decision's two answers as the form sends them; neither is chosen until the user does.
CHOICE_VALUES = {"yes": True, "no": False}

_LONG_TEXT = {"content", "reason", "note", "description", "comment", "plan", "agenda"}


def _plain(annotation: Any) -> Any:
    """``X | None`` → ``X``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kept = [a for a in typing.get_args(annotation) if a is not type(None)]
        return kept[0] if len(kept) == 1 else annotation
    return annotation


def form_fields(model: type[BaseModel]) -> list[Field]:
    fields = []
    for name, info in model.model_fields.items():
        annotation = _plain(info.annotation)
        origin = typing.get_origin(annotation)
        required = info.is_required()
        if annotation is bool:  # a decision: said out loud, never an unticked box
            fields.append(Field(name, "choice", required))
        elif isinstance(annotation, type) and issubclass(annotation, Enum):
            default = info.default.value if isinstance(info.default, Enum) else None
            options = tuple(m.value for m in annotation)
            fields.append(Field(name, "select", required, options, default))
        elif origin is typing.Literal:
            fields.append(Field(name, "select", required, tuple(typing.get_args(annotation))))
        elif annotation is int:
            fields.append(Field(name, "number", required))
        elif origin is list:
            fields.append(Field(name, "list", required))
        elif getattr(annotation, "__name__", "") == "datetime":
            fields.append(Field(name, "datetime", required))
        elif getattr(annotation, "__name__", "") == "date":
            fields.append(Field(name, "date", required))
        else:
            kind = "textarea" if name in _LONG_TEXT else "text"
            fields.append(Field(name, kind, required, max_length=_max_length(info.metadata)))
    return fields


def _max_length(metadata: list[Any]) -> int | None:
    """The body's own limit on a text (``Field(max_length=…)``), the page enforces it too."""
    for rule in metadata:
        limit = getattr(rule, "max_length", None)
        if isinstance(limit, int):
            return limit
    return None


def read_form(model: type[BaseModel], form: dict[str, str]) -> BaseModel:
    """The body from a submitted form; raises pydantic's ValidationError like the API."""
    data: dict[str, Any] = {}
    for field in form_fields(model):
        raw = form.get(field.name, "").strip()
        if field.kind == "choice":
            if raw in CHOICE_VALUES:  # nothing chosen: left out, so the body refuses it
                data[field.name] = CHOICE_VALUES[raw]
        elif field.kind == "list":
            data[field.name] = [item.strip() for item in raw.split(",") if item.strip()]
        elif raw:
            data[field.name] = raw
    return model.model_validate(data)
