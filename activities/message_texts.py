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
    MessageKind.CODE: (
        "{signature}验证码{code}，用于查询诉求{ticket_no}，10分钟内有效，请勿告知他人。"
    ),
}
HIDDEN_CODE = "******"  # the code as the message log keeps the text


def message_text(kind: MessageKind, ticket_no: str, signature: str, code: str = "") -> str:
    return TEXTS[kind].format(signature=signature, ticket_no=ticket_no, code=code)


# The messages that carry the citizen's link to their page (HOTLINE_CITIZEN_PAGE_BASE):
# to follow the request, to rate it, to send the materials asked for. With the link a text
# goes as two SMS.
LINKED = frozenset({MessageKind.RECEIPT, MessageKind.CALLBACK_INVITE, MessageKind.SUPPLEMENT})
LINK_WORDS = {
    MessageKind.RECEIPT: "查看进度：",
    MessageKind.CALLBACK_INVITE: "或网上评价：",
    MessageKind.SUPPLEMENT: "上传材料：",
}


def with_link(kind: MessageKind, text: str, page_base: str, token: str) -> str:
    if kind not in LINKED or not page_base:
        return text
    return f"{text}{LINK_WORDS[kind]}{page_base.rstrip('/')}/c/{token}"
