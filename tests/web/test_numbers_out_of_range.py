"""Numbers in the workbench's paths and queries that no row or page can have: a routing
rule's id beyond what its column holds is no rule (404, in Chinese), a page number in
other digits is the first page; never a 500."""

from __future__ import annotations

from schema.ticket import Role
from tests.support.browser import Workbench


async def test_a_rule_id_no_column_holds_is_no_rule(workbench: Workbench) -> None:
    admin = await workbench.signed_in(await workbench.account(Role.ADMIN))
    await admin.goto(f"{workbench.url}/admin/routing")
    token = await admin.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token
    for path in (
        "/admin/routing/9223372036854775808",
        "/admin/routing/-9223372036854775809/delete",
        "/admin/routing/2147483648/delete",
    ):
        answer = await admin.request.post(
            f"{workbench.url}{path}",
            form={"csrf_token": token, "lead": "housing", "note": "探测"},
            headers={"Origin": workbench.url},
        )
        assert answer.status == 404, (path, answer.status)
        assert "这条派单规则已不存在" in await answer.text(), path


async def test_a_page_number_in_other_digits_is_the_first_page(workbench: Workbench) -> None:
    supervisor = await workbench.signed_in(await workbench.account(Role.SUPERVISOR))
    for number in ("²", "١٢", "9999999999"):
        answer = await supervisor.request.get(f"{workbench.url}/reports?page={number}")
        assert answer.status == 200, (number, answer.status)
