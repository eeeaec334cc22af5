"""A workflow that imports the database stack: the worker's sandbox must refuse it."""

from __future__ import annotations

import sqlalchemy  # noqa: F401  (the point of this fixture)
from temporalio import workflow


@workflow.defn
class LeakyWorkflow:
    @workflow.run
    async def run(self) -> str:
        return "should never run"
