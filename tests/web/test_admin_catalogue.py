"""The admin console's departments, dispatch catalogue and deadline policy in a real
browser: a new unit is created, renamed, routed to, refused retirement while a rule names
it, retired once none does; every change says why and shows in the history; the policy
reads with its units; other roles are refused each screen."""

from __future__ import annotations

import uuid

from playwright.async_api import Page, expect

from schema.ticket import Role
from tests.support.browser import PASSWORD, Workbench, shoot


async def _submit(form_owner: Page, selector: str, **fields: str | list[str]) -> None:
    form = form_owner.locator(selector)
    for name, value in fields.items():
        field = form.locator(f"[name='{name}']")
        if await field.evaluate("element => element.tagName") == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(str(value))
    await form.locator("button[type=submit]").click()
    await form_owner.wait_for_load_state()


async def test_an_admin_keeps_departments_and_the_catalogue_with_reasons(
    workbench: Workbench,
) -> None:
    base = workbench.url
    admin_name = await workbench.account(Role.ADMIN)
    admin = await workbench.signed_in(admin_name)
    code = f"veterans-{uuid.uuid4().hex[:4]}"
    category = f"veteran-benefits-{uuid.uuid4().hex[:4]}"
    category_name = f"退役军人优待{uuid.uuid4().int % 10**4:04d}"
    token = await admin.request.post(
        f"{base}/v1/auth/token", data={"username": admin_name, "password": PASSWORD}
    )
    bearer = {"Authorization": f"Bearer {(await token.json())['access_token']}"}
    made = await admin.request.post(  # the tree holds it before a rule may route it
        f"{base}/v1/categories", data={"code": category, "name_zh": category_name}, headers=bearer
    )
    assert made.status == 201, await made.text()

    await admin.goto(f"{base}/admin/departments")
    await _submit(
        admin,
        "form[data-form=create]",
        code=code,
        name_zh="退役军人事务局",
        name="Veterans Affairs Bureau",
        note="机构改革，自1月1日起设立",
    )
    unit = admin.locator(f"tr[data-department='{code}']")
    await expect(unit).to_contain_text("退役军人事务局")
    await expect(admin.locator("table.history")).to_contain_text("机构改革，自1月1日起设立")

    await unit.locator("summary").click()
    await _submit(
        admin,
        f"tr[data-department='{code}'] form[data-form=rename]",
        name_zh="市退役军人事务局",
        note="更正全称",
    )
    await expect(unit).to_contain_text("市退役军人事务局")
    history = admin.locator("table.history")
    await expect(history).to_contain_text("退役军人事务局 → 市退役军人事务局")
    # Placed under a unit above it (二级派单's hierarchy), with the reason in the history.
    await unit.locator("summary").click()
    await _submit(
        admin,
        f"tr[data-department='{code}'] form[data-form=move]",
        parent="civil-affairs",
        note="划归民政局管理",
    )
    await expect(unit.locator("td.parent")).to_have_text("民政局")
    await expect(history).to_contain_text("划归民政局管理")

    # Routed to: the rule says why, and the unit cannot be retired while it is named.
    await admin.goto(f"{base}/admin/routing")
    await _submit(
        admin,
        "form[data-form=create]",
        category=category,
        lead=code,
        assisting=["water-supply"],
        note="联席会商决定（2026年第12次）",
    )
    rule = admin.locator("tr[data-rule]", has_text=category_name)
    await expect(rule.locator("td.lead")).to_have_text("市退役军人事务局")
    await expect(rule.locator("td.assisting")).to_have_text("自来水公司")
    await expect(rule).to_contain_text("联席会商决定（2026年第12次）")
    await _submit(  # the same category and district again
        admin, "form[data-form=create]", category=category, lead=code, note="重复"
    )
    await expect(admin.locator(".error")).to_contain_text("已存在")

    await admin.goto(f"{base}/admin/departments")
    await unit.locator("summary").click()
    await _submit(admin, f"tr[data-department='{code}'] form[data-form=retire]", note="并入民政局")
    await expect(admin.locator(".error")).to_contain_text("仍有规则指向该单位")
    await expect(unit).to_contain_text("启用")

    await admin.goto(f"{base}/admin/routing")
    await rule.locator("summary").click()
    await _submit(
        admin,
        f"tr[data-rule]:has-text('{category_name}') form[data-form=change]",
        lead="civil-affairs",
        assisting=[],
        note="职能调整：由民政局牵头",
    )
    await expect(rule.locator("td.lead")).to_have_text("民政局")
    await expect(rule.locator("td.assisting")).to_have_text("")
    await expect(history).to_contain_text("职能调整：由民政局牵头")
    await shoot(admin, "admin-routing")
    await rule.locator("summary").click()
    await _submit(
        admin,
        f"tr[data-rule]:has-text('{category_name}') form[data-form=delete]",
        note="类别并入“优抚安置”",
    )
    await expect(admin.locator("tr[data-rule]", has_text=category_name)).to_have_count(0)
    await expect(history.locator("tr", has_text="类别并入")).to_contain_text("删除")

    await admin.goto(f"{base}/admin/departments")
    await unit.locator("summary").click()
    await _submit(admin, f"tr[data-department='{code}'] form[data-form=retire]", note="并入民政局")
    await expect(unit).to_contain_text("已撤销")
    await shoot(admin, "admin-departments")

    await admin.goto(f"{base}/admin/policy")
    limits = admin.locator("table.by-urgency")
    await expect(limits.locator("tr", has_text="办理答复时限")).to_contain_text("7 天（自然日）")
    await expect(admin.locator("table.limits")).to_contain_text("个工作日")
    await shoot(admin, "admin-policy")

    for role in (Role.SUPERVISOR, Role.AGENT):
        other = await workbench.signed_in(await workbench.account(role))
        for screen in ("/admin/departments", "/admin/routing", "/admin/policy"):
            answer = await other.goto(f"{base}{screen}")
            assert answer is not None and answer.status == 403, (role, screen)
