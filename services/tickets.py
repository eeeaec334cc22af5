"""Tickets: intake, reading one, searching, and what each caller may see of them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated, TypeVar

from pydantic import BaseModel, Field

from hotline.personal_data import masked_copy
from hotline.sealing import sealer
from schema.body import DEPARTMENT_REFERENCE_PATTERN, MAX_PAGE, BoundedInstant
from schema.ladder import TOP_LEVEL
from schema.ticket import (
    Actor,
    Channel,
    Citizen,
    ReopenLink,
    Role,
    TicketCreate,
    TicketCreated,
    TicketStatus,
    TicketType,
    TicketView,
    TimelineEvent,
)
from services import attachment_refs, ticket_numbers
from services.choices import catalogue_choices
from services.context import AppContext
from services.duplicates import likely_duplicates
from services.errors import ServiceError, forbidden, not_found, require_offsets
from services.hierarchy import units_under
from services.idempotency import fingerprint, key_reused, scoped_key
from services.partners import check_speaks_for
from services.ticket_gateway import Matter
from services.ticket_queries import (
    TicketFilter,
    known_districts,
    list_tickets,
    stored_ticket,
    timeline,
)

View = TypeVar("View", bound=TicketView)
T = TypeVar("T")


# Roles that read citizens' names and phone numbers; others get them masked (张*, 138****1234).
# A department reads only its own tickets anyway, and needs them to contact the citizen.
CITIZEN_READERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN, Role.DEPARTMENT})


def sees_citizens(actor: Actor) -> bool:
    return actor.role in CITIZEN_READERS


def readable_by(actor: Actor, value: T) -> T:
    """Free texts (timeline, notices, rungs) as this caller may read them: as written for
    the roles that read citizens, every phone and ID-card number masked for the others."""
    return value if sees_citizens(actor) else masked_copy(value)


def shown_to(actor: Actor, ticket: View) -> View:
    """The ticket as this caller may see it: for a role that sees citizens masked, the
    citizen masked, and every phone or ID-card number in its free texts too."""
    if sees_citizens(actor):
        return ticket
    return masked_copy(ticket.model_copy(update={"citizen": ticket.citizen.masked()}))


async def check_department_sees(context: AppContext, actor: Actor, ticket: TicketView) -> None:
    """A department reads the tickets it is on (leading, assisting, passed down to it) and
    those of every unit under it in the hierarchy."""
    if actor.role is not Role.DEPARTMENT:
        return
    on_ticket = {ticket.lead_department, *ticket.assisting_departments, *ticket.passed_to}
    if actor.department in on_ticket:
        return
    async with context.sessions() as session:
        units = await units_under(session, actor.department or "")
    if not units & on_ticket:
        raise forbidden(f"department '{actor.department}' is not on ticket {ticket.ticket_no}")


@dataclass(frozen=True)
class Registered:
    """A ticket taken in: the ticket, and whether this was a retry answered as the first."""

    ticket: TicketView
    replayed: bool


async def register_ticket(
    context: AppContext,
    body: TicketCreate,
    actor: Actor,
    idempotency_key: str | None,
    reopened: ReopenLink | None = None,
) -> Registered:
    """Intake, shared by the API, the Open311 facade, reopening and the desk. A retry with
    the caller's key answers as the first attempt did, and says it was a replay."""
    if body.channel is Channel.POLICE:
        check_speaks_for(actor, Channel.POLICE.value, "handing a ticket over from 110")
    async with context.sessions() as session:
        districts = await known_districts(session)
    if body.district not in districts:
        raise ServiceError(
            422,
            "unknown_district",
            f"district '{body.district}' is not one the catalogue serves: {', '.join(districts)}",
        )
    key = scoped_key(actor, idempotency_key) if idempotency_key is not None else None
    request = fingerprint(body)
    existing = await ticket_numbers.find_by_key(context.sessions, key) if key else None
    if existing is not None:
        ticket_no, created, first = existing[0], False, existing[1]
    else:
        ticket_no, created, first = await ticket_numbers.allocate(
            context.sessions,
            timezone=context.policy.timezone,
            prefix=context.settings.ticket_prefix,
            idempotency_key=key,
            fingerprint=request,
        )
    body = await attachment_refs.resolved(context, ticket_no, actor, body)
    summary = await _summary(context, ticket_no, body)
    if created:
        return Registered(
            await context.tickets.start(ticket_no, body, actor, reopened, summary), False
        )
    if first is not None and first != request:
        raise key_reused(f"ticket {ticket_no}, with a different body")
    # Started now if an earlier attempt stopped short of it; joined while an attempt still
    # at it (a concurrent twin, on this API process or another) records intake, so that
    # both answer once intake is recorded, alike, not with the ticket half taken in.
    ticket = await _live_or_archived(context, ticket_no)
    if ticket is None or ticket.status is TicketStatus.RECEIVED:
        ticket = await context.tickets.start(ticket_no, body, actor, reopened, summary)
    return Registered(ticket, True)


