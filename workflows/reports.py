"""The report workflow: run by a Temporal Schedule (or by hand), it compiles one report."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from schema.activity_io import ActivityName
from schema.reports import ReportRequest, ReportSummary


@workflow.defn(name="Report")
class ReportWorkflow:
    @workflow.run
    async def run(self, request: ReportRequest) -> ReportSummary:
        # A scheduled run is "as of" the moment it started, recorded in history.
        as_of = request.as_of or workflow.now()
        return await workflow.execute_activity(
            ActivityName.COMPILE_REPORT,
            request.model_copy(update={"as_of": as_of}),
            result_type=ReportSummary,
            start_to_close_timeout=timedelta(minutes=5),
            retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1)),
        )
