"""Every role against every action, departments against each other, and who reads personal data."""

from __future__ import annotations

import uuid
from typing import Any

from schema.ticket import Role
from services.actions import TICKET_ACTIONS
from startup.asgi import create_app
from tests.support.api_client import Api
from tests.support.data import intake_json
from tests.support.stack import asgi_client
from workflows.ticket.process import Scope
from workflows.ticket.rules import ACTION_RULES

VALID_BODIES: dict[str, dict[str, Any]] = {
    "answer": {"content": "office hours are 9-17"},
    "transfer-110": {"reason": "a fight in progress"},
    "police-accept": {"incident_no": "J1"},
    "police-hand-back": {"reason": "not a police matter"},
    "reject": {"reason": "before a court"},
    "dispatch": {"lead": "housing"},
    "sign": {},
    "return": {"reason": "not ours", "legal_basis": "catalogue item 3"},
    "return-review": {"accept": False},
    "progress": {"content": "site visited"},
    "part": {"content": "our part: the permit is valid"},
    "delegate": {"unit": "urban-management-dinghai", "reply_by": "2099-01-01"},
    "delegated-sign": {},
    "delegated-return": {"reason": "not in our area"},
    "delegated-reply": {"outcome": "resolved", "content": "done below"},
    "delegated-review": {"accept": True},
    "extension": {"working_days": 1, "reason": "lab tests"},
    "extension-review": {"approve": False},
    "suspend": {"reason": "等待市民补充材料", "expected_resume": "2099-01-01"},
    "suspension-review": {"approve": False},
    "resume": {},
    "reply": {"outcome": "resolved", "content": "done"},
    "rating": {"satisfaction": "satisfied", "solved": True},
    "supervise": {"note": "three days and no progress"},
    "joint-meeting": {"departments": ["housing"], "agenda": "who leads?"},
    "discipline-referral": {"reason": "ignored every order"},
    "rating-review": {"reasonable": False},
    "merge": {"into": "NO-SUCH-TICKET"},
    "withdraw": {},
}


def headers_for(api: Api, role: Role, department: str = "ecology") -> dict[str, str]:
    if role is Role.INTEGRATOR:  # the 110 integration: it may speak for 110
        return api.token(role, sub="police-110", speaks_for=frozenset({"110"}))
    return api.token(role, department if role is Role.DEPARTMENT else None)


def test_every_rule_has_a_route_and_a_body_here() -> None:
    assert {route.name for route in TICKET_ACTIONS} == set(ACTION_RULES) == set(VALID_BODIES)


async def test_roles_against_actions(api: Api) -> None:
    """On a closed ticket: a role without the right hears 403, a role with it hears why not."""
    no = (await api.create(category="010501"))["ticket_no"]  # lead: ecology
    await api.act(no, "withdraw", api.agent, {})
    outcomes: dict[tuple[str, str], int] = {}
    for action, rule in ACTION_RULES.items():
        for role in Role:
            response = await api.http.post(
                f"/v1/tickets/{no}/{action}",
                json=VALID_BODIES[action],
                headers=headers_for(api, role),
            )
            outcomes[(action, role.value)] = response.status_code
            if role not in rule.roles:
                assert response.status_code == 403, (action, role, response.text)
            elif action == "merge":
                assert response.status_code == 422, response.text  # unknown target
            elif action == "joint-meeting" and role is Role.DEPARTMENT:
                assert response.status_code == 403, response.text  # ecology is no township
            elif role is Role.DEPARTMENT and rule.scope is Scope.ASSISTING:
                assert response.status_code == 403, response.text  # ecology leads: no part
            else:
                assert response.status_code == 409, (action, role, response.text)
    assert sum(status == 403 for status in outcomes.values()) >= 60  # of 90 pairs
    assert await api.timeline(no) == ["received", "dispatched", "closed"]  # nothing applied


async def test_departments_act_only_within_their_scope(api: Api) -> None:
    no = (await api.create(category="010501"))["ticket_no"]  # ecology + urban-mgmt
    assisting, outsider = api.department("urban-management"), api.department("housing")
    await api.act(no, "sign", api.department("ecology"))  # progress follows the signature
    department_actions = [a for a, rule in ACTION_RULES.items() if Role.DEPARTMENT in rule.roles]
    assert set(department_actions) == {
        "sign",
        "return",
        "progress",
        "part",
        "delegate",
        "delegated-sign",
        "delegated-return",
        "delegated-reply",
        "delegated-review",
        "extension",
        "suspend",
        "resume",
        "reply",
        "joint-meeting",
    }
    for action in department_actions:
        body = VALID_BODIES[action]
        refused = await api.http.post(f"/v1/tickets/{no}/{action}", json=body, headers=outsider)
        assert refused.status_code == 403, (action, refused.text)
        by_assisting = await api.http.post(
            f"/v1/tickets/{no}/{action}", json=body, headers=assisting
        )
        if ACTION_RULES[action].scope in (Scope.INVOLVED, Scope.ASSISTING):
            assert by_assisting.status_code == 200, by_assisting.text
        else:
            assert by_assisting.status_code == 403, (action, by_assisting.text)
    assert await api.timeline(no) == [
        "received",
        "dispatched",
        "signed",
        "progress",
        "part_submitted",
    ]


