"""The admin console's accounts in a real browser: an admin creates a user, changes their
role, sets a new password and disables them, and each change ends the user's session;
other roles are refused; bad input is said in place."""

from __future__ import annotations

import re
import uuid

from playwright.async_api import expect

from schema.ticket import Role
from tests.support.browser import PASSWORD, Workbench, shoot


async def test_an_admin_manages_an_account_and_each_change_ends_its_sessions(
    workbench: Workbench,
) -> None:
    base = workbench.url
    admin = await workbench.signed_in(await workbench.account(Role.ADMIN))
    await admin.goto(f"{base}/admin/users")
    username, first = f"clerk-{uuid.uuid4().hex[:6]}", "first password 123"

    create = admin.locator("form[data-form=create]")
    await create.locator("[name=username]").fill(username)
    await create.locator("[name=display_name]").fill("周承办")
    await create.locator("[name=role]").select_option("department")
    await create.locator("[name=password]").fill(first)
    await create.locator("button").click()  # no department named
    await expect(admin.locator(".error")).to_contain_text("names its department")
    await create.locator("[name=username]").fill(username)
    await create.locator("[name=role]").select_option("department")
    await create.locator("[name=department]").select_option("water-supply")
    await create.locator("[name=password]").fill(first)
    await create.locator("button").click()
    row = admin.locator(f"tr[data-user='{username}']")
    await expect(row).to_contain_text("自来水公司")
    await shoot(admin, "admin-users")

    clerk = await workbench.signed_in(username, first)
    await expect(clerk).to_have_url(re.compile(r"/inbox$"))

    # A new role ends the session that carried the old one.
    await row.locator("summary").click()
    await row.locator("form[data-form=role] [name=role]").select_option("agent")
    await row.locator("form[data-form=role] [name=department]").select_option("")
    await row.locator("form[data-form=role] button").click()
    await expect(row).to_contain_text("话务员")
    await clerk.goto(f"{base}/inbox")
    await expect(clerk).to_have_url(re.compile(r"/sign-in(\?|$)"))
    clerk = await workbench.signed_in(username, first)
    await expect(clerk).to_have_url(re.compile(r"/desk$"))

    # A new password: the old one no longer signs in.
    await row.locator("summary").click()
    await row.locator("form[data-form=password] [name=password]").fill("second password 456")
    await row.locator("form[data-form=password] button").click()
    refused = await workbench.signed_in(username, first)
    await expect(refused.locator(".error")).to_be_visible()
    clerk = await workbench.signed_in(username, "second password 456")
    await expect(clerk).to_have_url(re.compile(r"/desk$"))

    # Disabled: the session ends and no sign-in is taken.
    await row.locator("summary").click()
    await row.locator("form[data-form=disable] button").click()
    await expect(row).to_contain_text("已停用")
    await clerk.goto(f"{base}/desk")
    await expect(clerk).to_have_url(re.compile(r"/sign-in(\?|$)"))
    again = await workbench.signed_in(username, "second password 456")
    await expect(again.locator(".error")).to_be_visible()

    for role in (Role.AGENT, Role.SUPERVISOR):
        other = await workbench.signed_in(await workbench.account(role))
        answer = await other.goto(f"{base}/admin/users")
        assert answer is not None and answer.status == 403
    assert PASSWORD  # the shared accounts' password is untouched by all this
