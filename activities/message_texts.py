"""What the citizen's SMS say, per event: plain Chinese, the ticket number in each, the
hotline's signature first (as Chinese operators require of a sender)."""

from __future__ import annotations

from schema.citizen_messages import MessageKind

# Each fits one SMS (70 characters in UCS-2) with a ticket number of 20 characters: a
# longer one goes as two, and costs the city twice.
SMS_LENGTH = 70
TEXTS: dict[MessageKind, str] = {
    MessageKind.RECEIPT: "{signature}您反映的诉求已受理，编号{ticket_no}，我们已转交相关单位办理。",
    MessageKind.CALLBACK_INVITE: (
        "{signature}您的诉求{ticket_no}已答复，请回复评价：1满意 2基本满意 3不满意，回TD退订"
    ),
    MessageKind.CLOSED: "{signature}您的诉求{ticket_no}已办结，感谢您对12345热线的支持。",
    MessageKind.SUPPLEMENT: (
        "{signature}您的诉求{ticket_no}需补充材料，承办单位将与您联系，补齐后继续办理。"
    ),
}


def message_text(kind: MessageKind, ticket_no: str, signature: str) -> str:
    return TEXTS[kind].format(signature=signature, ticket_no=ticket_no)
