"""The deadline policy: units, defaults from domain.md, and the TOML file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from schema.policy import Policy, SpanUnit, natural_timedelta, parse_span
from schema.policy_file import read_policy
from schema.ticket import Urgency


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
