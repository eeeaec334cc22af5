"""How a workflow refuses an action, in words the API turns into an HTTP status: an
``ApplicationError`` whose ``type`` is a ``RefusalType``. The ticket, its children and
the API's gateway import it from here. Pure."""

from __future__ import annotations

from enum import StrEnum
from typing import NoReturn

from temporalio.exceptions import ApplicationError


class RefusalType(StrEnum):
    INVALID_STATE = "InvalidState"  # 409
    FORBIDDEN = "Forbidden"  # 403
    INVALID_INPUT = "InvalidInput"  # 422


def refuse(kind: RefusalType, message: str) -> NoReturn:
    raise ApplicationError(message, type=kind.value, non_retryable=True)
