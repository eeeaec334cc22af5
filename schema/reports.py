"""What a report workflow is asked for and what it answers. Pure: workflows import it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class ReportKind(StrEnum):
    DAILY = "daily"  # 民情日报: yesterday's volume, hot spots, repeats, enterprises
    DISPATCH_MEETING = "dispatch_meeting"  # 调度会 on the 6th, 16th, 26th: hard tickets to leaders
    BULLETIN = "bulletin"  # 十天一通报: every department's figures and ranking for ten days
    CLEARANCE = "clearance"  # 月清零: every unfinished ticket with its age, stage and blocker
    AUDIT = "audit"  # monthly random audit: closed tickets drawn with a recorded seed


class ReportRequest(BaseModel):
    kind: ReportKind
    # The instant the report is "as of"; the workflow fills it in when a schedule runs it.
    as_of: datetime | None = None


class ReportSummary(BaseModel):
    id: str
    kind: ReportKind
    period_from: datetime
    period_to: datetime
    # Tickets the dispatch meeting puts under leader supervision (the workflow tells them).
    leader_supervision: list[str] = Field(default_factory=list)
