"""The chaos run's traffic: tickets' lives over HTTP, each call retried until it took
effect, and the figures of what the run saw."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.data import intake_json
from tests.support.waiting import eventually

LIFE = [
    ("sign", "lead", None),
    ("reply", "lead", {"outcome": "resolved", "content": "done"}),
    ("rating", "agent", {"satisfaction": "satisfied", "solved": True}),
]
STATUS_AFTER = {"sign": "handling", "reply": "callback", "rating": "closed"}


@dataclass
class Figures:
    tickets: int = 0
    actions: int = 0  # calls that took effect, intake included (a twin sent with it not counted)
    worker_kills: int = 0
    worker_restarts: int = 0
    worker_stalls: int = 0  # SIGSTOPped while the other worker takes its tickets over
    api_kills: int = 0
    api_restarts: int = 0
    server_restarts: int = 0
    database_outages: int = 0
    answered_503: Counter[str] = field(default_factory=Counter)
    answered_202: int = 0
    retries: int = 0
    twin_requests: int = 0  # sent twice at once with one Idempotency-Key
    differing_twin_answers: int = 0  # of those, answered as two tickets or two outcomes
    lost_actions: int = 0
    repeated_actions: int = 0
    workflow_task_failures: int = 0
    workflow_task_timeouts: int = 0  # tasks a killed or frozen worker held, given again
    burst_actions: int = 0
    burst_tickets: int = 0
    timeline_differences: int = 0
    replay_ran_earlier: int = 0  # the known defect (tests/test_replayed_deadlines.py)
    seconds: float = 0.0


class TicketDriver:
    """Sends the actions; ``twins`` sends each one twice at once with the same key, so
    that with several API processes the two copies can reach different ones."""

    def __init__(self, twins: bool = False) -> None:
        self.figures = Figures()
        self.twins = twins

    async def live(
        self,
        http: httpx.AsyncClient,
        headers: dict[str, dict[str, str]],
        key: str,
        start_after: float = 0.0,
        step_gap: float = 0.0,
    ) -> str:
        """One ticket's life, paced so that it spans the storm."""
        await asyncio.sleep(start_after)  # pacing, so that the lives span the storm
        ticket = await self.act(
            http, "POST", "/v1/tickets", headers["agent"], intake_json(), {"Idempotency-Key": key}
        )
        no: str = ticket["ticket_no"]
        for action, who, body in LIFE:
            await asyncio.sleep(step_gap)  # pacing, as above
            await self.act(
                http,
                "POST",
                f"/v1/tickets/{no}/{action}",
                headers[who],
                body,
                {"Idempotency-Key": f"{key}-{action}"},  # a retry joins the first attempt
                expect_status=STATUS_AFTER[action],
                ticket_no=no,
            )
        return no

    async def act(self, http: httpx.AsyncClient, *args: Any, **options: Any) -> Any:
        """``call``, twice at once when twins are sent: both answers must name the same
        ticket in the same status."""
        if not self.twins:
            answer = await self.call(http, *args, **options)
        else:
            answer, twin = await asyncio.gather(
                self.call(http, *args, **options), self.call(http, *args, **options)
            )
            self.figures.twin_requests += 1
            if _gist(answer) != _gist(twin):
                self.figures.differing_twin_answers += 1
                print(f"twins answered differently: {_gist(answer)} and {_gist(twin)}")
        self.figures.actions += 1
        return answer

    async def call(
        self,
        http: httpx.AsyncClient,
        method: str,
        path: str,
        headers: dict[str, str],
        body: Any,
        extra: dict[str, str] | None = None,
        expect_status: str | None = None,
        ticket_no: str | None = None,
        settled_when_refused: bool = True,
    ) -> Any:
        """Retry until the action took effect; a 409 after a 503 means it already had
        (for the steps of a life, each allowed once; not for repeatable reports)."""

        async def attempt() -> tuple[Any] | None:  # the answer, boxed: truthy even if empty
            try:
                response = await http.request(
                    method, path, json=body, headers={**headers, **(extra or {})}
                )
                refused = response.status_code == 409
                if refused and ticket_no and settled_when_refused:
                    state = await http.get(f"/v1/tickets/{ticket_no}", headers=headers)
                    if state.status_code == 200 and _reached(state.json()["status"], expect_status):
                        return (state.json(),)
            except httpx.TransportError:  # an API process killed, or none yet listening
                response = None
            if response is not None and response.status_code in (200, 201):
                return (response.json(),)
            if response is not None and response.status_code == 202:  # taken, not yet done:
                self.figures.answered_202 += 1  # the retry with the same key joins it
            elif response is not None and response.status_code == 503:
                self.figures.answered_503[response.json()["error"]["code"]] += 1
            elif response is not None and response.status_code != 409:
                raise AssertionError(f"{method} {path}: {response.status_code} {response.text}")
            self.figures.retries += 1
            return None

        (answer,) = await eventually(
            attempt, within=600, every=0.5, message=f"{method} {path} never succeeded"
        )
        return answer

    async def signed_tickets(
        self, http: httpx.AsyncClient, headers: dict[str, dict[str, str]], count: int
    ) -> list[str]:
        async def one(n: int) -> str:
            key = f"burst-{n}-{uuid.uuid4()}"
            ticket = await self.act(
                http,
                "POST",
                "/v1/tickets",
                headers["agent"],
                intake_json(),
                {"Idempotency-Key": key},
            )
            no: str = ticket["ticket_no"]
            await self.act(
                http,
                "POST",
                f"/v1/tickets/{no}/sign",
                headers["lead"],
                None,
                {"Idempotency-Key": f"{key}-sign"},
                expect_status="handling",
                ticket_no=no,
            )
            return no

        return list(await asyncio.gather(*(one(n) for n in range(count))))


def _gist(answer: dict[str, Any]) -> tuple[Any, Any]:
    return answer.get("ticket_no"), answer.get("status")


def _reached(status: str, expected: str | None) -> bool:
    order = ["received", "dispatched", "handling", "callback", "closed"]
    return expected is not None and order.index(status) >= order.index(expected)
