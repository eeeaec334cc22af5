"""A decision on a form is said out loud: two answers, neither chosen for the user, and a
form sent without one is refused rather than read as "no"."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from schema.action_bodies import ExtensionReviewBody, RatingBody
from web.forms import form_fields, read_form


def test_a_decision_is_a_required_choice_not_a_checkbox() -> None:
    kinds = {f.name: (f.kind, f.required) for f in form_fields(ExtensionReviewBody)}
    assert kinds["approve"] == ("choice", True)


@pytest.mark.parametrize(("sent", "approve"), [("yes", True), ("no", False)])
def test_each_answer_reads_as_itself(sent: str, approve: bool) -> None:
    body = read_form(ExtensionReviewBody, {"approve": sent, "note": "同意延期5个工作日"})
    assert isinstance(body, ExtensionReviewBody) and body.approve is approve


def test_a_decision_left_unanswered_is_refused() -> None:
    """The clerk who writes "同意延期" and forgets the choice records nothing."""
    with pytest.raises(ValidationError, match="approve"):
        read_form(ExtensionReviewBody, {"note": "同意延期5个工作日"})


def test_a_rating_has_no_answer_chosen_in_advance() -> None:
    satisfaction = next(f for f in form_fields(RatingBody) if f.name == "satisfaction")
    assert satisfaction.required and satisfaction.default is None
    with pytest.raises(ValidationError, match="satisfaction"):
        read_form(RatingBody, {"solved": "yes"})
