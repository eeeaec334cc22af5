"""The periodic reports in a real browser: a supervisor compiles the ten-day bulletin with
the button and reads it with its ranking chart; the dispatch meeting and the month-end
clearance read in Chinese; each prints as A4 pages without the workbench around it; an
admin reads but does not compile; other roles are refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.async_api import expect

from hotline.database import upsert
from schema.tables import Report
from schema.ticket import Role
from tests.support.browser import Workbench, shoot

DISPATCH_MEETING = {
    "rules": {},
    "leader_deadline": "5wd",
    "assigned_to_leaders": [
        {
            "ticket_no": "W20261126000001",
            "lead": "urban-management",
            "leader": "分管副市长",
            "reasons": ["overdue", "reworked 2×"],
            "age_days": 12.5,
            "escalation_level": 3,
        }
    ],
    "already_under_leaders": [
        {
            "ticket_no": "W20261120000002",
            "lead": "water-supply",
            "leader": "常务副市长",
            "due": "2026-12-03T09:00:00+00:00",
            "age_days": 20.0,
        }
    ],
}
CLEARANCE = {
    "unfinished": 2,
    "overdue": 1,
    "by_blocker": {"the centre (return review)": 1, "water-supply": 1},
    "tickets": [
        {
            "ticket_no": "W20261025000003",
            "age_days": 36.0,
            "stage": "handling (return review)",
            "blocker": "the centre (return review)",
            "overdue": True,
            "escalation_level": 2,
            "category": "010101",
            "district": "dinghai",
        },
        {
            "ticket_no": "W20261028000004",
            "age_days": 33.0,
            "stage": "handling",
            "blocker": "water-supply",
            "overdue": False,
            "escalation_level": 0,
            "category": "030101",
            "district": "putuo",
        },
    ],
}


def _figures(department: str, rank: int | None, tickets: int, composite: float | None) -> dict:
    rate = None if composite is None else round(composite + 0.02, 4)
    return {
        "department": department,
        "rank": rank,
        "tickets": tickets,
        "response_rate": rate,
        "on_time_closure_rate": rate,
        "resolution_rate": composite,
        "satisfaction_rate": rate,
        "return_rate": 0.05,
        "missed_report_ins": 0 if rank != 3 else 1,
        "composite": composite,
    }


BULLETIN = {
    "statistics": {
        "overall": {
            "tickets": 60,
            "response_rate": 0.97,
            "resolution_rate": 0.81,
            "satisfaction_rate": 0.9,
            "composite": 0.86,
        },
        "departments": [
            _figures("water-supply", 1, 25, 0.93),
            _figures("civil-affairs", 2, 20, 0.84),
            _figures("urban-management", 3, 15, 0.71),
            _figures("health", None, 0, None),
        ],
    },
    "bottom_departments": ["urban-management"],
}


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


async def test_a_supervisor_compiles_and_prints_reports(workbench: Workbench) -> None:
    base = workbench.url
    await _keep(workbench, "dispatch_meeting-test", "dispatch_meeting", DISPATCH_MEETING)
    await _keep(workbench, "clearance-test", "clearance", CLEARANCE)
    await _keep(workbench, "bulletin-test", "bulletin", BULLETIN)
    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))

    await supervisor.goto(f"{base}/reports")
    compile_form = supervisor.locator("form[data-form=compile]")
    await compile_form.locator("[name=kind]").select_option("bulletin")
    await compile_form.locator("button").click()
    await expect(supervisor).to_have_url(re.compile(r"/reports/bulletin-[\d.-]+$"))
    await expect(supervisor.locator(".report-head h1")).to_have_text("十天一通报")
    await expect(supervisor.locator("[data-charts]")).to_have_attribute("data-drawn", "1")

    await supervisor.goto(f"{base}/reports/bulletin-test")
    charts = supervisor.locator("[data-charts]")
    await expect(charts).to_have_attribute("data-drawn", "1")
    figures = await supervisor.evaluate(
        "url => fetch(url).then(r => r.json())", await charts.get_attribute("data-charts")
    )
    ranked = supervisor.locator("table.ranking tr[data-department]")
    ranked_names = [
        (await row.locator("td").nth(1).inner_text()).strip()
        for row in await ranked.all()
        if (await row.locator("td").first.inner_text()).strip() not in ("–", "")
    ]
    # The chart is the table's ranking, best first; the unranked unit is in neither.
    assert figures["composite"] == {
        "labels": ranked_names,
        "values": [93.0, 84.0, 71.0],
    }
    assert ranked_names == ["自来水公司", "民政局", "城市管理局"]
    await expect(supervisor.locator("tr.bottom")).to_contain_text("城市管理局")
    await shoot(supervisor, "report-bulletin")

    await supervisor.goto(f"{base}/reports/dispatch_meeting-test")
    assigned = supervisor.locator("table.tickets").first
    await expect(assigned).to_contain_text("城市管理局")
    await expect(assigned).to_contain_text("逾期、重办 2 次")
    await shoot(supervisor, "report-dispatch-meeting")

    await supervisor.goto(f"{base}/reports/clearance-test")
    await expect(supervisor.locator("table").first).to_contain_text("热线中心（退单审核）")
    await expect(supervisor.locator("table.tickets")).to_contain_text("自来水公司")
    # Printed: the document alone, on A4.
    await supervisor.emulate_media(media="print")
    await expect(supervisor.locator("header.bar")).to_be_hidden()
    await expect(supervisor.locator(".report-head h1")).to_be_visible()
    pdf = await supervisor.pdf(prefer_css_page_size=True)
    assert re.search(rb"/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]", pdf)  # A4 in points
    await shoot(supervisor, "report-clearance-print")
    await supervisor.emulate_media(media="screen")

    await supervisor.goto(f"{base}/reports?kind=clearance")
    await expect(supervisor.locator("tr[data-report='clearance-test']")).to_contain_text("月末清零")

    admin = await workbench.signed_in(await workbench.account(Role.ADMIN))
    await admin.goto(f"{base}/reports")
    await expect(admin.locator("tr[data-report='clearance-test']")).to_be_visible()
    await expect(admin.locator("form[data-form=compile]")).to_have_count(0)
    for role in (Role.AGENT, Role.DISCIPLINE):
        other = await workbench.signed_in(await workbench.account(role))
        answer = await other.goto(f"{base}/reports/clearance-test")
        assert answer is not None and answer.status == 403, role
