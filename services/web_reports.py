"""随手拍: a citizen's report from the public web form, taken in as a ticket on channel
``web`` once the phone it gives answers the SMS code. Until then the report is kept
sealed with its code (``services.citizen_codes``) and its photos are uploaded but on no
ticket; the intake is the same as an agent's (``register_ticket``), under the code's
request id as its idempotency key, so a second confirmation makes no second ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from schema.ticket import Actor, Channel, Citizen, Role, TicketCreate, TicketType
from services import attachment_refs, citizen_codes
from services.choices import catalogue_choices
from services.citizen_page import token_for
from services.context import AppContext
from services.duplicates import likely_duplicates
from services.errors import ServiceError
from services.tickets import register_ticket

REPORTER = Actor(sub="web-report", role=Role.INTEGRATOR)
NAMELESS = "网络市民"  # the form asks for no name; the intake needs one


@dataclass(frozen=True)
class ReportForm:
    type: str
    category: str
    district: str
    description: str
    address: str | None
    lat: float | None
    long: float | None
    phone: str
    name: str | None


@dataclass(frozen=True)
class AskedCode:
    request_id: str
    alike_open: int  # open tickets nearby that read alike (likely duplicates)


async def report(
    context: AppContext, form: ReportForm, photos: list[tuple[str | None, bytes]]
) -> AskedCode:
    """The report checked as an intake would be, its photos uploaded, the code sent."""
    try:
        intake = TicketCreate(
            channel=Channel.WEB,
            type=TicketType(form.type),
            category=form.category,
            district=form.district,
            description=form.description,
            address=form.address,
            lat=form.lat,
            long=form.long,
            citizen=Citizen(name=form.name or NAMELESS, phone=form.phone),
        )
    except (ValueError, ValidationError) as problem:
        raise ServiceError(422, "invalid_input", str(problem), "invalid_input") from problem
    choices = await catalogue_choices(context)
    if intake.district not in choices.districts or not (
        intake.category in choices.tree.nodes and choices.tree.is_leaf(intake.category)
    ):
        raise ServiceError(422, "invalid_input", "no such category or district", "invalid_input")
    if len(photos) > context.settings.attachment_max_count:
        most = context.settings.attachment_max_count
        raise ServiceError(
            422,
            "too_many_attachments",
            f"at most {most} files",
            "too_many_attachments",
            {"most": most},
        )
    refs = [(await attachment_refs.upload(context, REPORTER, n, d)).ref for n, d in photos]
    intake = intake.model_copy(update={"attachments": refs})
    async with context.sessions() as session:
        alike = await likely_duplicates(
            session,
            context.settings,
            ticket_no="",
            category=intake.category,
            district=intake.district,
            description=intake.description,
            at=datetime.now(UTC),
        )
    draft = intake.model_dump(mode="json")
    request_id = await citizen_codes.ask_report_code(context, form.phone, draft)
    return AskedCode(request_id, len(alike))


async def confirm(context: AppContext, request_id: str, code: str) -> str | None:
    """The new ticket's citizen-page token when the code is right; None else."""
    draft = await citizen_codes.confirmed_report(context, request_id, code)
    if draft is None:
        return None
    intake = TicketCreate.model_validate(draft)
    registered = await register_ticket(context, intake, REPORTER, request_id[:100])
    return token_for(context, registered.ticket, datetime.now(UTC))
