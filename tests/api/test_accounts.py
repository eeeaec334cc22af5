"""Accounts: a username and password give a token; throttled sign-ins; a disabled account
or a new password ends the tokens issued before."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections import Counter
from typing import Any

from hotline.tokens import verify_claims
from schema.ticket import Role
from services.account_gate import AccountGate
from services.accounts import ACCOUNT_LIMIT, AccountError, add_user, disable_user, set_password
from services.errors import ServiceError
from tests.support.api_client import Api

PASSWORD = "correct horse battery"


async def _account(api: Api, role: Role = Role.AGENT, department: str | None = None) -> str:
    username = f"u-{uuid.uuid4().hex[:8]}"
    await add_user(
        api.read_model.sessions,
        username=username,
        display_name="测试话务员",
        role=role,
        password=PASSWORD,
        department=department,
    )
    return username


async def _sign_in(api: Api, username: str, password: str = PASSWORD) -> tuple[int, dict[str, Any]]:
    answer = await api.http.post(
        "/v1/auth/token", json={"username": username, "password": password}
    )
    return answer.status_code, answer.json()


async def test_a_username_and_password_give_a_token_that_works(api: Api) -> None:
    username = await _account(api, Role.DEPARTMENT, "housing")
    status, issued = await _sign_in(api, username)
    assert status == 200, issued
    assert (issued["role"], issued["department"], issued["token_type"]) == (
        "department",
        "housing",
        "bearer",
    )
    listed = await api.http.get(
        "/v1/tickets", headers={"Authorization": f"Bearer {issued['access_token']}"}
    )
    assert listed.status_code == 200, listed.text
    wrong = await _sign_in(api, username, "not the password")
    assert wrong[0] == 401 and "wrong username or password" in wrong[1]["error"]["message"]
    nobody = await _sign_in(api, "no-such-user")
    assert nobody[0] == 401  # the same answer: which of the two was wrong is not said


async def test_repeated_failures_are_throttled_per_account(api: Api) -> None:
    username = await _account(api)
    answers = [await _sign_in(api, username, "guess") for _ in range(6)]
    assert [status for status, _ in answers[:5]] == [401] * 5
    status, body = answers[5]
    assert status == 429 and body["error"]["code"] == "throttled"
    assert "try again in" in body["error"]["message"]
    locked_out = await _sign_in(api, username)  # even the right password, for now
    assert locked_out[0] == 429


async def _burst(api: Api, username: str, passwords: list[str]) -> Counter[int]:
    """Every password sent at once, from an address of the burst's own."""
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    async with api.client_from(address) as client:
        answers = await asyncio.gather(
            *(
                client.post("/v1/auth/token", json={"username": username, "password": password})
                for password in passwords
            )
        )
    return Counter(answer.status_code for answer in answers)


async def test_a_concurrent_burst_tries_no_more_passwords_than_the_limit(api: Api) -> None:
    username = await _account(api)
    statuses = await _burst(api, username, [f"guess number {n}" for n in range(30)])
    # Exactly the limit's worth of passwords was looked at; every other try was refused
    # unseen, and none of the concurrent tries collided into a 500.
    assert statuses == Counter({401: ACCOUNT_LIMIT, 429: 30 - ACCOUNT_LIMIT}), statuses

    guessed = await _account(api)
    passwords = [f"guess number {n}" for n in range(29)]
    passwords.insert(17, PASSWORD)
    statuses = await _burst(api, guessed, passwords)
    assert set(statuses) <= {200, 401, 429}, statuses
    assert statuses[401] <= ACCOUNT_LIMIT, statuses  # wrong passwords looked at
    assert statuses[429] >= 30 - ACCOUNT_LIMIT - 1, statuses


