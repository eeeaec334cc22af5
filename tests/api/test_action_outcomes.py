"""Every action has an id; an answer never claims "nothing changed" unless that is known.

With no worker on the ticket's task queue, Temporal holds the intake and the actions: the
API answers 202 with the id and where the outcome can be read, and once a worker comes the
actions are applied, each once, and the outcome reads ``done``. Idempotency keys are the
caller's own and bound to their first request.
"""

from __future__ import annotations

import uuid
from typing import Any

from schema.ticket import Role
from startup.asgi import create_app
from tests.support.api_client import Api
from tests.support.data import intake_json
from tests.support.stack import asgi_client
from tests.support.waiting import eventually
from worker import build_worker


async def test_without_a_worker_actions_are_accepted_then_applied_once(api: Api) -> None:
    settings = api.settings.model_copy(
        update={"task_queue": f"nobody-home-{uuid.uuid4().hex[:6]}", "answer_timeout_seconds": 1.0}
    )
    app = create_app(settings, client=api.temporal)
    async with asgi_client(app) as http:
        created = await http.post(
            "/v1/tickets", json=intake_json(), headers={**api.agent, "Idempotency-Key": "in-1"}
        )
        assert created.status_code == 202, created.text
        no = created.json()["ticket_no"]
        assert created.headers["Location"] == f"/v1/tickets/{no}"
        assert "nothing" not in created.text
        async with build_worker(api.temporal, settings, api.read_model.sessions):

            async def registered() -> bool:
                ticket = await http.get(f"/v1/tickets/{no}", headers=api.agent)
                return ticket.status_code == 200 and ticket.json()["status"] == "dispatched"

            assert await eventually(registered)
        # The worker is gone again.

        lead = api.department("urban-management")
        sign = await http.post(f"/v1/tickets/{no}/sign", headers=lead)
        assert sign.status_code == 202, sign.text
        action_id = sign.headers["Idempotency-Key"]  # made by the server, since none was sent
        accepted = sign.json()
        assert accepted["status"] == "pending" and accepted["action_id"] == action_id
        outcome_url = f"/v1/tickets/{no}/actions/sign/{action_id}"
        assert accepted["outcome_url"] == outcome_url == sign.headers["Location"]
        pending = await http.get(outcome_url, headers=lead)
        assert pending.status_code == 200 and pending.json()["status"] == "pending"
        # A retry with the id joins the first attempt.
        again = await http.post(
            f"/v1/tickets/{no}/sign", headers={**lead, "Idempotency-Key": action_id}
        )
        assert again.status_code == 202, again.text
        # Someone else cannot read it under the same id.
        other = await http.get(outcome_url, headers=api.department("housing"))
        assert other.status_code == 404

        async with build_worker(api.temporal, settings, api.read_model.sessions):

            async def done() -> dict[str, Any] | None:
                answer = (await http.get(outcome_url, headers=lead)).json()
                return answer if answer["status"] == "done" else None

            outcome = await eventually(done)
            assert outcome and outcome["ticket"]["status"] == "handling"
            timeline = (await http.get(f"/v1/tickets/{no}/timeline", headers=api.agent)).json()[
                "events"
            ]
            assert [e["action"] for e in timeline].count("signed") == 1

            refused = await http.post(f"/v1/tickets/{no}/sign", headers=lead)
            assert refused.status_code == 409  # now it answers: already signed
            refusal_id = refused.headers["Idempotency-Key"]
            # A refusal by the ticket's validator leaves no trace in Temporal: the read
            # says so rather than guessing.
            read = await http.get(f"/v1/tickets/{no}/actions/sign/{refusal_id}", headers=lead)
            assert read.status_code == 404 and "refused it" in read.json()["error"]["message"]
            await api.temporal.get_workflow_handle(f"ticket-{no}").terminate("test over")


async def test_idempotency_keys_are_the_callers_own_and_bound_to_their_request(
    api: Api,
) -> None:
    key = f"key-{uuid.uuid4().hex[:8]}"
    first = await api.http.post(
        "/v1/tickets", json=intake_json(), headers={**api.agent, "Idempotency-Key": key}
    )
    assert first.status_code == 201, first.text
    retried = await api.http.post(
        "/v1/tickets", json=intake_json(), headers={**api.agent, "Idempotency-Key": key}
    )
    assert retried.status_code == 201  # answered as the original was
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json()["ticket_no"] == first.json()["ticket_no"]
    changed = await api.http.post(
        "/v1/tickets",
        json=intake_json(description="another request altogether"),
        headers={**api.agent, "Idempotency-Key": key},
    )
    assert changed.status_code == 422
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    integrator = api.token(Role.INTEGRATOR)
    theirs = await api.http.post(
        "/v1/tickets", json=intake_json(), headers={**integrator, "Idempotency-Key": key}
    )
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["ticket_no"] != first.json()["ticket_no"]

    no = first.json()["ticket_no"]
    lead = api.department("urban-management")
    note = {"content": "crew sent"}
    await api.act(no, "sign", lead)  # a progress report follows the signature
    reported = await api.http.post(
        f"/v1/tickets/{no}/progress", json=note, headers={**lead, "Idempotency-Key": key}
    )
    assert reported.status_code == 200, reported.text
    other_body = await api.http.post(
        f"/v1/tickets/{no}/progress",
        json={"content": "something else"},
        headers={**lead, "Idempotency-Key": key},
    )
    assert other_body.status_code == 422
    assert other_body.json()["error"]["code"] == "idempotency_key_reused"
    assert (await api.timeline(no)).count("progress") == 1
