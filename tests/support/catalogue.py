"""Catalogue rows a test makes for itself: a category of its own in the tree, and a unit
with a category routed to it."""

from __future__ import annotations

import uuid

from playwright.async_api import Page

from schema.ticket import Role
from tests.support.api_client import Api
from tests.support.browser import Workbench, bearer


async def new_category(api: Api, name_zh: str = "宠物扰民") -> str:
    """A new top-level category (a code of its own, so no other test's rules apply)."""
    code = f"pet-nuisance-{uuid.uuid4().hex[:6]}"
    made = await api.http.post(
        "/v1/categories",
        headers=api.token(Role.ADMIN),
        json={"code": code, "name_zh": name_zh, "note": "a test's own category"},
    )
    assert made.status_code == 201, made.text
    return code


async def unit_of_its_own(workbench: Workbench, page: Page) -> tuple[str, str, str]:
    """A unit, a category the catalogue routes to it and the category's name: its inbox
    holds this test's ticket alone."""
    tag = f"{uuid.uuid4().int % 10**6:06d}"
    request, base = page.request, workbench.url
    admin_name = await workbench.account(Role.ADMIN)
    admin = await bearer(request, base, admin_name)
    unit, category, name = f"pets-{tag}", f"pets-{tag}", f"宠物扰民{tag}"
    for path, body in (
        ("/v1/departments", {"code": unit, "name": "Pet office", "name_zh": f"犬类管理{tag}"}),
        ("/v1/categories", {"code": category, "name_zh": name, "note": "试点"}),
        ("/v1/routing-rules", {"category": category, "lead": unit, "note": "试点"}),
    ):
        made = await request.post(f"{base}{path}", data=body, headers=admin)
        assert made.status == 201, await made.text()
    return unit, category, name