# The kinds of matter as the Temporal UI's details name them (the workbench's own words
# are web/labels.py, translated there).
KIND_OF_MATTER = {
    TicketType.ENQUIRY: "咨询",
    TicketType.HELP: "求助",
    TicketType.COMPLAINT: "投诉",
    TicketType.REPORT: "举报",
    TicketType.SUGGESTION: "建议",
    TicketType.PRAISE: "表扬",
}


async def _summary(context: AppContext, ticket_no: str, body: TicketCreate) -> Matter:
    """What an operator reads in the Temporal UI: the number and the matter by its
    Chinese names (category · district), and in its details the kind of matter and the
    category's whole path; never the citizen or the text."""
    choices = await catalogue_choices(context)
    district = choices.place_name(body.district)
    details = [KIND_OF_MATTER[body.type], choices.category_path(body.category), district]
    if body.enterprise:
        details.append("涉企诉求")
    return Matter(
        summary=f"{ticket_no} {choices.category_name(body.category)} · {district}",
        details=" · ".join(details),
    )


async def _live_or_archived(context: AppContext, ticket_no: str) -> TicketView | None:
    """The live state, asked of the ticket's workflow; the read model once it has closed
    (where a referral that outlives the ticket still records its outcome) or is archived."""
    try:
        live = await context.tickets.view(ticket_no)
        if live.status is not TicketStatus.CLOSED:
            return live
    except ServiceError as problem:
        if problem.status != 404:
            raise
        live = None
    async with context.sessions() as session:
        return await stored_ticket(session, ticket_no) or live


class TicketSearch(BaseModel):
    """The filters and the page of a ticket list: the API's query and the search page's."""

    status: TicketStatus | None = None
    open: bool | None = None  # true: every status but closed
    department: Annotated[str | None, Field(pattern=DEPARTMENT_REFERENCE_PATTERN)] = None
    lead: Annotated[str | None, Field(pattern=DEPARTMENT_REFERENCE_PATTERN)] = None
    overdue: bool | None = None
    district: Annotated[str | None, Field(max_length=100)] = None
    category: Annotated[str | None, Field(max_length=100)] = None
    escalation_level: Annotated[int | None, Field(ge=0, le=TOP_LEVEL)] = None
    min_escalation_level: Annotated[int | None, Field(ge=0, le=TOP_LEVEL)] = None
    created_from: BoundedInstant | None = None
    created_to: BoundedInstant | None = None
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1
    page_size: Annotated[int, Field(ge=1, le=200)] = 50

    def where(self, department: str | None) -> TicketFilter:
        """The read-model filter, for this department (the caller's own, for a department)."""
        require_offsets(created_from=self.created_from, created_to=self.created_to)
        return TicketFilter(
            **self.model_dump(exclude={"department", "page", "page_size"}), department=department
        )


class TicketPage(BaseModel):
    items: list[TicketView]
    total: int
    page: int
    page_size: int


