"""What an attacker and a first-time user tried: each answer is a clear error, never a 500,
and no department reads another's tickets."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import jwt

from schema.ticket import Role
from tests.support.api_client import Api
from tests.support.catalogue import new_category
from tests.support.data import intake_json


async def _department_with_a_ticket(api: Api, code: str) -> str:
    """A department (created by an admin) that leads one ticket of a category of its own."""
    admin = api.token(Role.ADMIN)
    created = await api.http.post(
        "/v1/departments",
        headers=admin,
        json={"code": code, "name": code, "name_zh": "供水公司"},
    )
    assert created.status_code in (201, 409), created.text
    category = await new_category(api, "停水（测试）")
    rule = await api.http.post(
        "/v1/routing-rules", headers=admin, json={"category": category, "lead": code}
    )
    assert rule.status_code == 201, rule.text
    ticket = await api.create(category=category, description="no water, call 13900001111")
    assert ticket["lead_department"] == code
    return str(ticket["ticket_no"])


async def test_department_codes_are_matched_exactly_never_as_patterns(api: Api) -> None:
    await _department_with_a_ticket(api, "water-supply")
    refused = await api.http.post(
        "/v1/departments",
        headers=api.token(Role.ADMIN),
        json={"code": "water_supply", "name": "lookalike", "name_zh": "仿冒"},
    )
    assert refused.status_code == 422, refused.text
    assert "code" in refused.json()["error"]["message"]
    # A unit whose code holds '_' (allowed before the alphabet narrowed) sees only its own.
    lookalike = await api.http.get("/v1/tickets", headers=api.department("water_supply"))
    assert lookalike.status_code == 200 and lookalike.json()["total"] == 0
    supervisor = api.token(Role.SUPERVISOR)
    for pattern in ("water_supply", "w%"):
        found = await api.http.get(
            "/v1/tickets", params={"department": pattern}, headers=supervisor
        )
        assert found.status_code in (200, 422), found.text
        assert found.status_code == 422 or found.json()["total"] == 0, pattern
    wildcard = await api.http.get("/v1/tickets", params={"department": "%"}, headers=supervisor)
    assert wildcard.status_code == 422


async def test_absurd_paging_and_nulls_are_422_not_500(api: Api) -> None:
    supervisor = api.token(Role.SUPERVISOR)
    for path in ("/v1/tickets", "/v1/escalations"):
        huge = await api.http.get(
            path, params={"page": "99999999999999999999999"}, headers=supervisor
        )
        assert huge.status_code == 422, huge.text
        assert huge.json()["error"]["code"] == "invalid_input"
    admin = api.token(Role.ADMIN)
    rule = await api.http.post(
        "/v1/routing-rules",
        headers=admin,
        json={"category": await new_category(api), "lead": "housing"},
    )
    for field in ("assisting", "lead"):
        nulled = await api.http.patch(
            f"/v1/routing-rules/{rule.json()['id']}", headers=admin, json={field: None}
        )
        assert nulled.status_code == 422, nulled.text
        assert "null" in nulled.json()["error"]["message"]


async def test_a_malformed_token_claim_is_401_and_the_next_request_is_served(api: Api) -> None:
    secret = api.settings.resolved_jwt_secret()
    now = datetime.now(UTC)

    def forged(**claims: object) -> dict[str, str]:
        base = {"sub": "x", "role": "department", "iat": now, "exp": now + timedelta(hours=1)}
        token = jwt.encode({**base, **claims}, secret, algorithm="HS256")
        return {"Authorization": f"Bearer {token}"}

    for claims in (
        {"department": ["housing", "water-supply"]},
        {"department": "%"},
        {"department": "housing", "sub": "x" * 1_000_000},
        {"department": "housing", "sub": 42},
    ):
        answer = await api.http.get("/v1/tickets", headers=forged(**claims))
        assert answer.status_code in (401, 431), (claims, answer.text)
        assert answer.json()["error"]["code"] in ("unauthenticated", "headers_too_large")
    fine = await api.http.get("/v1/tickets", headers=api.department("housing"))
    assert fine.status_code == 200


async def test_oversized_headers_are_refused_before_anything_reads_them(api: Api) -> None:
    huge = await api.http.get("/v1/tickets", headers={"Authorization": "Bearer " + "a" * 20_000})
    assert huge.status_code == 431
    assert huge.json()["error"]["code"] == "headers_too_large"


async def test_reporting_in_without_a_part_in_the_ticket_is_403_before_409(api: Api) -> None:
    no = (await api.create(category="010101"))["ticket_no"]  # urban-management leads
    stranger = await api.http.post(
        f"/v1/tickets/{no}/joint-meeting/report", headers=api.department("housing")
    )
    assert stranger.status_code == 403, stranger.text
    lead = await api.http.post(
        f"/v1/tickets/{no}/joint-meeting/report", headers=api.department("urban-management")
    )
    assert lead.status_code == 409, lead.text


async def test_a_supervision_order_cannot_be_due_in_the_year_9999(api: Api) -> None:
    no = (await api.create())["ticket_no"]
    supervisor = api.token(Role.SUPERVISOR)
    far = await api.http.post(
        f"/v1/tickets/{no}/supervise",
        headers=supervisor,
        json={"note": "typo", "due": "9999-12-31T00:00:00+08:00"},
    )
    assert far.status_code == 422, far.text
    assert "days away" in far.json()["error"]["message"]
    assert "supervision_order" not in await api.timeline(no)


async def test_the_escalations_csv_cannot_carry_a_formula(api: Api) -> None:
    no = (await api.create())["ticket_no"]
    supervisor = api.token(Role.SUPERVISOR)
    formula = '=HYPERLINK("http://evil.example","click")'
    await api.act(no, "supervise", supervisor, {"note": formula})
    exported = await api.http.get(
        "/v1/escalations", params={"ticket_no": no, "format": "csv"}, headers=supervisor
    )
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    reasons = [row["reason"] for row in rows]
    assert reasons and all(not reason.startswith("=") for reason in reasons)
    assert any(reason.startswith("'=HYPERLINK") for reason in reasons)


async def test_every_v1_operation_documents_its_errors(api: Api) -> None:
    document = (await api.http.get("/openapi.json")).json()
    undocumented = [
        f"{verb.upper()} {path}"
        for path, operations in document["paths"].items()
        if path.startswith("/v1")
        for verb, operation in operations.items()
        if not {"401", "403", "404", "409", "503"} <= set(operation["responses"])
    ]
    assert undocumented == []
    error = document["components"]["schemas"]["ErrorBody"]
    assert error["properties"]["error"]


async def test_numbers_in_free_text_are_masked_for_masked_roles_and_open311(api: Api) -> None:
    mobile, card, landline = "13900001111", "110101199003071234", "0574-87654321"
    ticket = await api.create(description=f"call {mobile} or {landline}, ID {card}")
    no = ticket["ticket_no"]
    supervisor = api.token(Role.SUPERVISOR)
    await api.act(no, "supervise", supervisor, {"note": f"citizen asks for a call on {mobile}"})
    secrets = (mobile, card, "87654321")
    integrator, discipline = api.token(Role.INTEGRATOR), api.token(Role.DISCIPLINE)
    served = [
        await api.http.get(f"/v1/tickets/{no}", headers=integrator),
        await api.http.get("/v1/tickets", params={"page_size": 200}, headers=integrator),
        await api.http.get(f"/v1/tickets/{no}/timeline", headers=integrator),
        await api.http.get(f"/v1/tickets/{no}/timeline", headers=discipline),
        await api.http.get("/v1/escalations", params={"ticket_no": no}, headers=discipline),
        await api.http.get(
            "/v1/escalations", params={"ticket_no": no, "format": "csv"}, headers=discipline
        ),
        await api.http.get("/v1/notifications", params={"ticket_no": no}, headers=integrator),
        await api.http.get(f"/open311/v2/requests/{no}.json"),
        await api.http.get("/open311/v2/requests.json"),
    ]
    for answer in served:
        assert answer.status_code == 200, (answer.url, answer.text)
        leaked = [s for s in secrets if s in answer.text]
        assert leaked == [], (str(answer.url), leaked)
    assert "139****1111" in served[0].text and "110101********1234" in served[0].text
    # The roles that read citizens still read the text as written.
    agent_view = await api.http.get(f"/v1/tickets/{no}/timeline", headers=api.agent)
    assert mobile in agent_view.text


async def test_the_docs_pages_load_everything_from_the_application(api: Api) -> None:
    for page in ("/docs", "/redoc"):
        html = await api.http.get(page)
        assert html.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', html.text) + re.findall(
            r"url: '([^']+)'", html.text
        )
        assert assets, page
        for asset in assets:
            assert asset.startswith("/"), (page, asset)  # nothing from another host
            assert (await api.http.get(asset)).status_code == 200, asset


async def test_intake_refuses_unknown_districts_and_names_malformed_json(api: Api) -> None:
    atlantis = await api.http.post(
        "/v1/tickets", json=intake_json(district="atlantis"), headers=api.agent
    )
    assert atlantis.status_code == 422
    assert atlantis.json()["error"]["code"] == "unknown_district"
    assert "dinghai" in atlantis.json()["error"]["message"]
    broken = await api.http.post(
        "/v1/tickets",
        content=b'{"channel": "phone",,}',
        headers={**api.agent, "Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    assert "malformed JSON at character" in broken.json()["error"]["message"]
    assert "body.2" not in broken.json()["error"]["message"]


async def test_stats_default_to_this_month_and_take_plain_dates(api: Api) -> None:
    supervisor = api.token(Role.SUPERVISOR)
    default = await api.http.get("/v1/stats", headers=supervisor)
    assert default.status_code == 200, default.text
    this_month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")  # the city's month
    assert default.json()["period_from"].startswith(this_month)
    dates = await api.http.get(
        "/v1/stats", params={"from": "2026-11-01", "to": "2026-12-01"}, headers=supervisor
    )
    assert dates.status_code == 200, dates.text
    assert dates.json()["period_from"].startswith("2026-11-01T00:00:00+08:00") or dates.json()[
        "period_from"
    ].startswith("2026-10-31T16:00:00")
    spaced = await api.http.get(
        "/v1/stats?from=2026-11-01T00:00:00+08:00&to=2026-12-01T00:00:00Z", headers=supervisor
    )
    assert spaced.status_code == 422 and "%2B" in spaced.json()["error"]["message"]


async def test_instants_beyond_the_documented_days_are_422_naming_the_field(api: Api) -> None:
    supervisor = api.token(Role.SUPERVISOR)
    year_one, year_9999 = "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"
    refused = [
        ("/v1/tickets", {"created_from": year_one}, "created_from"),
        ("/v1/tickets", {"created_to": year_9999}, "created_to"),
        ("/v1/escalations", {"from": year_one}, "from"),
        ("/v1/escalations", {"to": year_9999, "format": "csv"}, "to"),
        ("/v1/stats", {"from": "0001-01-01"}, "from"),
        ("/v1/stats", {"from": "2026-11-01", "to": year_9999}, "to"),
    ]
    for path, params, field in refused:
        answer = await api.http.get(path, params=params, headers=supervisor)
        assert answer.status_code == 422, (path, params, answer.text)
        error = answer.json()["error"]
        assert error["code"] == "invalid_input"
        assert f"{field}" in error["message"] and "2000-01-01" in error["message"], error
    for fmt in ("json", "xml"):
        georeport = await api.http.get(
            f"/open311/v2/requests.{fmt}", params={"start_date": year_one}
        )
        assert georeport.status_code == 400 and "2000-01-01" in georeport.text, georeport.text
    # The first and the last day of the range are served.
    edges = {"created_from": "2000-01-01T00:00:00+14:00", "created_to": "2100-12-31T23:59:59-12:00"}
    served = await api.http.get("/v1/tickets", params=edges, headers=supervisor)
    assert served.status_code == 200, served.text


async def test_ids_and_weights_no_column_can_hold_are_422_not_500(api: Api) -> None:
    admin = api.token(Role.ADMIN)
    for rule_id in ("9223372036854775808", "-9223372036854775809", "2147483648", "0"):
        patched = await api.http.patch(
            f"/v1/routing-rules/{rule_id}", headers=admin, json={"note": "probe"}
        )
        deleted = await api.http.delete(f"/v1/routing-rules/{rule_id}", headers=admin)
        for answer in (patched, deleted):
            assert answer.status_code == 422, (rule_id, answer.text)
            assert "rule_id" in answer.json()["error"]["message"]
    largest = await api.http.delete("/v1/routing-rules/2147483647", headers=admin)
    assert largest.status_code == 404 and largest.json()["error"]["code"] == "unknown_rule"
    supervisor = api.token(Role.SUPERVISOR)
    for weight in ("inf", "1e308"):
        weighed = await api.http.get(
            "/v1/stats", params={"weight_response": weight}, headers=supervisor
        )
        assert weighed.status_code == 422, weighed.text
        assert "weight_response" in weighed.json()["error"]["message"]