async def test_a_right_password_gives_its_try_back_but_clears_no_failures(api: Api) -> None:
    """Guesses around a right password still count: a sign-in between them does not open
    a fresh set of tries (it did when a success cleared the count)."""
    username = await _account(api)
    address = f"10.201.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    async with api.client_from(address) as client:

        async def sign_in(password: str) -> int:
            answer = await client.post(
                "/v1/auth/token", json={"username": username, "password": password}
            )
            return answer.status_code

        assert [await sign_in("guess again") for _ in range(4)] == [401] * 4
        assert await sign_in(PASSWORD) == 200
        assert [await sign_in("guess again") for _ in range(2)] == [401, 429]


async def test_who_exists_is_not_told_by_the_time_a_refusal_takes(api: Api) -> None:
    """An unknown name, a disabled account with its right password and a wrong password
    all verify an Argon2 hash: each takes about as long as the others."""
    known = await _account(api)
    disabled = await _account(api)
    await disable_user(api.read_model.sessions, disabled)

    async def median_ms(username: str, password: str) -> float:
        taken = []
        for _ in range(3):
            address = f"10.200.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
            async with api.client_from(address) as client:
                started = time.perf_counter()
                answer = await client.post(
                    "/v1/auth/token", json={"username": username, "password": password}
                )
                taken.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 401, answer.text
        return statistics.median(taken)

    wrong = await median_ms(known, "not the password")
    unknown = await median_ms(f"nobody-{uuid.uuid4().hex[:6]}", "not the password")
    disabled_right = await median_ms(disabled, PASSWORD)
    # Without the dummy hash an unknown name answered in a fortieth of the time.
    assert unknown > wrong / 3 and disabled_right > wrong / 3, (wrong, unknown, disabled_right)


async def test_guessable_passwords_are_refused(api: Api) -> None:
    for guessable in ("aaaaaaaaaa", "1234567890", " " * 10, "qwertyuiop", "password123"):
        try:
            await add_user(
                api.read_model.sessions,
                username=f"u-{uuid.uuid4().hex[:8]}",
                display_name="测试",
                role=Role.AGENT,
                password=guessable,
            )
            raise AssertionError(f"{guessable!r} was accepted")
        except AccountError as refused:
            assert "too easy to guess" in str(refused)
    username = await _account(api)
    try:
        await set_password(api.read_model.sessions, username, f"{username}{username}")
        raise AssertionError("a password made of the username was accepted")
    except AccountError as refused:
        assert "too easy to guess" in str(refused)


async def test_disabling_or_a_new_password_ends_the_tokens_issued_before(api: Api) -> None:
    disabled = await _account(api)
    _, issued = await _sign_in(api, disabled)
    await disable_user(api.read_model.sessions, disabled)
    refused = await api.http.get(
        "/v1/tickets", headers={"Authorization": f"Bearer {issued['access_token']}"}
    )
    assert refused.status_code == 401 and "sign in again" in refused.text
    assert (await _sign_in(api, disabled))[0] == 401

    changed = await _account(api)
    _, before = await _sign_in(api, changed)
    await set_password(api.read_model.sessions, changed, "another long password")
    gate = AccountGate(api.read_model.sessions, recheck_seconds=0)
    secret = api.settings.resolved_jwt_secret()
    try:
        await gate.admit(verify_claims(secret, before["access_token"]))
        raise AssertionError("a token from before the new password was admitted")
    except ServiceError as problem:
        assert problem.status == 401
    _, after = await _sign_in(api, changed, "another long password")
    await gate.admit(verify_claims(secret, after["access_token"]))  # the new one is fine


async def test_the_gate_rechecks_within_a_minute(api: Api) -> None:
    username = await _account(api)
    _, issued = await _sign_in(api, username)
    verified = verify_claims(api.settings.resolved_jwt_secret(), issued["access_token"])
    gate = AccountGate(api.read_model.sessions, recheck_seconds=0.0)
    await gate.admit(verified)
    await disable_user(api.read_model.sessions, username)
    try:
        await gate.admit(verified)
        raise AssertionError("a disabled account's token was admitted after the recheck")
    except ServiceError as problem:
        assert problem.status == 401