async def find_tickets(
    context: AppContext, actor: Actor, search: TicketSearch, phone: str | None = None
) -> TicketPage:
    """A page of the search; a department's reach is its own tickets and those of the units
    under it (one of them, when ``department`` names it). ``phone``: the caller's tickets
    only, found by the number's keyed hash (the workbench's search box; the API's query
    string takes no phone number, which would end up in access logs)."""
    department, units = search.department, None
    page, page_size = search.page, search.page_size
    async with context.sessions() as session:
        if actor.role is Role.DEPARTMENT:
            units = await units_under(session, actor.department or "")
            if department is not None and department not in units:
                raise forbidden(
                    f"department '{actor.department}' may list only its own tickets and those "
                    "of the units under it"
                )
            if department is None and len(units) == 1:
                department = actor.department  # no unit under it: its own index alone
        where = search.where(department)
        if units is not None and department is None:
            where = replace(where, departments=units)
        if search.category is not None:
            where = await _whole_group(context, where, search.category)
        if phone is not None:
            where = replace(where, phone_lookup=sealer().phone_lookup(phone))
        items, total = await list_tickets(
            session, where, offset=(page - 1) * page_size, limit=page_size
        )
    return TicketPage(
        items=[shown_to(actor, item) for item in items], total=total, page=page, page_size=page_size
    )


async def _whole_group(context: AppContext, where: TicketFilter, category: str) -> TicketFilter:
    """A group of the tree (城市管理, 市容环境) matches the tickets of every node below it."""
    below = (await catalogue_choices(context)).tree.subtree(category)
    if len(below) == 1:
        return where  # a leaf, or a code the tree does not hold: matched as it is
    return replace(where, category=None, categories=frozenset(below))


async def current_ticket(context: AppContext, ticket_no: str) -> TicketView:
    ticket = await _live_or_archived(context, ticket_no)
    if ticket is None:
        raise not_found(ticket_no)
    return ticket


async def with_duplicates(
    context: AppContext, actor: Actor, ticket: TicketView, body: TicketCreate
) -> TicketCreated:
    """The ticket taken in, with the open tickets it may duplicate, for the agent to merge."""
    async with context.sessions() as session:
        duplicates = await likely_duplicates(
            session,
            context.settings,
            ticket_no=ticket.ticket_no,
            category=body.category,
            district=body.district,
            description=body.description,
            at=ticket.created_at,
        )
    created = TicketCreated(**ticket.model_dump(), likely_duplicates=duplicates)
    return shown_to(actor, created)  # masking last: a masked phone is no valid phone


async def read_ticket(context: AppContext, actor: Actor, ticket_no: str) -> TicketView:
    """The ticket now, as this caller may see it, if it may read it at all."""
    ticket = await current_ticket(context, ticket_no)
    await check_department_sees(context, actor, ticket)
    return shown_to(actor, ticket)


async def citizen_of(context: AppContext, actor: Actor, ticket_no: str) -> Citizen:
    """The citizen's name and phone number, for the roles that may read personal data."""
    if actor.role not in CITIZEN_READERS:
        raise forbidden(f"role '{actor.role}' may not read citizens' personal data")
    ticket = await current_ticket(context, ticket_no)
    await check_department_sees(context, actor, ticket)
    return ticket.citizen


class Timeline(BaseModel):
    ticket_no: str
    events: list[TimelineEvent]


async def stored_timeline(context: AppContext, actor: Actor, ticket_no: str) -> list[TimelineEvent]:
    """The ticket's traces as stored, for a caller who may read the ticket (404, 403 else)."""
    async with context.sessions() as session:
        ticket = await stored_ticket(session, ticket_no)
        if ticket is None:
            raise not_found(ticket_no)
        await check_department_sees(context, actor, ticket)
        return await timeline(session, ticket_no)


async def timeline_of(context: AppContext, actor: Actor, ticket_no: str) -> Timeline:
    """Every trace of the ticket: who, when, what and why, as this caller may read them."""
    events = await stored_timeline(context, actor, ticket_no)
    return Timeline(ticket_no=ticket_no, events=readable_by(actor, events))
