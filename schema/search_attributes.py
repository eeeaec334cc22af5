"""Custom search attributes of a ticket, for Temporal UI and ``temporal workflow list``.

Within the dev server's limits (10 Keyword, 3 of each other type). No personal data.
"""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

TICKET_STATUS = SearchAttributeKey.for_keyword("TicketStatus")
LEAD_DEPARTMENT = SearchAttributeKey.for_keyword("LeadDepartment")
URGENCY = SearchAttributeKey.for_keyword("Urgency")
CATEGORY = SearchAttributeKey.for_keyword("Category")
DISTRICT = SearchAttributeKey.for_keyword("District")
TICKET_TYPE = SearchAttributeKey.for_keyword("TicketType")
CLOSURE_REASON = SearchAttributeKey.for_keyword("ClosureReason")
ESCALATION_LEVEL = SearchAttributeKey.for_int("EscalationLevel")
REWORK_COUNT = SearchAttributeKey.for_int("ReworkCount")
OVERDUE = SearchAttributeKey.for_bool("Overdue")
REPLY_DUE = SearchAttributeKey.for_datetime("ReplyDue")
SIGN_DUE = SearchAttributeKey.for_datetime("SignDue")

ALL_KEYS: tuple[SearchAttributeKey, ...] = (
    TICKET_STATUS,
    LEAD_DEPARTMENT,
    URGENCY,
    CATEGORY,
    DISTRICT,
    TICKET_TYPE,
    CLOSURE_REASON,
    ESCALATION_LEVEL,
    REWORK_COUNT,
    OVERDUE,
    REPLY_DUE,
    SIGN_DUE,
)

# What a ticket started as generation 1 or later indexes (workflows.ticket.legacy.lean):
# what ops filter on to find open tickets that are stuck. Its status and due instants
# change with nearly every action, and each change is a history event and a visibility
# write (about 2 ms of the dev server's CPU, bench/); its closure reason is one more at
# the close, when Temporal's own execution status already says it ended. The read model
# and the workflow's current details carry them.
LEAN_KEYS: tuple[SearchAttributeKey, ...] = tuple(
    key for key in ALL_KEYS if key not in (TICKET_STATUS, REPLY_DUE, SIGN_DUE, CLOSURE_REASON)
)
