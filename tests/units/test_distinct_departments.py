"""A department named twice among the assisting ones is refused wherever a body names them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from schema.action_bodies import DispatchBody
from schema.catalogue import RoutingRuleCreate, RoutingRuleUpdate


@pytest.mark.parametrize(
    "make",
    [
        lambda: DispatchBody(lead="housing", assisting=["water", "water"]),
        lambda: RoutingRuleCreate(category="c", lead="housing", assisting=["water", "water"]),
        lambda: RoutingRuleUpdate(assisting=["water", "water"]),
    ],
)
def test_an_assisting_department_named_twice_is_refused(make: object) -> None:
    with pytest.raises(ValidationError, match="assisting departments must be distinct"):
        make()  # type: ignore[operator]


def test_distinct_assisting_departments_pass() -> None:
    assert DispatchBody(lead="housing", assisting=["water", "power"]).assisting == [
        "water",
        "power",
    ]
    assert RoutingRuleUpdate().assisting is None  # left out: kept as it is
