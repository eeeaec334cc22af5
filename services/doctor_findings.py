"""What `hotline doctor` reports (services/doctor.py): the kinds of trouble, one finding
with its Temporal UI link, the whole look, and the budget of per-workflow calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import quote

from temporalio.api.enums.v1 import WorkflowExecutionStatus

from hotline.personal_data import mask_text
from hotline.settings import Settings

RPC_TIMEOUT = timedelta(seconds=10)
DETAIL_CHARACTERS = 300  # a failure's message, cut: enough to know it, no stack trace
FAILED_RUNS = {
    WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED,
    WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
    WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
}


# The names of a finding's facts: what a lagging row and a schedule are known by.
FACTS = (
    "workflow_status",
    "workflow_updated",
    "row_status",
    "row_updated",
    "missed_runs",
    "first_missed",
    "paused",
    "beyond_catchup",
    "failed_run",
)


class Trouble(StrEnum):
    WORKFLOW_TASK = "workflow_task"
    ACTIVITY = "activity"
    READ_MODEL = "read_model"
    SCHEDULE = "schedule"


@dataclass(frozen=True)
class Finding:
    trouble: Trouble
    subject: str  # the workflow's id, or the schedule's
    what: str  # the workflow's type, the activity's, or the schedule's report
    detail: str  # the failure's cause and message, as Temporal has it
    link: str  # where it is in Temporal UI
    attempts: int | None = None
    since: datetime | None = None
    # What disagrees, by a fixed name (FACTS) the page and the command put into words.
    facts: tuple[tuple[str, str | datetime], ...] = ()


@dataclass
class Checkup:
    at: datetime
    findings: list[Finding] = field(default_factory=list)
    examined: dict[Trouble, int] = field(default_factory=dict)
    stopped_early: set[Trouble] = field(default_factory=set)  # a limit ended its look
    flags_unavailable: bool = False  # the server cannot flag failing workflow tasks
    seconds: float = 0.0

    def of(self, trouble: Trouble) -> list[Finding]:
        return [found for found in self.findings if found.trouble is trouble]


class Budget:
    """Calls that read one workflow each (describe, history, query): at most ``left``."""

    def __init__(self, left: int) -> None:
        self.left = left

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


def workflow_link(settings: Settings, workflow_id: str, run_id: str | None) -> str:
    base = settings.temporal_ui_address()
    namespace = quote(settings.temporal_namespace, safe="")
    link = f"{base}/namespaces/{namespace}/workflows/{quote(workflow_id, safe='')}"
    return f"{link}/{run_id}" if run_id else link


def schedule_link(settings: Settings, schedule_id: str) -> str:
    base = settings.temporal_ui_address()
    namespace = quote(settings.temporal_namespace, safe="")
    return f"{base}/namespaces/{namespace}/schedules/{quote(schedule_id, safe='')}"


def said(text: str) -> str:
    """A failure's words as ops may read them: one line, short, numbers masked."""
    line = " ".join(text.split())
    return mask_text(line[:DETAIL_CHARACTERS])


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive instants, stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
