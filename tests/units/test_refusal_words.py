"""Every refusal the workflows can raise has Chinese words (and an English entry), and a
refusal reads from its reason and parameters: names, city time, never the API's English."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from babel.messages.pofile import read_po
from pydantic import ValidationError

from schema.action_bodies import ExtensionBody
from services.choices import Choices
from services.errors import ServiceError, refusal_of
from web.field_problems import PROBLEM, field_problems
from web.i18n import LOCALE, gettext_for
from web.refusal_words import CODE_WORDS, WORDS, in_form, said
from workflows.refusals import Reason

ZH = gettext_for("zh")
CITY = ZoneInfo("Asia/Shanghai")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_reason_has_chinese_words_and_an_english_entry() -> None:
    with (LOCALE / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po, locale="en")
    for reason in Reason:
        assert reason in WORDS, f"{reason} has no words in web/refusal_words.py"
    for words in [*WORDS.values(), *CODE_WORDS.values(), *PROBLEM.values()]:
        assert _CJK.search(words), words
        assert words in catalogue and catalogue[words].string, words


def test_a_refusal_names_the_state_action_and_time_in_chinese() -> None:
    refusal = refusal_of(
        ServiceError(
            409,
            "invalid_state",
            "ticket X is 'handling': 'sign' is allowed only when it is: dispatched",
            Reason.STATUS_NOT_ALLOWED,
            {"status": "handling", "action": "sign", "statuses": ["dispatched", "returned"]},
        )
    )
    assert said(refusal, ZH) == "工单当前为“办理中”，“签收”只能在以下状态办理：已派单、已退单"
    closed = refusal_of(
        ServiceError(
            409,
            "invalid_state",
            "…",
            Reason.RETURN_WINDOW_CLOSED,
            {"at": "2026-12-02T03:04:05.123456+00:00"},
        )
    )
    assert said(closed, ZH, tz=CITY) == "退单时限已于 2026-12-02 11:04 截止"
    choices = Choices(districts=[], departments={"housing": "住房和城乡建设局"})
    lead = refusal_of(
        ServiceError(422, "invalid_input", "…", Reason.SAME_LEAD_AGAIN, {"lead": "housing"})
    )
    told, problems = in_form(lead, "return-review", ZH, choices)
    assert told == "退单的正是住房和城乡建设局，请改派其他主办单位"
    assert problems == {"lead": told}


def test_a_refusal_without_a_reason_is_said_by_its_code_never_in_english() -> None:
    refusal = refusal_of(ServiceError(404, "unknown_queue", "no queue 'x'"))
    assert said(refusal, ZH) == "没有这个队列"
    assert said(refusal_of(ServiceError(418, "teapot", "I am a teapot")), ZH) == "未能办理"


def test_a_refused_body_is_said_field_by_field() -> None:
    try:
        ExtensionBody.model_validate({"working_days": "0", "reason": "x" * 4001})
    except ValidationError as problem:
        problems = field_problems(problem.errors(), "extension", ZH)
    assert problems["working_days"].endswith("：不能小于 1")
    assert problems["reason"].endswith("：不能超过 4000 个字")
    assert not any(re.search(r"[A-Za-z]{3,}", text) for text in problems.values())
