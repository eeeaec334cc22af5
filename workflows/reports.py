"""The report workflow: run by a Temporal Schedule (or by hand), it compiles one report."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from schema.activity_io import ActivityName
from schema.escalation import LeaderAssignment
from schema.reports import ReportRequest, ReportSummary
from workflows.ids import ticket_workflow_id
from workflows.ticket.news import ASSIGN_LEADER_SIGNAL


@workflow.defn(name="Report")
class ReportWorkflow:
    @workflow.run
    async def run(self, request: ReportRequest) -> ReportSummary:
        # A scheduled run is "as of" the moment it started, recorded in history.
        as_of = request.as_of or workflow.now()
        summary = await workflow.execute_activity(
            ActivityName.COMPILE_REPORT,
            request.model_copy(update={"as_of": as_of}),
            result_type=ReportSummary,
            start_to_close_timeout=timedelta(minutes=5),
            retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1)),
        )
        # The dispatch meeting's decisions: each hard ticket is told it has a leader now.
        order = LeaderAssignment(
            reason=f"hard ticket at the dispatch meeting (调度会) {summary.id}",
            actor=f"schedule:{summary.id}",
        )
        for ticket_no in summary.leader_supervision:
            ticket = workflow.get_external_workflow_handle(ticket_workflow_id(ticket_no))
            try:
                await ticket.signal(ASSIGN_LEADER_SIGNAL, order)
            except Exception as gone:  # closed since the report read it: nothing to supervise
                workflow.logger.info("ticket %s not told: %s", ticket_no, gone)
        return summary
