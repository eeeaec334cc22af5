"""Catalogue rows a test makes for itself: a category of its own in the tree."""

from __future__ import annotations

import uuid

from schema.ticket import Role
from tests.support.api_client import Api


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
