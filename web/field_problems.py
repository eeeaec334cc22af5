"""What was wrong with a refused form, field by field, in the user's language: pydantic's
errors (its words are English, for the API) said as the field's label and the problem —
required, too long for its limit, not a date, out of range — to show beside the field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from schema.body import DAY_OUT_OF_RANGE
from web import labels
from web.i18n import N_

# pydantic's error type → the problem, with the error's context (ctx) as parameters.
PROBLEM = {
    "missing": N_("必填"),
    "string_too_short": N_("不能为空"),
    "string_too_long": N_("不能超过 %(max_length)s 个字"),
    "too_long": N_("最多选 %(max_length)s 项"),
    "too_short": N_("至少选 %(min_length)s 项"),
    "string_pattern_mismatch": N_("格式不对"),
    "date_parsing": N_("不是有效的日期"),
    "date_from_datetime_parsing": N_("不是有效的日期"),
    "date_from_datetime_inexact": N_("不是有效的日期"),
    "date_type": N_("不是有效的日期"),
    "datetime_parsing": N_("不是有效的日期时间"),
    "datetime_from_date_parsing": N_("不是有效的日期时间"),
    "datetime_type": N_("不是有效的日期时间"),
    "timezone_aware": N_("不是有效的日期时间"),
    "int_parsing": N_("须填整数"),
    "int_type": N_("须填整数"),
    "int_from_float": N_("须填整数"),
    "greater_than_equal": N_("不能小于 %(ge)s"),
    "greater_than": N_("须大于 %(gt)s"),
    "less_than_equal": N_("不能大于 %(le)s"),
    "less_than": N_("须小于 %(lt)s"),
    "enum": N_("请从选项中选择"),
    "literal_error": N_("请从选项中选择"),
    "bool_parsing": N_("请选择"),
    "bool_type": N_("请选择"),
    DAY_OUT_OF_RANGE: N_("日期须在 2000-01-01 至 2100-12-31 之间"),
}
OTHER_PROBLEM = N_("填写的内容不符合要求")
WHOLE_FORM = "__form__"  # a problem of the whole body (a model validator), not one field


def field_problems(
    errors: Sequence[Any], action: str | None, _: Callable[[str], str]
) -> dict[str, str]:
    """``{field name: "标题：问题"}`` for each field the model refused (the first problem
    of each); a problem with no field is under ``WHOLE_FORM``."""
    found: dict[str, str] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        name = location[0] if location else WHOLE_FORM
        if name in found:
            continue
        words = PROBLEM.get(str(error.get("type")), OTHER_PROBLEM)
        context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
        try:
            problem = _(words) % context
        except (KeyError, TypeError, ValueError):
            problem = _(OTHER_PROBLEM)
        found[name] = problem if name == WHOLE_FORM else f"{label(name, action, _)}：{problem}"
    return found


def label(name: str, action: str | None, _: Callable[[str], str]) -> str:
    """A field as its form calls it."""
    words = labels.FIELD_IN_ACTION.get((action or "", name)) or labels.FIELD.get(name)
    return _(words) if words else _(N_("此项"))
