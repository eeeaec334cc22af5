"""The request id that follows one HTTP request into workflows and activities.

The API sets ``REQUEST_ID`` per request; ``RequestContextInterceptor`` copies it into
Temporal headers when the API starts, updates or signals a ticket, restores it inside
the workflow's handlers, and passes it on to the activities they run. Logs everywhere
pick it up (``hotline.logs``), so one request can be followed from HTTP to SQL.

The variable and the header's name are in ``schema.request_context`` (workflows read
the id there, and import nothing of ``hotline``); they are re-exported here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from temporalio import client, worker
from temporalio.api.common.v1 import Payload
from temporalio.converter import default as default_converter

from schema.request_context import HEADER, REQUEST_ID

__all__ = [
    "HEADER",
    "REQUEST_ID",
    "RequestContextInterceptor",
    "request_id_from",
    "with_request_id",
]


def with_request_id(headers: Mapping[str, Payload]) -> Mapping[str, Payload]:
    request_id = REQUEST_ID.get()
    if request_id is None:
        return headers
    payload = default_converter().payload_converter.to_payloads([request_id])[0]
    return {**headers, HEADER: payload}


@contextmanager
def request_id_from(headers: Mapping[str, Payload]) -> Iterator[None]:
    payload = headers.get(HEADER)
    if payload is None:
        yield
        return
    value = default_converter().payload_converter.from_payloads([payload], [str])[0]
    token = REQUEST_ID.set(value)
    try:
        yield
    finally:
        # A workflow evicted from the worker's cache is closed from another context.
        with contextlib.suppress(ValueError):
            REQUEST_ID.reset(token)


class RequestContextInterceptor(client.Interceptor, worker.Interceptor):
    """On a client: sends the request id. On a worker: restores it and passes it on."""

    def intercept_client(self, next: client.OutboundInterceptor) -> client.OutboundInterceptor:
        return _ClientOutbound(next)

    def intercept_activity(
        self, next: worker.ActivityInboundInterceptor
    ) -> worker.ActivityInboundInterceptor:
        return _ActivityInbound(next)

    def workflow_interceptor_class(
        self, input: worker.WorkflowInterceptorClassInput
    ) -> type[worker.WorkflowInboundInterceptor]:
        return _WorkflowInbound


class _ClientOutbound(client.OutboundInterceptor):
    async def start_workflow(self, input: client.StartWorkflowInput) -> Any:
        input.headers = with_request_id(input.headers)
        return await super().start_workflow(input)

    async def start_workflow_update(self, input: client.StartWorkflowUpdateInput) -> Any:
        input.headers = with_request_id(input.headers)
        return await super().start_workflow_update(input)

    async def start_update_with_start_workflow(
        self, input: client.StartWorkflowUpdateWithStartInput
    ) -> Any:
        input.start_workflow_input.headers = with_request_id(input.start_workflow_input.headers)
        input.update_workflow_input.headers = with_request_id(input.update_workflow_input.headers)
        return await super().start_update_with_start_workflow(input)

    async def signal_workflow(self, input: client.SignalWorkflowInput) -> None:
        input.headers = with_request_id(input.headers)
        await super().signal_workflow(input)


class _WorkflowInbound(worker.WorkflowInboundInterceptor):
    def init(self, outbound: worker.WorkflowOutboundInterceptor) -> None:
        super().init(_WorkflowOutbound(outbound))

    async def execute_workflow(self, input: worker.ExecuteWorkflowInput) -> Any:
        with request_id_from(input.headers):
            return await super().execute_workflow(input)

    async def handle_signal(self, input: worker.HandleSignalInput) -> None:
        with request_id_from(input.headers):
            await super().handle_signal(input)

    async def handle_update_handler(self, input: worker.HandleUpdateInput) -> Any:
        with request_id_from(input.headers):
            return await super().handle_update_handler(input)


class _WorkflowOutbound(worker.WorkflowOutboundInterceptor):
    def start_activity(self, input: worker.StartActivityInput) -> Any:
        input.headers = with_request_id(input.headers)
        return super().start_activity(input)

    def start_local_activity(self, input: worker.StartLocalActivityInput) -> Any:
        input.headers = with_request_id(input.headers)
        return super().start_local_activity(input)


class _ActivityInbound(worker.ActivityInboundInterceptor):
    async def execute_activity(self, input: worker.ExecuteActivityInput) -> Any:
        with request_id_from(input.headers):
            return await super().execute_activity(input)
