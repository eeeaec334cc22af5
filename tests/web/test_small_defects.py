"""The smaller defects of issue 24 in a real browser: the report's 打印 button prints
(its handler in a static script, as the CSP demands); a day picked for a pass-down reads
as that day; the layout uses a wide screen and wide tables fit their cards; XLSX rates
are percentages; the language switch stays on the page; the audit says in Chinese how it
drew its sample; report lists say what each ticket is about."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from playwright.async_api import Page, expect

from hotline.database import upsert
from schema.tables import Report
from schema.ticket import Role
from tests.support.browser import Workbench, act, shoot, take_call
from tests.support.waiting import eventually

CITY = ZoneInfo("Asia/Shanghai")


async def _keep(workbench: Workbench, report_id: str, kind: str, content: dict) -> None:
    start = datetime(2026, 10, 31, 16, tzinfo=UTC)
    row = {
        "id": report_id,
        "kind": kind,
        "period_from": start,
        "period_to": start + timedelta(days=30),
        "created_at": datetime.now(UTC),
        "content": content,
        "markdown": "",
    }
    async with workbench.read_model.sessions.begin() as session:
        await upsert(session, Report, [row])


async def test_a_report_prints_names_its_tickets_and_says_how_it_sampled(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"小区门口夜市占道经营扰民 {uuid.uuid4().hex[:6]}")
    tag = uuid.uuid4().hex[:6]
    clearance = {
        "unfinished": 1,
        "overdue": 0,
        "by_blocker": {"urban-management": 1},
        "tickets": [
            {
                "ticket_no": number,
                "age_days": 1.0,
                "stage": "dispatched",
                "blocker": "urban-management",
                "overdue": False,
                "escalation_level": 0,
                "category": "010101",
                "district": "dinghai",
            }
        ],
    }
    audit = {
        "seed": 202611,
        "population": 1,
        "population_sha256": "0" * 64,
        "method": "random.Random(seed).sample(sorted ticket numbers, k)",
        "tasks": [{"ticket_no": number, "lead": "urban-management", "status": "to_audit"}],
    }
    await _keep(workbench, f"clearance-{tag}", "clearance", clearance)
    await _keep(workbench, f"audit-{tag}", "audit", audit)
    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    await supervisor.add_init_script("window.printed = 0; window.print = () => window.printed++;")

    await supervisor.goto(f"{base}/reports/clearance-{tag}")
    await supervisor.get_by_role("button", name="打印").click()
    await eventually(
        lambda: supervisor.evaluate("window.printed === 1 || null"),
        within=5,
        message="打印 never called window.print",
    )
    listed = supervisor.locator("table.tickets tr", has_text=number)
    summary = listed.locator(".ticket-summary")
    await expect(summary).to_have_text(re.compile("^小区门口夜市占道经营扰民"))

    await supervisor.goto(f"{base}/reports/audit-{tag}")
    report = supervisor.locator("article.report")
    await expect(report).to_contain_text("随机种子 202611")
    await expect(report).not_to_contain_text("random")
    await expect(report.locator("table.tickets .ticket-summary")).to_contain_text("小区门口")
    await shoot(supervisor, "report-audit")


async def test_a_day_picked_for_a_pass_down_reads_as_that_day(workbench: Workbench) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    number = await take_call(agent, base, f"占道经营 {uuid.uuid4().hex[:6]}")
    bureau = await workbench.signed_in(await workbench.account(Role.DEPARTMENT, "urban-management"))
    await bureau.goto(f"{base}/tickets/{number}")
    await act(bureau, "sign")
    day = (datetime.now(CITY) + timedelta(days=1)).date()
    await act(bureau, "delegate", unit="urban-management-dinghai", reply_by=day.isoformat())
    picked = f"{day:%m-%d} 24:00"
    after = f"{day + timedelta(days=1):%m-%d} 00:00"
    await expect(bureau.locator("dd.delegations")).to_contain_text(picked)
    due = bureau.locator(".deadlines li", has_text="下级答复时限")
    await expect(due.locator("time")).to_have_text(picked)
    await expect(bureau.locator(".timeline")).to_contain_text(f"{day:%Y-%m-%d} 24:00")
    await expect(bureau.locator("main")).not_to_contain_text(after)


async def _fits(page: Page) -> None:
    """No sideways scroll of the page; a table wider than its card scrolls in the card;
    no header of the roll-up one character a line."""
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for card in await page.locator("section.card.wide-table").all():
        overflow = await card.evaluate("c => getComputedStyle(c).overflowX")
        assert overflow == "auto"
    line = await page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('table.rolled-up th')).lineHeight)"
    )
    for header in await page.locator("table.rolled-up th, table.ranking th").all():
        box = await header.bounding_box()
        assert box is not None and box["height"] <= 3.5 * line, await header.inner_text()


async def test_the_statistics_use_a_wide_screen_and_export_rates_as_percentages(
    workbench: Workbench,
) -> None:
    base = workbench.url
    agent = await workbench.signed_in(await workbench.account(Role.AGENT))
    await take_call(agent, base, f"占道经营 {uuid.uuid4().hex[:6]}")  # the bureau leads it
    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    await supervisor.goto(f"{base}/stats?period=today")
    await expect(supervisor.locator("table.rolled-up")).to_be_visible()
    await _fits(supervisor)
    await shoot(supervisor, "statistics-1366")

    await supervisor.set_viewport_size({"width": 1920, "height": 1080})
    await supervisor.reload()
    await expect(supervisor.locator("table.rolled-up")).to_be_visible()
    main = await supervisor.locator("main").bounding_box()
    assert main is not None and main["width"] > 1800  # not a 1,200 px column
    await _fits(supervisor)
    ranking = supervisor.locator("table.ranking")
    card = supervisor.locator("section.card.wide-table").first
    table_box, card_box = await ranking.bounding_box(), await card.bounding_box()
    assert table_box is not None and card_box is not None
    assert table_box["width"] <= card_box["width"]  # the whole ranking in its card at 1920
    await shoot(supervisor, "statistics-1920")

    book = await (await supervisor.request.get(f"{base}/stats.xlsx?period=today")).body()
    sheet = load_workbook(io.BytesIO(book)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    rates = [header.index(name) for name in ("响应率", "满意率", "退单率")]
    city = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "全市")
    for at in rates:
        assert city[at].number_format == "0.0%", header[at]
    assert city[header.index("工单数")].number_format == "General"


async def test_the_language_switch_stays_on_the_page(workbench: Workbench) -> None:
    base = workbench.url
    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    await supervisor.goto(f"{base}/tickets?status=handling")
    await supervisor.get_by_role("button", name="English").click()
    await expect(supervisor).to_have_url(f"{base}/tickets?status=handling")
    await expect(supervisor.locator("html")).to_have_attribute("lang", "en")
    await supervisor.get_by_role("button", name="中文").click()
    await expect(supervisor).to_have_url(f"{base}/tickets?status=handling")
    await expect(supervisor.locator("html")).to_have_attribute("lang", "zh-CN")

    # Never to another site, whatever the form says.
    token = await supervisor.locator("form.language input[name=csrf_token]").input_value()
    for elsewhere in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        answer = await supervisor.request.post(
            f"{base}/language",
            form={"csrf_token": token, "language": "zh", "back_to": elsewhere},
            headers={"Origin": base},
            max_redirects=0,
        )
        assert answer.status == 303 and answer.headers["location"] == "/", elsewhere
