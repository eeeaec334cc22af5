"""The admin console's category tree, places and the units' hierarchy in a real browser:
a node is added under its parent (numbered after it), renamed, given synonyms, retired,
each with its reason in the history; a routed node and a badly numbered one are refused
in Chinese; a street is added under its district and renamed; units show under theirs."""

from __future__ import annotations

import uuid

from playwright.async_api import Page, expect

from schema.ticket import Role
from tests.support.browser import Workbench, shoot


async def _submit(owner: Page, selector: str, **fields: str) -> None:
    form = owner.locator(selector)
    for name, value in fields.items():
        field = form.locator(f"[name='{name}']")
        if await field.evaluate("element => element.tagName") == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(value)
    await form.locator("button[type=submit]").click()
    await owner.wait_for_load_state()


async def test_an_admin_grows_renames_and_retires_a_category_with_reasons(
    workbench: Workbench,
) -> None:
    base = workbench.url
    admin = await workbench.signed_in(await workbench.account(Role.ADMIN))
    await admin.goto(f"{base}/admin/categories")
    top = admin.locator("li[data-category='01']")
    await expect(top.locator("> details > summary")).to_contain_text("一级")
    await expect(top.locator("> details > summary small.code")).to_have_text("01")

    name = f"共享单车乱停放{uuid.uuid4().int % 10**4:04d}"
    await _submit(
        admin,
        "form[data-form=create]",
        parent="0101",
        name_zh=name,
        synonyms="单车、乱停",
        note="联席会议决定新增",
    )
    node = admin.locator(f"li[data-category]:has(> .leaf .name:text-is('{name}'))")
    await expect(node).to_be_visible()  # the branches above it are open
    code = str(await node.get_attribute("data-category"))
    assert code.startswith("0101") and len(code) == 6, code
    await expect(node.locator(".level")).to_have_text("三级")
    await expect(node.locator("small.code")).to_have_text(code)
    history = admin.locator("table.history")
    await expect(history).to_contain_text("联席会议决定新增")

    node = admin.locator(f"li[data-category='{code}']")
    await node.locator("details.edit > summary").click()
    await _submit(
        admin,
        f"li[data-category='{code}'] form[data-form=rename]",
        name_zh="共享单车停放",
        note="更正名称",
    )
    await expect(node.locator(".leaf .name")).to_have_text("共享单车停放")
    await expect(history).to_contain_text(f"中文名称：{name} → 共享单车停放")

    await node.locator("details.edit > summary").click()
    await _submit(
        admin,
        f"li[data-category='{code}'] form[data-form=describe]",
        description="非机动车乱停乱放",
        synonyms="单车，共享单车，电动车",
        note="补充市民常用说法",
    )
    await expect(node.locator("small.synonyms")).to_have_text("单车、共享单车、电动车")
    await expect(history).to_contain_text("补充市民常用说法")

    await node.locator("details.edit > summary").click()
    await _submit(admin, f"li[data-category='{code}'] form[data-form=retire]", note="并入市容环境")
    await expect(node).to_have_class("retired")
    await expect(node).to_contain_text("已停用")
    await expect(history.locator("tr", has_text="并入市容环境")).to_contain_text(
        "状态：启用 → 已停用"
    )
    await shoot(admin, "admin-categories")

    # A node the dispatch catalogue routes stays; a code not its parent's and two digits
    # is refused; both said in Chinese, nothing changed.
    await admin.goto(f"{base}/admin/categories?shown=010101")
    routed = admin.locator("li[data-category='010101']")
    await routed.locator("details.edit > summary").click()
    await _submit(admin, "li[data-category='010101'] form[data-form=retire]", note="试图停用")
    await expect(admin.locator(".error")).to_contain_text("派单目录中仍有规则指向该分类")
    await expect(admin.locator("li[data-category='010101']")).not_to_have_class("retired")
    await _submit(
        admin, "form[data-form=create]", parent="0101", code="0199", name_zh="错号", note="试错"
    )
    await expect(admin.locator(".error")).to_contain_text("分类代码须为上级分类的代码加两位数字")


async def test_an_admin_adds_and_renames_a_street_and_sees_the_units_tree(
    workbench: Workbench,
) -> None:
    base = workbench.url
    admin = await workbench.signed_in(await workbench.account(Role.ADMIN))
    await admin.goto(f"{base}/admin/places")
    code = f"dinghai-new-{uuid.uuid4().hex[:4]}"
    await _submit(
        admin,
        "form[data-form=create]",
        parent="dinghai",
        code=code,
        name_zh="新城街道",
        note="行政区划调整",
    )
    street = admin.locator(f"li[data-place='{code}']")
    await expect(street).to_be_visible()  # its district is open
    await expect(street.locator(".level")).to_have_text("街道")
    await street.locator("details.edit > summary").click()
    await _submit(
        admin, f"li[data-place='{code}'] form[data-form=rename]", name_zh="新港街道", note="更名"
    )
    await expect(street.locator(".name")).to_have_text("新港街道")
    await expect(admin.locator("table.history")).to_contain_text("新城街道 → 新港街道")
    await _submit(  # a code the places already hold
        admin, "form[data-form=create]", parent="", code="dinghai", name_zh="重复", note="试错"
    )
    await expect(admin.locator(".error")).to_contain_text("已存在同一代码的区域或街道")
    await shoot(admin, "admin-places")

    await admin.goto(f"{base}/admin/departments")
    await admin.locator("details.units-tree > summary").click()
    district = admin.locator("details.units-tree li[data-unit='dinghai-gov']")
    await district.locator("> details > summary").click()
    await expect(district.locator("li[data-unit='dinghai-huannan']")).to_be_visible()
