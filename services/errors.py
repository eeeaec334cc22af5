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
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class Pending(Exception):
    """Temporal has the request, and its outcome is not known yet: 202 Accepted, with where
    to read the outcome (``Location``)."""

    def __init__(self, location: str, message: str, **fields: str) -> None:
        super().__init__(message)
        self.location = location
        self.body = {"status": "pending", "message": message, "outcome_url": location, **fields}


def not_found(ticket_no: str) -> ServiceError:
    return ServiceError(404, "unknown_ticket", f"no ticket {ticket_no}")


def forbidden(message: str) -> ServiceError:
    return ServiceError(403, "forbidden", message)


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


def refusal_of(problem: ServiceError | Pending | ValidationErrors) -> Refusal:
    """The one mapping of a service's refusal (or a body the models refused) to its answer."""
    if isinstance(problem, ServiceError):
        return Refusal(problem.status, problem.code, problem.message)
    if isinstance(problem, Pending):
        return Refusal(202, "pending", str(problem), location=problem.location)
    message, details = describe_validation(problem)
    return Refusal(422, "invalid_input", message, details)


REFUSALS = (ServiceError, Pending, ValidationError)
"""What a service call may raise instead of answering: catch these, answer ``refusal_of``."""