DEPARTMENT_ACTIONS = [a for a, rule in ACTION_RULES.items() if Role.DEPARTMENT in rule.roles]


async def test_a_department_with_no_part_hears_403_closed_or_open_worker_or_none(
    api: Api,
) -> None:
    """Who asks comes before when: an outsider learns neither that a ticket is closed
    (nor why), nor, with no worker to answer, gets a 202 for an action it may not take."""
    outsider = api.department("housing")
    closed = (await api.create(category="010501"))["ticket_no"]  # ecology leads
    await api.act(closed, "withdraw", api.agent, {})
    for action in DEPARTMENT_ACTIONS:
        refused = await api.http.post(
            f"/v1/tickets/{closed}/{action}", json=VALID_BODIES[action], headers=outsider
        )
        assert refused.status_code == 403, (action, refused.text)
        assert "withdrawn" not in refused.text and "closed" not in refused.text, refused.text

    open_no = (await api.create(category="010501"))["ticket_no"]
    nobody_home = api.settings.model_copy(
        update={"task_queue": f"nobody-home-{uuid.uuid4().hex[:6]}", "answer_timeout_seconds": 0.5}
    )
    async with asgi_client(create_app(nobody_home, client=api.temporal)) as http:
        for action in DEPARTMENT_ACTIONS:
            refused = await http.post(
                f"/v1/tickets/{open_no}/{action}", json=VALID_BODIES[action], headers=outsider
            )
            assert refused.status_code == 403, (action, refused.text)
    assert await api.timeline(open_no) == ["received", "dispatched"]


async def test_who_reads_personal_data(api: Api) -> None:
    no = (await api.create(category="010501"))["ticket_no"]
    full = {"name": "张三", "phone": "13812341234"}
    masked = {"name": "张*", "phone": "138****1234"}
    expectations = [
        (api.agent, 200, full),
        (api.token(Role.SUPERVISOR), 200, full),
        (api.token(Role.ADMIN), 200, full),
        (api.department("ecology"), 200, full),
        (api.department("urban-management"), 200, full),  # assisting
        (api.token(Role.INTEGRATOR), 403, masked),
        (api.token(Role.DISCIPLINE), 403, masked),
    ]
    for headers, citizen_status, seen in expectations:
        ticket = await api.http.get(f"/v1/tickets/{no}", headers=headers)
        assert ticket.status_code == 200 and ticket.json()["citizen"] == seen, headers
        citizen = await api.http.get(f"/v1/tickets/{no}/citizen", headers=headers)
        assert citizen.status_code == citizen_status, headers
    listed = await api.http.get(
        "/v1/tickets", params={"page_size": 200}, headers=api.token(Role.INTEGRATOR)
    )
    assert all(t["citizen"]["phone"].count("*") == 4 for t in listed.json()["items"])
    outsider = api.department("housing")
    assert (await api.http.get(f"/v1/tickets/{no}", headers=outsider)).status_code == 403
    assert (await api.http.get(f"/v1/tickets/{no}/citizen", headers=outsider)).status_code == 403
    created = await api.http.post(
        "/v1/tickets", json=intake_json(), headers=api.token(Role.INTEGRATOR)
    )
    assert created.json()["citizen"] == masked  # even the creator's echo is masked


async def test_request_bodies_are_size_limited(api: Api) -> None:
    huge = intake_json(description="x" * (api.settings.max_request_bytes + 1))
    declared = await api.http.post("/v1/tickets", json=huge, headers=api.agent)
    assert declared.status_code == 413 and declared.json()["error"]["code"] == "too_large"

    async def streamed():  # no Content-Length: counted as it arrives
        for _ in range(api.settings.max_request_bytes // 1024 + 2):
            yield b" " * 1024

    chunked = await api.http.post(
        "/v1/tickets", content=streamed(), headers={**api.agent, "Content-Type": "application/json"}
    )
    assert chunked.status_code == 413
