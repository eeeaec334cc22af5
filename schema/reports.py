"""What a report workflow is asked for and what it answers. Pure: workflows import it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel


class ReportKind(StrEnum):
    DAILY = "daily"  # 民情日报: yesterday's volume, hot spots, repeats, enterprises


class ReportRequest(BaseModel):
    kind: ReportKind
    # The instant the report is "as of"; the workflow fills it in when a schedule runs it.
    as_of: datetime | None = None


class ReportSummary(BaseModel):
    id: str
    kind: ReportKind
    period_from: datetime
    period_to: datetime
