"""The statistics page in a real browser: the chart and the ranking show what
``GET /v1/stats`` returns for the same period and weights, weights change the composite,
CSV and XLSX carry the same ranking, and other roles are refused."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import uuid
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.async_api import APIRequestContext, expect

from schema.ticket import Role
from tests.support.browser import Workbench, bearer, shoot


async def _rated_ticket(
    request: APIRequestContext,
    base: str,
    agent: dict[str, str],
    clerk: dict[str, str],
    **rating: Any,
) -> str:
    """A ticket through its life over the API: registered, signed, replied, rated."""
    body = {
        "channel": "phone",
        "type": "complaint",
        "category": "010101",
        "district": "xincheng",
        "description": f"夜间施工噪音 {uuid.uuid4().hex[:6]}",
        "citizen": {"name": "孙八", "phone": "13611112222"},
    }
    created = await request.post(f"{base}/v1/tickets", data=body, headers=agent)
    assert created.status == 201, await created.text()
    no = (await created.json())["ticket_no"]
    steps = [
        ("sign", clerk, {}),
        ("reply", clerk, {"outcome": "resolved", "content": "已责令停工"}),
        ("rating", agent, rating),
    ]
    for action, headers, data in steps:
        answer = await request.post(f"{base}/v1/tickets/{no}/{action}", data=data, headers=headers)
        assert answer.status == 200, await answer.text()
    return no


async def test_the_statistics_page_shows_what_the_api_computes(workbench: Workbench) -> None:
    base = workbench.url
    supervisor_name = await workbench.account(Role.SUPERVISOR)
    supervisor = await workbench.signed_in(supervisor_name)
    request = supervisor.request
    agent = await bearer(request, base, await workbench.account(Role.AGENT))
    clerk = await bearer(
        request, base, await workbench.account(Role.DEPARTMENT, "urban-management")
    )
    await _rated_ticket(request, base, agent, clerk, satisfaction="satisfied", solved=True)
    await _rated_ticket(
        request, base, agent, clerk, satisfaction="basically_satisfied", solved=False
    )
    api = await bearer(request, base, supervisor_name)

    await supervisor.goto(f"{base}/stats?period=today")
    section = supervisor.locator("[data-charts]")
    await expect(section).to_have_attribute("data-drawn", "3")  # composite, trend, tickets
    await shoot(supervisor, "statistics")
    charts = await (await request.get(f"{base}/stats/charts.json?period=today")).json()
    period = {"from": charts["period_from"], "to": charts["period_to"]}
    stats = await (await request.get(f"{base}/v1/stats", params=period, headers=api)).json()
    by_code = {d["department"]: d for d in stats["departments"]}
    drawn = dict(zip(charts["composite"]["codes"], charts["composite"]["values"], strict=True))
    assert drawn == {c: d["composite"] for c, d in by_code.items() if d["composite"] is not None}
    assert "urban-management" in drawn
    # Today's trend is one day: the city's figures for the period.
    overall = stats["overall"]
    assert charts["trend_tickets"]["values"] == [overall["tickets"]]
    assert charts["trend"]["series"]["综合得分"] == [round(100 * overall["composite"], 1)]
    await supervisor.locator(".trend details summary").click()
    today_row = supervisor.locator(".trend-table tr[data-day]")
    await expect(today_row.locator("[data-metric=tickets]")).to_have_text(str(overall["tickets"]))
    week = await (await request.get(f"{base}/stats/charts.json?period=week")).json()
    week_stats = await (
        await request.get(
            f"{base}/v1/stats",
            params={"from": week["period_from"], "to": week["period_to"]},
            headers=api,
        )
    ).json()
    assert len(week["trend_tickets"]["labels"]) == 7  # a line a day, Monday to Sunday
    assert sum(week["trend_tickets"]["values"]) == week_stats["overall"]["tickets"]
    row = supervisor.locator("table.ranking tr[data-department=urban-management]")
    urban = by_code["urban-management"]
    for metric in ("tickets", "closed"):
        await expect(row.locator(f"[data-metric={metric}]")).to_have_text(str(urban[metric]))
    await expect(row.locator("[data-metric=resolution_rate]")).to_have_text(
        f"{urban['resolution_rate'] * 100:.1f}%"
    )
    await expect(row.locator("[data-metric=composite]")).to_have_text(f"{urban['composite']:.4f}")
    # The bureau with its district branch, rolled up the hierarchy.
    rolled = {u["department"]: u for u in stats["rolled_up"]}["urban-management"]
    assert rolled["units"] == ["urban-management-dinghai"] and rolled["tickets"] >= urban["tickets"]
    rolled_row = supervisor.locator("table.rolled-up tr[data-department=urban-management]")
    await expect(rolled_row).to_contain_text("城市管理局定海分局")
    await expect(rolled_row.locator("[data-metric=tickets]")).to_have_text(str(rolled["tickets"]))

    # Weights on the page weigh the composite as the API's do.
    await supervisor.fill("input[name=weight_response]", "0")
    await supervisor.fill("input[name=weight_resolution]", "0")
    await supervisor.fill("input[name=weight_satisfaction]", "1")
    await supervisor.click("form.filters button[type=submit]")
    await expect(supervisor).to_have_url(re.compile(r"weight_satisfaction=1"))
    weighted = {**period, "weight_response": 0, "weight_resolution": 0, "weight_satisfaction": 1}
    again = await (await request.get(f"{base}/v1/stats", params=weighted, headers=api)).json()
    urban = next(d for d in again["departments"] if d["department"] == "urban-management")
    await expect(row.locator("[data-metric=composite]")).to_have_text(f"{urban['composite']:.4f}")

    # The exports carry the same ranking.
    async with supervisor.expect_download() as started:
        await supervisor.click("a[href^='/stats.csv']")
    text = await asyncio.to_thread(Path(await (await started.value).path()).read_text, "utf-8-sig")
    assert "综合得分" in text.splitlines()[0] and "城市管理局" in text
    async with supervisor.expect_download() as started:
        await supervisor.click("a[href^='/stats.xlsx']")
    raw = await asyncio.to_thread(Path(await (await started.value).path()).read_bytes)
    sheet = load_workbook(io.BytesIO(raw)).active
    assert sheet is not None
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "城市管理局" in names and "全市" in names
    assert names.index("全市") < names.index("城市管理局（含下级单位）")  # the roll-up after

    for role in (Role.AGENT, Role.DISCIPLINE):
        refused = await workbench.signed_in(await workbench.account(role))
        answer = await refused.goto(f"{base}/stats")
        assert answer is not None and answer.status == 403
    bad = await supervisor.goto(f"{base}/stats?period=range&from=2026-12-05&to=2026-12-01")
    assert bad is not None and bad.status == 422


async def test_the_exports_carry_a_unit_named_like_a_formula_as_text(
    workbench: Workbench,
) -> None:
    base = workbench.url
    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    request = supervisor.request
    admin = await bearer(request, base, await workbench.account(Role.ADMIN))
    code, category = f"formula-{uuid.uuid4().hex[:6]}", f"formula-{uuid.uuid4().hex[:6]}"
    for path, body in (
        ("departments", {"code": code, "name": "formula", "name_zh": "=ZH1+1"}),
        ("categories", {"code": category, "name_zh": "=1+1"}),
        ("routing-rules", {"category": category, "lead": code}),
    ):
        made = await request.post(f"{base}/v1/{path}", data=body, headers=admin)
        assert made.status == 201, await made.text()
    agent = await bearer(request, base, await workbench.account(Role.AGENT))
    ticket = {
        "channel": "phone",
        "type": "complaint",
        "category": category,
        "district": "xincheng",
        "description": "公式注入测试",
        "citizen": {"name": "孙八", "phone": "13611112222"},
    }
    created = await request.post(f"{base}/v1/tickets", data=ticket, headers=agent)
    assert created.status == 201, await created.text()

    exported = await (await request.get(f"{base}/stats.csv?period=today")).body()
    assert exported[:3] == b"\xef\xbb\xbf"  # a real byte-order mark, not the text \ufeff
    names = [row[1] for row in csv.reader(io.StringIO(exported[3:].decode("utf-8")))]
    assert names[0] == "单位" and "'=ZH1+1" in names and "=ZH1+1" not in names
    book = await (await request.get(f"{base}/stats.xlsx?period=today")).body()
    sheet = load_workbook(io.BytesIO(book)).active
    assert sheet is not None
    cells = {row[1].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert "'=ZH1+1" in cells and cells["'=ZH1+1"].data_type == "s"
    assert not [c for c in cells.values() if c.data_type == "f"]
