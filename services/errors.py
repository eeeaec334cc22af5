"""Refusals of the services, one type for every caller: the API answers them as
``{"error": {"code", "message"}}`` with their status (docs/api.md); the pages show their
message beside the form. ``status`` is the HTTP class of the refusal, the one vocabulary
both sides share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pydantic import ValidationError


class ValidationErrors(Protocol):
    """Pydantic's ValidationError, or FastAPI's RequestValidationError."""

    def errors(self) -> Sequence[Any]: ...


class ServiceError(Exception):
    """``message`` is English, for integrators; ``reason`` and ``params``, when given, say
    the same as a stable code a page words in its user's language (web/refusal_words.py):
    a workflow's ``Reason`` or one of the services' own (``not_found``, …)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        reason: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.reason = reason
        self.params = params or {}


class Pending(Exception):
    """Temporal has the request, and its outcome is not known yet: 202 Accepted, with where
    to read the outcome (``Location``)."""

    def __init__(self, location: str, message: str, **fields: str) -> None:
        super().__init__(message)
        self.location = location
        self.body = {"status": "pending", "message": message, "outcome_url": location, **fields}


def not_found(ticket_no: str) -> ServiceError:
    return ServiceError(
        404, "unknown_ticket", f"no ticket {ticket_no}", "unknown_ticket", {"ticket_no": ticket_no}
    )


def forbidden(
    message: str, reason: str | None = None, params: dict[str, Any] | None = None
) -> ServiceError:
    return ServiceError(403, "forbidden", message, reason, params)


def require_offsets(**instants: datetime | None) -> None:
    """Query instants must say their UTC offset: a bare time is ambiguous across zones."""
    for name, value in instants.items():
        if value is not None and value.tzinfo is None:
            raise ServiceError(422, "invalid_input", f"'{name}' needs a UTC offset, e.g. +08:00")


def describe_validation(
    exc: ValidationErrors,
) -> tuple[str, list[dict[str, object]]]:
    details = [_detail(err) for err in exc.errors()]
    summary = "; ".join(f"{d['field']}: {d['problem']}" for d in details)
    return summary or "invalid request", details


def _detail(error: Any) -> dict[str, object]:
    location = list(error.get("loc", ()))
    if error.get("type") == "json_invalid":  # its location is (body, character offset)
        offset = location[1] if len(location) > 1 else "?"
        reason = (error.get("ctx") or {}).get("error", "")
        return {"field": "body", "problem": f"malformed JSON at character {offset}: {reason}"}
    return {"field": ".".join(str(part) for part in location), "problem": error.get("msg")}


@dataclass(frozen=True)
class Refusal:
    """What a service answered instead of a value, as every caller tells it: the API as its
    status and error body, a page as its status and the message beside the form."""

    status: int
    code: str
    message: str
    details: list[dict[str, object]] | None = None  # a refused body's fields
    location: str | None = None  # where a pending outcome will be (202)
    reason: str | None = None  # the stable code of why, when the refusal has one
    params: dict[str, Any] | None = None  # what the reason's words name
    errors: Sequence[Any] = ()  # a refused body's problems as pydantic gives them


def refusal_of(problem: ServiceError | Pending | ValidationErrors) -> Refusal:
    """The one mapping of a service's refusal (or a body the models refused) to its answer."""
    if isinstance(problem, ServiceError):
        return Refusal(
            problem.status,
            problem.code,
            problem.message,
            reason=problem.reason,
            params=problem.params if problem.reason else None,
        )
    if isinstance(problem, Pending):
        return Refusal(202, "pending", str(problem), location=problem.location)
    message, details = describe_validation(problem)
    return Refusal(422, "invalid_input", message, details, errors=problem.errors())


REFUSALS = (ServiceError, Pending, ValidationError)
"""What a service call may raise instead of answering: catch these, answer ``refusal_of``."""
