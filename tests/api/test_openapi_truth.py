"""The OpenAPI document says what is served: masked views validate against the published
schemas, an unreadable body is the documented 422, and Open311's XML, its errors and the
reports' Markdown are listed. (jsonschema_rs comes with schemathesis.)"""

from __future__ import annotations

from typing import Any

import jsonschema_rs

from schema.ticket import Role
from tests.support.api_client import Api
from tests.support.data import intake_json


async def _published(api: Api) -> dict[str, Any]:
    document: dict[str, Any] = (await api.http.get("/openapi.json")).json()
    return document


def _validator(document: dict[str, Any], path: str, verb: str, status: str) -> Any:
    """The schema of one answer, with the document's components to resolve it against."""
    answer = document["paths"][path][verb]["responses"][status]
    schema = answer["content"]["application/json"]["schema"]
    return jsonschema_rs.validator_for({**schema, "components": document["components"]})


def _problems(validator: Any, instance: object) -> list[str]:
    return [str(error).splitlines()[0] for error in validator.iter_errors(instance)]


async def test_masked_views_validate_against_the_published_schema(api: Api) -> None:
    document = await _published(api)
    integrator, discipline = api.token(Role.INTEGRATOR), api.token(Role.DISCIPLINE)
    created = await api.http.post(
        "/v1/tickets",
        json=intake_json(citizen={"name": "王小明", "phone": "13800002411"}),
        headers=integrator,
    )
    assert created.status_code == 201, created.text
    assert created.json()["citizen"] == {"name": "王**", "phone": "138****2411"}
    no = created.json()["ticket_no"]
    short = await api.create(citizen={"name": "李四", "phone": "12345"})
    served = [
        ("/v1/tickets", "post", "201", created),
        (
            "/v1/tickets/{ticket_no}",
            "get",
            "200",
            await api.http.get(f"/v1/tickets/{no}", headers=integrator),
        ),
        (
            "/v1/tickets/{ticket_no}",
            "get",
            "200",
            await api.http.get(f"/v1/tickets/{short['ticket_no']}", headers=discipline),
        ),
        ("/v1/tickets", "get", "200", await api.http.get("/v1/tickets", headers=discipline)),
    ]
    assert served[2][3].json()["citizen"]["phone"] == "****"
    for path, verb, status, answer in served:
        assert answer.status_code == int(status), answer.text
        assert _problems(_validator(document, path, verb, status), answer.json()) == [], path
    # A request's citizen keeps the strict pattern: a masked phone is no phone to call.
    intake = document["paths"]["/v1/tickets"]["post"]["requestBody"]["content"]
    request = jsonschema_rs.validator_for(
        {**intake["application/json"]["schema"], "components": document["components"]}
    )
    masked = intake_json(citizen={"name": "王小明", "phone": "138****2411"})
    assert any("phone" in problem or "138" in problem for problem in _problems(request, masked))
    refused = await api.http.post("/v1/tickets", json=masked, headers=api.agent)
    assert refused.status_code == 422


async def test_a_body_that_is_not_utf8_json_is_the_documented_422(api: Api) -> None:
    document = await _published(api)
    for body in (b"\xff\xfe{}", b'{"channel": "\xe9"}'):
        answer = await api.http.post(
            "/v1/tickets", content=body, headers={**api.agent, "Content-Type": "application/json"}
        )
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["code"] == "invalid_input" and error["details"][0]["field"] == "body"
    assert "422" in document["paths"]["/v1/tickets"]["post"]["responses"]


async def test_open311_xml_its_errors_and_the_markdown_report_are_documented(api: Api) -> None:
    document = await _published(api)
    missing = await api.http.get("/open311/v2/requests/NO-SUCH.xml")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/xml")
    assert "<errors><error><code>404</code>" in missing.text
    declared = document["paths"]["/open311/v2/requests/{service_request_id}.{fmt}"]["get"]
    assert {"200", "404", "422"} <= set(declared["responses"])
    assert "text/xml" in declared["responses"]["200"]["content"]
    assert "text/xml" in declared["responses"]["404"]["content"]
    errors = _validator(document, "/open311/v2/requests/{service_request_id}.{fmt}", "get", "404")
    not_found = await api.http.get("/open311/v2/requests/NO-SUCH.json")
    assert _problems(errors, not_found.json()) == []
    bad_date = await api.http.get("/open311/v2/requests.xml", params={"start_date": "x"})
    assert bad_date.status_code == 400
    listed = document["paths"]["/open311/v2/requests.{fmt}"]
    assert "400" in listed["get"]["responses"]
    assert {"400", "403", "404", "503"} <= set(listed["post"]["responses"])
    yaml = await api.http.get("/open311/v2/discovery.yaml")
    assert yaml.status_code == 422 and yaml.json()["error"]["code"] == "invalid_input"
    report = document["paths"]["/v1/reports/{report_id}"]["get"]["responses"]["200"]
    assert "text/markdown" in report["content"]
