"""Connecting to Temporal the same way everywhere, and registering search attributes."""

from __future__ import annotations

import asyncio
import time

import structlog
from google.protobuf.field_mask_pb2 import FieldMask
from temporalio.api.common.v1 import Priority as ApiPriority
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.api.workflow.v1 import WorkflowExecutionOptions
from temporalio.api.workflowservice.v1 import (
    DescribeNamespaceRequest,
    UpdateWorkflowExecutionOptionsRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeIndexedValueType
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import RPCError, RPCStatusCode

from hotline.payload_codec import encrypted_data_converter
from hotline.request_context import RequestContextInterceptor
from hotline.settings import Settings
from schema.search_attributes import ALL_KEYS

log = structlog.get_logger(__name__)

# Task-queue priority and fairness (services.ticket_gateway.ticket_priority) order a
# backlog only where matching runs the newer matcher: the dev servers started here turn
# it on, and docker-compose.yml's cluster does in its dynamic config.
PRIORITY_MATCHING = (
    "--dynamic-config-value",
    "matching.useNewMatcher=true",
    "--dynamic-config-value",
    "matching.enableFairness=true",
)

# After this many workflow task failures in a row the server marks the workflow with
# TemporalReportedProblems, which `hotline doctor` finds by a visibility query. Servers
# mark after 5 by default; the dev server and the compose file's say 3, to be told sooner.
REPORTED_PROBLEMS_AFTER = 3


def reported_problems_arguments(after: int = REPORTED_PROBLEMS_AFTER) -> list[str]:
    """The dev server's arguments that turn those marks on."""
    key = "system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute"
    return ["--dynamic-config-value", f"{key}={after}"]


async def connect(settings: Settings, *, serve_metrics: bool = False) -> Client:
    """A client with the project's converter and interceptors; a worker's also serves metrics."""
    runtime = None
    if serve_metrics and settings.worker_metrics_address:
        runtime = Runtime(
            telemetry=TelemetryConfig(
                metrics=PrometheusConfig(bind_address=settings.worker_metrics_address)
            )
        )
        log.info("worker metrics", url=f"http://{settings.worker_metrics_address}/metrics")
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=encrypted_data_converter(settings.resolved_encryption_keys()),
        interceptors=[RequestContextInterceptor()],
        runtime=runtime,
        tls=settings.temporal_tls(),
        api_key=settings.temporal_api_key,
    )


async def wait_for_namespace(client: Client, namespace: str, within_seconds: float = 60) -> None:
    """A server that has just started answers before its namespace is registered (the dev
    server beside a worker, a compose stack coming up): a worker waits for it rather than
    failing its start on "namespace not found"."""
    deadline = time.monotonic() + within_seconds
    pause = 0.2
    while True:
        try:
            await client.workflow_service.describe_namespace(
                DescribeNamespaceRequest(namespace=namespace)
            )
            return
        except RPCError as problem:
            if problem.status is not RPCStatusCode.NOT_FOUND or time.monotonic() >= deadline:
                raise
        log.info("waiting for the namespace", namespace=namespace)
        await asyncio.sleep(pause)
        pause = min(pause * 2, 2.0)


async def ensure_search_attributes(client: Client, namespace: str) -> None:
    """Add whichever of the ticket's search attributes the namespace lacks (idempotent)."""
    existing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = {
        key.name: IndexedValueType.ValueType(
            SearchAttributeIndexedValueType(key.indexed_value_type)
        )
        for key in ALL_KEYS
        if key.name not in existing.custom_attributes
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
        log.info("search attributes registered", names=sorted(missing))


async def put_first_in_line(client: Client, workflow_id: str, fairness_key: str) -> None:
    """Priority 1 for a running workflow's tasks from now on (a red-tier ticket): its
    timers and actions overtake the backlog of a boundary's storm. Idempotent; a server
    that cannot (the time-skipping test server) is logged, never a failure."""
    options = WorkflowExecutionOptions(
        priority=ApiPriority(priority_key=1, fairness_key=fairness_key)
    )
    request = UpdateWorkflowExecutionOptionsRequest(
        namespace=client.namespace,
        workflow_execution=WorkflowExecution(workflow_id=workflow_id),
        workflow_execution_options=options,
        update_mask=FieldMask(paths=["priority"]),
    )
    try:
        await client.workflow_service.update_workflow_execution_options(request)
    except RPCError as problem:
        log.warning("priority not raised", workflow_id=workflow_id, error=problem.message)
