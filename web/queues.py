"""How the work queues (services/queues.py) are shown on the desk and the inbox: each
one's title and the deadline its rows count down to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from schema.ticket import Actor, Role, TicketView
from services.callback_invitations import InvitationMark, invitation_marks
from services.context import AppContext
from services.queues import WORK_QUEUES, queue_heads
from web.i18n import N_

PART_DUE = "assisting_part"  # a part's deadline is the department's own, in ``parts``


@dataclass(frozen=True)
class QueueRule:
    key: str
    title: str
    role: Role
    due: str | None  # the deadline its rows count down to


# key: (title, the deadline its rows count down to)
_SHOWN: dict[str, tuple[str, str | None]] = {
    "dispatch": (N_("待派单"), "dispatch"),
    "returned": (N_("退单待审核"), None),
    "handed-back": (N_("110退回"), "dispatch"),
    "with-110": (N_("转110待受理"), "police_acceptance"),
    "extension": (N_("延期待审核"), "reply"),
    "suspension": (N_("挂起待审核"), "reply"),
    "rating": (N_("不满意待审核"), "callback"),
    "callback": (N_("待回访"), "callback"),
    "meeting": (N_("联席会议待报到"), "joint_meeting"),
    "sign": (N_("待签收"), "sign"),
    "handling": (N_("办理中"), "reply"),
    "overdue": (N_("已超时"), "reply"),
    "suspended": (N_("已挂起"), "suspended"),
    "supervised": (N_("督办中"), "supervision"),
    "assisting": (N_("协办"), "reply"),
    "parts": (N_("协办意见待提交"), PART_DUE),
    "delegated-sign": (N_("下派待签收"), "delegated_reply"),
    "delegated-reply": (N_("下派待答复"), "delegated_reply"),
    "delegated-review": (N_("下级答复待审核"), "reply"),
    "passed-down": (N_("已下派"), "delegated_reply"),
}
# What the callback queue says of a row's invitation SMS.
INVITATION_SHOWN = {
    InvitationMark.WAITING: N_("邀评短信发送中"),
    InvitationMark.DELIVERED: N_("邀评短信已送达，可待市民回复"),
    InvitationMark.NOT_DELIVERED: N_("邀评短信未送达，请电话回访"),
    InvitationMark.REPLIED: N_("市民已短信回复，见内部备注"),
}


def invitation_shown(mark: InvitationMark | None) -> tuple[str, str] | None:
    return None if mark is None else (mark.value, INVITATION_SHOWN[mark])


QUEUES = tuple(QueueRule(q.key, _SHOWN[q.key][0], q.role, _SHOWN[q.key][1]) for q in WORK_QUEUES)
BY_KEY = {rule.key: rule for rule in QUEUES}


@dataclass(frozen=True)
class Queue:
    rule: QueueRule
    count: int
    first: list[TicketView]
    department: str | None = None  # whose queue: its own part's deadline is shown
    # The callback queue: what became of each row's invitation SMS (回访邀请).
    invitations: Mapping[str, InvitationMark] = field(default_factory=dict)

    def due(self, ticket: TicketView) -> datetime | None:
        """The deadline a row counts down to."""
        if self.rule.due == PART_DUE:
            owed = [p.due_at for p in ticket.parts if p.department == self.department]
            return owed[0] if owed else None
        return ticket.deadlines.get(self.rule.due) if self.rule.due else None

    def invitation(self, ticket_no: str) -> tuple[str, str] | None:
        """What became of the row's invitation SMS: its mark and its words."""
        return invitation_shown(self.invitations.get(ticket_no))

    def warns(self, ticket: TicketView) -> datetime | None:
        """When that deadline turns amber (an assisting part's has no warning instant)."""
        if self.rule.due == PART_DUE or not self.rule.due:
            return None
        return ticket.deadline_warnings.get(self.rule.due)


async def callback_invitations(
    context: AppContext, tickets: list[TicketView]
) -> dict[str, InvitationMark]:
    """What became of the invitation SMS of these rows of the callback queue."""
    return await invitation_marks(context, [ticket.ticket_no for ticket in tickets])


async def work_queues(context: AppContext, actor: Actor) -> list[Queue]:
    """Every queue of this user, filled, as the desk or the inbox lists them; the callback
    queue's rows with what became of their invitation SMS."""
    heads = await queue_heads(context, actor)
    callbacks = heads.get("callback")
    marks = await callback_invitations(context, callbacks.items) if callbacks else {}
    return [
        Queue(BY_KEY[key], p.total, p.items, actor.department, marks if key == "callback" else {})
        for key, p in heads.items()
    ]
