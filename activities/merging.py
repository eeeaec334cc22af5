"""Merging a duplicate (并单): the duplicate's workflow asks the ticket it merges into.

The target's ``absorb_duplicate`` update decides (``ticket_rules.check_absorb``): it
refuses when it is closed, or when it is itself being merged and the rule that breaks
cycles says no. Only after a yes does the duplicate close, so a request always keeps an
open ticket that carries it, however merges cross.
"""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from schema.activity_io import ActivityName, DuplicateClaim, DuplicateClaimOutcome
from workflows.ids import ticket_workflow_id
from workflows.ticket.news import ABSORB_DUPLICATE_UPDATE


class MergeActivities:
    def __init__(self, client: Client) -> None:
        self._client = client

    @activity.defn(name=ActivityName.CLAIM_DUPLICATE)
    async def claim_duplicate(self, claim: DuplicateClaim) -> DuplicateClaimOutcome:
        target = self._client.get_workflow_handle(ticket_workflow_id(claim.into))
        try:
            await target.execute_update(ABSORB_DUPLICATE_UPDATE, claim.notice, id=claim.claim_id)
        except WorkflowUpdateFailedError as refused:
            reason = getattr(refused.cause, "message", None) or str(refused.cause)
            return DuplicateClaimOutcome(accepted=False, reason=reason)
        except RPCError as failure:
            if failure.status is RPCStatusCode.NOT_FOUND:  # completed: closed, or never was
                return DuplicateClaimOutcome(
                    accepted=False, reason=f"ticket {claim.into} is closed"
                )
            raise  # unreachable or busy: the activity retries
        return DuplicateClaimOutcome(accepted=True)
