"""What every workbench page shares: the templates, the signed-in user (and the CSRF check
on every state-changing request), and refusals answered as pages."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from schema.body import DAY_OUT_OF_RANGE
from schema.ladder import TOP_LEVEL
from schema.ticket import Role
from services.choices import Choices
from services.context import AppContext
from services.errors import Pending, Refusal, ServiceError, refusal_of
from services.web_sessions import SignedIn, signed_in
from web import event_details, labels, refusal_words
from web.i18n import N_, from_header, gettext_for
from web.sessions import COOKIE

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(labels=labels, event_details=event_details, top_level=TOP_LEVEL)
templates.env.globals.update(refusal_words=refusal_words)


class SignInNeeded(Exception):
    pass


class WebError(ServiceError):
    """A refusal on a page: answered as a page, with the API's status and message."""

    @classmethod
    def of(cls, problem: ServiceError) -> WebError:
        return cls(problem.status, problem.code, problem.message, problem.reason, problem.params)


async def _context(request: Request) -> AppContext:
    """The services' context, which the start-up put on the application."""
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(_context)]


async def user(request: Request, context: ContextDep) -> SignedIn:
    found = await signed_in(context.sessions, request.cookies.get(COOKIE))
    if found is None:
        raise SignInNeeded
    if request.method == "POST":
        check_same_origin(request)
        form = await request.form()
        sent = request.headers.get("x-csrf-token") or str(form.get("csrf_token", ""))
        if sent != found.csrf_token:
            raise WebError(403, "csrf", "this form has expired or did not come from this site")
    return found


UserDep = Annotated[SignedIn, Depends(user)]


def require_role(me: SignedIn, roles: Collection[Role], refusal: str) -> None:
    """A page for some roles only: anyone else is refused with 403 and ``refusal`` (an
    N_-marked message naming who the page is for)."""
    if me.account.role not in roles:
        raise WebError(403, "forbidden", refusal)


# Said in full on the page (the model's own words are English); the days of schema.body.
DAY_RANGE_REFUSAL = N_("日期须在 2000-01-01 至 2100-12-31 之间")


def refused(problem: ServiceError | Pending | ValidationError) -> Refusal:
    """A refusal as a page tells it: the services' one mapping, in the page's words for a
    day out of range."""
    refusal = refusal_of(problem)
    if isinstance(problem, ValidationError) and any(
        error["type"] == DAY_OUT_OF_RANGE for error in problem.errors()
    ):
        return replace(refusal, message=DAY_RANGE_REFUSAL)
    return refusal


def check_same_origin(request: Request) -> None:
    """A state-changing request must come from a page of this site (Origin, else Referer)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is not None and urlsplit(origin).netloc != request.url.netloc:
        raise WebError(403, "csrf", "requests from another site are refused")


def page(
    request: Request, name: str, me: SignedIn | None, status: int = 200, **values: Any
) -> Response:
    """A template in the user's language (the browser's, before sign-in)."""
    language = me.account.language if me else from_header(request.headers.get("accept-language"))
    if isinstance(values.get("choices"), Choices):  # the catalogue's names, in that language
        values["choices"] = values["choices"].speaking(language)
    shown = {
        "me": me,
        "now": datetime.now(UTC),
        "language": language,
        "_": gettext_for(language),
        **values,
    }
    return templates.TemplateResponse(request, name, shown, status_code=status)


def paging(path: str, query: dict[str, str], total: int, page_size: int) -> dict[str, Any]:
    """What ``paging.html`` needs: how many pages, and a link to each that keeps the filters."""

    def page_link(number: int) -> str:
        return f"{path}?" + urlencode({**query, "page": str(number)})

    return {"pages": max(1, -(-total // page_size)), "page_link": page_link}
