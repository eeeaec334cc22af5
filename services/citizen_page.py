"""The citizen's own page (H5), opened by the signed link their SMS carries: what became
of their request in plain words (which unit did what, the reply), never a member of
staff's name or an internal note; their rating once the reply is in; and the materials
the unit waits for, which resume the ticket.

The citizen acts through the same actions as the staff: the rating is the ``rating``
action (counted in 三率 exactly as an agent's callback), the materials resume the
suspension with the files on its trace. A link that is forged, altered, expired or no
longer the ticket's phone's opens nothing, and says nothing of the ticket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hotline.citizen_links import citizen_token, link_holds, read_token
from hotline.personal_data import mask_text
from hotline.sealing import sealer
from schema.action_bodies import RatingBody, ResumeBody
from schema.citizen_messages import CITIZEN_SUPPLEMENT_REASON
from schema.ticket import Actor, Role, Satisfaction, TicketStatus, TicketView, TimelineEvent
from services import attachment_refs
from services.actions import TICKET_ACTIONS, run_action
from services.choices import Choices, choices_in
from services.context import AppContext
from services.errors import ServiceError
from services.ticket_queries import stored_ticket, timeline

# Who the citizen's actions are recorded as: the rating as an integration's (as the SMS
# reply's is), the materials' resumption as the centre's (only it and the lead resume).
CITIZEN_ACCOUNT = "citizen-page"
RATING_ACTOR = Actor(sub=CITIZEN_ACCOUNT, role=Role.INTEGRATOR)
MATERIALS_ACTOR = Actor(sub=CITIZEN_ACCOUNT, role=Role.AGENT)
_ACTIONS = {action.name: action for action in TICKET_ACTIONS}

# The steps a citizen is shown, and whose words (a unit's content) go with them.
SHOWN_STEPS = frozenset(
    {
        "received",
        "dispatched",
        "signed",
        "progress",
        "extension_approved",
        "suspension_approved",
        "resumed",
        "answered",
        "replied",
        "sent_back_for_rework",
        "rated",
        "closed",
    }
)
_WORDS_OF = {
    "progress": "content",
    "replied": "content",
    "answered": "content",
    "suspension_approved": "reason",  # the policy's words: 等待市民补充材料
}


def link_refused() -> ServiceError:
    return ServiceError(
        403,
        "citizen_link_invalid",
        "this link is not valid or has expired",
        "citizen_link_invalid",
    )


@dataclass(frozen=True)
class CitizenStep:
    at: datetime
    action: str
    unit: str | None = None  # the unit's name, never a person's
    words: str | None = None  # what the unit wrote the citizen (progress, reply)
    outcome: str | None = None
    files: int = 0


@dataclass(frozen=True)
class CitizenView:
    ticket_no: str
    status: TicketStatus
    category: str
    district: str
    steps: list[CitizenStep]
    can_rate: bool
    rating: Satisfaction | None
    awaiting_materials: bool
    choices: Choices = field(repr=False)


def token_for(context: AppContext, ticket: TicketView, now: datetime) -> str:
    """The link's token for this ticket's citizen, good for ``citizen_link_days``."""
    until = int((now + timedelta(days=context.settings.citizen_link_days)).timestamp())
    lookup = sealer().phone_lookup(ticket.citizen.phone)
    return citizen_token(context.jwt_secret, ticket.ticket_no, lookup, until)


async def _opened(
    context: AppContext, token: str
) -> tuple[TicketView, list[TimelineEvent], Choices]:
    link = read_token(token)
    if link is None:
        raise link_refused()
    async with context.sessions() as session:
        ticket = await stored_ticket(session, link.ticket_no)
        if ticket is None:
            raise link_refused()  # the same answer: a link tells nothing of other tickets
        lookup = sealer().phone_lookup(ticket.citizen.phone)
        if not link_holds(context.jwt_secret, link, lookup, datetime.now(UTC)):
            raise link_refused()
        return ticket, await timeline(session, link.ticket_no), await choices_in(session)


def _unit_of(event: TimelineEvent) -> str | None:
    if event.action == "dispatched":
        lead = event.detail.get("lead")
        return str(lead) if lead else None
    role, _, rest = event.actor.partition(":")
    return rest.rpartition(":")[0] or None if role == Role.DEPARTMENT.value else None


def _steps(events: list[TimelineEvent], choices: Choices) -> list[CitizenStep]:
    steps = []
    for event in events:
        if event.action not in SHOWN_STEPS:
            continue
        unit = _unit_of(event)
        words = event.detail.get(_WORDS_OF.get(event.action, ""))
        steps.append(
            CitizenStep(
                at=event.at,
                action=event.action,
                unit=choices.name_of(unit) if unit else None,
                # Their own request's words, but any other number in them masked.
                words=mask_text(str(words)) if words else None,
                outcome=str(event.detail["outcome"]) if "outcome" in event.detail else None,
                files=len(event.detail.get("attachments", [])),
            )
        )
    return steps


def _awaiting_materials(ticket: TicketView, events: list[TimelineEvent]) -> bool:
    if ticket.status is not TicketStatus.SUSPENDED:
        return False
    approved = [e for e in events if e.action == "suspension_approved"]
    return bool(approved) and approved[-1].detail.get("reason") == CITIZEN_SUPPLEMENT_REASON


def _rating(events: list[TimelineEvent]) -> Satisfaction | None:
    rated = [e for e in events if e.action == "rated"]
    if not rated:
        return None
    return Satisfaction(str(rated[-1].detail.get("satisfaction", Satisfaction.NO_COMMENT)))


async def citizen_view(context: AppContext, token: str) -> CitizenView:
    ticket, events, choices = await _opened(context, token)
    return CitizenView(
        ticket_no=ticket.ticket_no,
        status=ticket.status,
        category=choices.category_path(ticket.category),
        district=choices.place_name(ticket.district),
        steps=_steps(events, choices),
        can_rate=ticket.status is TicketStatus.CALLBACK,
        rating=_rating(events),
        awaiting_materials=_awaiting_materials(ticket, events),
        choices=choices,
    )


async def rate(context: AppContext, token: str, body: RatingBody) -> None:
    """一事一评: the citizen's rating of this round's reply, once (a second try of the same
    round answers as the first; another rating of it is refused)."""
    ticket, events, _ = await _opened(context, token)
    rounds = sum(1 for e in events if e.action == "rated")
    key = f"citizen-page:{ticket.ticket_no}:rating:{rounds}"
    await run_action(context, _ACTIONS["rating"], ticket.ticket_no, RATING_ACTOR, body, key)


async def send_materials(
    context: AppContext, token: str, files: list[tuple[str | None, bytes]], note: str | None
) -> None:
    """补充材料: the citizen's files, and the suspension for them resumed with the files on
    its trace. 409 when the ticket does not wait for the citizen's materials."""
    ticket, events, _ = await _opened(context, token)
    if not _awaiting_materials(ticket, events):
        raise ServiceError(
            409,
            "not_awaiting_materials",
            "the ticket does not wait for materials from the citizen",
            "not_awaiting_materials",
        )
    if not files and not note:
        raise ServiceError(422, "empty_file", "nothing was sent", "empty_file")
    ids = []
    for name, data in files:
        uploaded = await attachment_refs.upload(context, MATERIALS_ACTOR, name, data)
        ids.append(uploaded.ref)
    body = ResumeBody(note=f"市民补充材料：{note}" if note else "市民补充材料", attachments=ids)
    await run_action(context, _ACTIONS["resume"], ticket.ticket_no, MATERIALS_ACTOR, body, None)
