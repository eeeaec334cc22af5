"""The citizen's link: short enough for an SMS, bound to its ticket and its phone, good
until its instant, and nothing else opens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from activities.message_texts import with_link
from hotline.citizen_links import citizen_token, link_holds, read_token
from schema.citizen_messages import MessageKind

SECRET = "a secret long enough for the links"
NOW = datetime(2026, 12, 4, 10, tzinfo=UTC)
UNTIL = int((NOW + timedelta(days=30)).timestamp())


def test_a_link_opens_its_ticket_for_its_phone_until_it_expires() -> None:
    token = citizen_token(SECRET, "W20261204-000123", "lookup-of-the-phone", UNTIL)
    assert len(token) <= 50  # with a 30-character address, one link in one SMS segment
    link = read_token(token)
    assert link is not None and link.ticket_no == "W20261204-000123" and link.until == UNTIL
    assert link_holds(SECRET, link, "lookup-of-the-phone", NOW)
    assert not link_holds(SECRET, link, "lookup-of-another-phone", NOW)
    assert not link_holds("another secret", link, "lookup-of-the-phone", NOW)
    assert not link_holds(SECRET, link, "lookup-of-the-phone", NOW + timedelta(days=31))


def test_an_altered_link_opens_nothing() -> None:
    token = citizen_token(SECRET, "W20261204-000123", "lookup", UNTIL)
    number, until, signature = token.split(".")
    for altered in (
        f"W20261204-000124.{until}.{signature}",  # another ticket
        f"{number}.{int(until, 36) + 1:x}.{signature}",  # a later expiry
    ):
        link = read_token(altered)
        assert link is None or not link_holds(SECRET, link, "lookup", NOW)
    for junk in ("", "W1", "../../etc/passwd", f"{token}x", "a.b.c"):
        assert read_token(junk) is None


def test_the_receipt_carries_the_link_when_there_is_a_page() -> None:
    text = "【12345】您反映的诉求已受理"
    assert with_link(MessageKind.RECEIPT, text, "", "t") == text
    assert with_link(MessageKind.CLOSED, text, "https://12345.gov.cn", "t") == text
    linked = with_link(MessageKind.RECEIPT, text, "https://12345.gov.cn/", "tok")
    assert linked == f"{text}查看进度：https://12345.gov.cn/c/tok"
