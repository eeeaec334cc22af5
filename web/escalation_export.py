"""The escalation history as a person downloads it: Chinese headers, units and people by
name, kinds and outcomes in words, times in the city's time. The API's CSV keeps the
codes for integrators (``GET /v1/escalations?format=csv``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo

from schema.escalation import Escalation
from services.choices import Choices
from services.spreadsheets import csv_text
from web import labels
from web.event_details import actor_said, said
from web.i18n import N_

COLUMNS = [
    N_("工单编号"),
    N_("序号"),
    N_("类型"),
    N_("层级"),
    N_("督办等级"),
    N_("涉及单位"),
    N_("超时环节"),
    N_("原因"),
    N_("发起"),
    N_("发起时间"),
    N_("期限"),
    N_("结果"),
    N_("结束时间"),
    N_("结束人"),
    N_("督办领导"),
    N_("涉及人员"),
]


def escalation_rows(
    records: Iterable[Escalation], choices: Choices, timezone: tzinfo, _: Callable[[str], str]
) -> str:
    def when(at: datetime | None) -> str:
        return at.astimezone(timezone).strftime("%Y-%m-%d %H:%M") if at else ""

    def word(table: dict[str, str], code: str | None) -> str:
        return _(table.get(code, code)) if code else ""

    rows = [
        [
            record.ticket_no,
            str(record.number),
            word(labels.ESCALATION, record.kind.value),
            str(record.level),
            word(labels.TIER, record.tier.value if record.tier else None),
            choices.name_of(record.department),
            word(labels.DEADLINE, record.step),
            said(record.reason, _, choices, timezone),
            actor_said(record.raised_by, choices, _),
            when(record.raised_at),
            when(record.due_at),
            word(labels.ESCALATION, record.outcome.value),
            when(record.ended_at),
            actor_said(record.ended_by, choices, _) if record.ended_by else "",
            str(record.detail.get("leader", "")),
            "、".join(record.detail.get("officials", [])),
        ]
        for record in records
    ]
    return csv_text([_(column) for column in COLUMNS], rows)
