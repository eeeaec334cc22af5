"""The deadline policy: units, defaults from domain.md, and the TOML file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from schema.policy import Policy, SpanUnit, natural_timedelta, parse_span
from schema.policy_file import read_policy
from schema.ticket import Urgency
from tests.support.data import intake


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("30s", (30, SpanUnit.SECONDS)),
        ("30m", (30, SpanUnit.MINUTES)),
        ("2h", (2, SpanUnit.HOURS)),
        ("7d", (7, SpanUnit.DAYS)),
        ("2wd", (2, SpanUnit.WORKING_DAYS)),
        (" 15d ", (15, SpanUnit.DAYS)),
    ],
)
def test_spans_parse(text: str, parsed: tuple[int, SpanUnit]) -> None:
    assert parse_span(text) == parsed


@pytest.mark.parametrize("text", ["", "7", "d7", "1.5h", "-2d", "2 weeks", "3w"])
def test_malformed_spans_are_refused_with_the_rule(text: str) -> None:
    with pytest.raises(ValueError, match="write a whole number and a unit"):
        parse_span(text)


def test_natural_timedelta() -> None:
    assert natural_timedelta("90m") == timedelta(minutes=90)
    assert natural_timedelta("2wd") is None


def test_defaults_match_the_domain_reference() -> None:
    policy = Policy()
    assert policy.sign.for_urgency(Urgency.EMERGENCY) == "1h"
    assert policy.sign.for_urgency(Urgency.GENERAL) == "2h"
    assert policy.reply.for_urgency(Urgency.EMERGENCY) == "2h"
    assert policy.reply.for_urgency(Urgency.UTILITY) == "24h"
    assert policy.reply.for_urgency(Urgency.GENERAL) == "7d"
    assert policy.reply.for_urgency(Urgency.COMPLEX) == "15d"
    assert policy.dispatch.for_urgency(Urgency.GENERAL) == "30m"
    assert policy.return_window == "2wd"
    assert policy.extension_max_working_days == 10
    assert policy.callback == "3d"
    assert policy.rework == "3wd"
    assert policy.warning_ratio == 0.8


def test_policy_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "city.toml"
    path.write_text(
        'name = "drill"\nreturn_window = "1wd"\n'
        '[reply]\nemergency = "10m"\nutility = "1h"\ngeneral = "2h"\ncomplex = "1d"\n'
        "[calendar]\nholidays = [2027-02-08]\nworkdays = [2027-02-06]\n"
    )
    policy = read_policy(path)
    assert policy.name == "drill"
    assert policy.reply.for_urgency(Urgency.GENERAL) == "2h"
    assert policy.return_window == "1wd"
    assert policy.sign == Policy().sign
    assert [d.isoformat() for d in policy.calendar.holidays] == ["2027-02-08"]


def test_no_policy_file_means_defaults() -> None:
    assert read_policy(None) == Policy()


@pytest.mark.parametrize(
    "toml",
    [
        'return_window = "2 days"\n',
        'unknown_limit = "1d"\n',
        "warning_ratio = 1.5\n",
        '[reply]\ngeneral = "7d"\n',
    ],
)
def test_bad_policy_files_are_refused(tmp_path: Path, toml: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ValidationError):
        read_policy(path)


def test_fast_lanes_set_limits_above_the_urgency_defaults() -> None:
    policy = Policy.model_validate(
        {
            "lanes": [
                {"name": "涉企三速", "enterprise": True, "sign": "30m", "reply": "3wd"},
                {"name": "供水", "category": "030101", "reply": "24h"},
            ]
        }
    )
    business = intake(enterprise=True, category="030101")
    assert policy.limit("sign", business) == ("30m", "lane:涉企三速")
    assert policy.limit("reply", business) == ("3wd", "lane:涉企三速")  # the first match
    water = intake(category="030101")
    assert policy.limit("reply", water) == ("24h", "lane:供水")
    assert policy.limit("sign", water) == ("2h", "urgency:general")  # the lane sets no sign
    assert Policy().limit("reply", water) == ("7d", "urgency:general")


def test_a_lane_on_a_group_matches_the_categories_below_it() -> None:
    policy = Policy.model_validate(
        {"lanes": [{"name": "供水", "category": "0301", "reply": "24h"}]}
    )
    water = intake(category="030101")
    assert policy.limit("reply", water, ["030101", "0301", "03"]) == ("24h", "lane:供水")
    # Without the chain (a ticket registered before the tree) only its own code matches.
    assert policy.limit("reply", water) == ("7d", "urgency:general")


@pytest.mark.parametrize(
    "lane",
    [
        {"name": "everything", "reply": "1d"},  # matches nothing in particular
        {"name": "no limit", "enterprise": True},
        {"name": "typo", "enterprise": True, "reply": "3 weeks"},
    ],
)
def test_a_lane_names_a_criterion_and_a_valid_limit(lane: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Policy.model_validate({"lanes": [lane]})
