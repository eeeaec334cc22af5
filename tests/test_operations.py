"""Start-up and failure behaviour an operator relies on."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from google.protobuf.duration_pb2 import Duration
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from hotline.settings import Settings
from hotline.temporal import connect, ensure_search_attributes
from hotline.tokens import issue_token, verify_token
from schema.search_attributes import ALL_KEYS
from schema.ticket import Role
from services.errors import ServiceError
from services.ticket_gateway import TicketGateway
from startup.asgi import create_app
from startup.cli import app as cli
from tests.support.data import intake, intake_json, new_ticket_no
from tests.support.keys import TEST_CONVERTER
from tests.support.stack import asgi_client, free_port
from worker import build_worker
from workflows.ticket.state import TicketStart
from workflows.ticket.workflow import TicketWorkflow


async def test_search_attributes_are_registered_idempotently(
    dev_server: WorkflowEnvironment,
) -> None:
    namespace = f"sa-{uuid.uuid4().hex[:8]}"
    await dev_server.client.workflow_service.register_namespace(
        RegisterNamespaceRequest(
            namespace=namespace, workflow_execution_retention_period=Duration(seconds=86400)
        )
    )
    client = await Client.connect(
        dev_server.client.service_client.config.target_host,
        namespace=namespace,
        data_converter=TEST_CONVERTER,
    )
    await ensure_search_attributes(client, namespace)
    await ensure_search_attributes(client, namespace)  # a second start changes nothing
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    assert {key.name for key in ALL_KEYS} <= set(listed.custom_attributes)


async def test_api_answers_503_while_temporal_is_unreachable(
    base_settings: Settings, sqlite_read_model
) -> None:
    settings = base_settings.model_copy(
        update={"temporal_address": "127.0.0.1:9", "database_url": sqlite_read_model.url}
    )
    app = create_app(settings)  # no client: it connects on first use, and fails
    token = (
        CliRunner()
        .invoke(cli, ["token", "agent"], env={"HOTLINE_JWT_SECRET": settings.resolved_jwt_secret()})
        .stdout.strip()
    )
    async with asgi_client(app) as http:
        response = await http.post(
            "/v1/tickets", json=intake_json(), headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "temporal_unavailable"
        health = await http.get("/healthz")
        assert health.status_code == 200


def test_token_command(sqlite_read_model) -> None:
    secret = "a-secret-for-the-token-command-test-0123456789"
    runner = CliRunner()
    printed = runner.invoke(
        cli,
        ["token", "department", "--department", "housing", "--hours", "2"],
        env={"HOTLINE_JWT_SECRET": secret, "DATABASE_URL": sqlite_read_model.url},
    )
    assert printed.exit_code == 0, printed.output
    actor = verify_token(secret, printed.stdout.strip())
    assert (actor.role, actor.department) == (Role.DEPARTMENT, "housing")
    refused = runner.invoke(cli, ["token", "department"], env={"HOTLINE_JWT_SECRET": secret})
    assert refused.exit_code != 0
    assert "--department" in refused.output
    unknown = runner.invoke(cli, ["token", "mayor"], env={"HOTLINE_JWT_SECRET": secret})
    assert unknown.exit_code != 0


def test_token_lifetime_is_bounded() -> None:
    from hotline.tokens import issue_token

    token = issue_token("s" * 40, Role.AGENT, sub="x", ttl=timedelta(minutes=5))
    assert verify_token("s" * 40, token).role is Role.AGENT


async def test_worker_serves_temporal_sdk_metrics(
    dev_server: WorkflowEnvironment, sqlite_read_model, base_settings: Settings
) -> None:
    port = free_port()
    settings = base_settings.model_copy(
        update={
            "temporal_address": dev_server.client.service_client.config.target_host,
            "worker_metrics_address": f"127.0.0.1:{port}",
            "task_queue": f"metrics-{uuid.uuid4().hex[:6]}",
            "database_url": sqlite_read_model.url,
        }
    )
    client = await connect(settings, serve_metrics=True)
    async with build_worker(client, settings, sqlite_read_model.sessions):
        await client.execute_update_with_start_workflow(
            TicketWorkflow.registered,
            start_workflow_operation=WithStartWorkflowOperation(
                TicketWorkflow.run,
                TicketStart(ticket_no=new_ticket_no(), intake=intake(), created_by="test"),
                id=f"ticket-metrics-{uuid.uuid4().hex[:6]}",
                task_queue=settings.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            ),
        )
        async with httpx.AsyncClient() as http:
            scraped = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
    assert "temporal_workflow_task_execution_latency_count" in scraped
    assert "temporal_local_activity_execution_latency_count" in scraped
    assert "temporal_worker_task_slots_available" in scraped


async def test_a_ticket_without_a_worker_answers_202_not_500(
    dev_server: WorkflowEnvironment, sqlite_read_model, base_settings: Settings
) -> None:
    """Temporal has the intake; no worker takes it: accepted, with where to read it."""
    settings = base_settings.model_copy(
        update={
            "task_queue": f"nobody-polls-{uuid.uuid4().hex[:6]}",
            "database_url": sqlite_read_model.url,
            "answer_timeout_seconds": 1.0,
        }
    )
    app = create_app(settings, client=dev_server.client)
    token = issue_token(settings.resolved_jwt_secret(), Role.AGENT, sub="t")
    async with asgi_client(app) as http:
        response = await http.post(
            "/v1/tickets", json=intake_json(), headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 202, response.text
    number = response.json()["ticket_no"]
    assert response.headers["Location"] == f"/v1/tickets/{number}"
    await dev_server.client.get_workflow_handle(f"ticket-{number}").terminate("test over")


async def test_the_clients_own_update_deadline_is_a_503_too(
    base_settings: Settings, dev_server: WorkflowEnvironment
) -> None:
    gateway = TicketGateway(base_settings, client=dev_server.client)  # Temporal answers

    async def gives_up() -> None:
        raise WorkflowUpdateRPCTimeoutOrCancelledError()

    with pytest.raises(ServiceError) as caught:
        await gateway._call("X-1", gives_up)
    assert caught.value.status == 503 and caught.value.code == "ticket_not_answering"


async def test_a_ticket_recovering_from_a_lost_task_is_a_503_not_a_502(
    base_settings: Settings, dev_server: WorkflowEnvironment
) -> None:
    gateway = TicketGateway(base_settings, client=dev_server.client)

    async def turned_away() -> None:
        raise RPCError(
            "Unable to query workflow due to Workflow Task in failed state.",
            RPCStatusCode.FAILED_PRECONDITION,
            b"",
        )

    with pytest.raises(ServiceError) as caught:
        await gateway._call("X-1", turned_away)
    assert caught.value.status == 503 and caught.value.code == "ticket_not_answering"
    assert "nothing was applied" in caught.value.message
