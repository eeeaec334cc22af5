"""The desk tools every peer has: internal notes between the units, and the printable
交办单 of a ticket."""

from __future__ import annotations

import io
import re
import uuid

from playwright.async_api import expect
from pypdf import PdfReader

from schema.ticket import Role
from tests.support.browser import Workbench, shoot, take_call

PHONE = re.compile(r"1\d{10}")


async def test_notes_between_units_and_a_one_page_sheet(workbench: Workbench) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    no = await take_call(agent, base, f"占道摆摊 {uuid.uuid4().hex[:6]}", phone="13912345678")
    await agent.fill("#internal-notes textarea[name=text]", "请尽快联系市民")
    await agent.click("#internal-notes button[type=submit]")
    await expect(agent.locator("#internal-notes .notes")).to_contain_text("请尽快联系市民")

    clerk = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await clerk.goto(f"{base}/tickets/{no}")
    await expect(clerk.locator("#internal-notes .notes")).to_contain_text("请尽快联系市民")
    await shoot(clerk, "ticket-page-internal-notes")
    discipline = await workbench.signed_in(await workbench.account(Role.DISCIPLINE))
    await discipline.goto(f"{base}/tickets/{no}")
    await expect(discipline.locator("h1")).to_contain_text(no)
    await expect(discipline.locator(".internal-notes")).to_have_count(0)

    await clerk.goto(f"{base}/tickets/{no}/print")
    await expect(clerk.locator(".stamp-area")).to_contain_text("盖章")
    await clerk.emulate_media(media="print")
    await shoot(clerk, "ticket-print-sheet")
    pdf = PdfReader(io.BytesIO(await clerk.pdf(format="A4")))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (int(box.width), int(box.height)) == (595, 842)  # A4, in points
    text = pdf.pages[0].extract_text()
    assert no in text
    assert PHONE.search(text.replace(" ", "")) is None
