"""Every page that takes a date refuses one beyond the days a request may name
(schema.body: 2000-01-01 to 2100-12-31) with a Chinese message, never a 500."""

from __future__ import annotations

from playwright.async_api import expect

from schema.ticket import Role
from tests.support.browser import Workbench

REFUSAL = "日期须在 2000-01-01 至 2100-12-31 之间"
FAR_RANGE = "period=range&from=0001-01-01&to=9999-12-31"
PAGES = [
    "/tickets?created_from=0001-01-01",
    "/tickets?created_to=9999-12-31",
    "/tickets?created_from=0001-01-01T00:00:00%2B08:00",  # as a hot spot's cell links
    "/escalations?from=0001-01-01",
    "/escalations?to=9999-12-31",
    "/escalations.csv?to=9999-12-31",
    f"/stats?{FAR_RANGE}",
    f"/stats.csv?{FAR_RANGE}",
    f"/stats.xlsx?{FAR_RANGE}",
    f"/stats/charts.json?{FAR_RANGE}",
    f"/hotspots?{FAR_RANGE}",
    "/hotspots?period=range&from=2026-01-01&to=9999-12-31",
]


async def test_every_page_refuses_a_day_out_of_range_in_chinese(workbench: Workbench) -> None:
    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    for path in PAGES:
        answer = await supervisor.request.get(f"{workbench.url}{path}")
        assert answer.status == 422, (path, answer.status)
        assert REFUSAL in await answer.text(), path
    shown = await supervisor.goto(f"{workbench.url}/tickets?created_to=9999-12-31")
    assert shown is not None and shown.status == 422
    await expect(supervisor.locator("p.error[role=alert]")).to_have_text(REFUSAL)
    # The last day of the range is a day like any other.
    last = await supervisor.request.get(f"{workbench.url}/tickets?created_to=2100-12-31")
    assert last.status == 200
