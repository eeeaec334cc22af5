"""Personal data is encrypted in history; the codec server shows it to authorised staff only."""

from __future__ import annotations

import jwt
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads
from temporalio.client import Client

from schema.ticket import Role
from startup.devstack import ui_codec_arguments
from tests.support.api_client import Api
from tests.support.keys import TEST_CONVERTER

PHONE = "13812341234"
UI = "http://127.0.0.1:8233"


async def raw_start_payloads(api: Api, ticket_no: str) -> Payloads:
    """The workflow's start input exactly as stored: what Temporal UI gets without a codec."""
    handle = api.temporal.get_workflow_handle(f"ticket-{ticket_no}")
    history = await handle.fetch_history()
    return history.events[0].workflow_execution_started_event_attributes.input


async def test_history_holds_no_personal_data_in_the_clear(api: Api) -> None:
    ticket_no = (await api.create())["ticket_no"]
    history = await api.temporal.get_workflow_handle(f"ticket-{ticket_no}").fetch_history()
    stored = history.to_json()
    assert PHONE not in stored and "张三" not in stored
    started = history.events[0].workflow_execution_started_event_attributes
    assert started.input.payloads[0].metadata["encoding"] == b"binary/encrypted"
    # A client without the codec sees the sealed payload and nothing else.
    plain = Client(api.temporal.service_client, namespace=api.temporal.namespace)
    raw = await plain.get_workflow_handle(f"ticket-{ticket_no}").fetch_history()
    assert PHONE not in raw.to_json()


async def test_codec_server_decodes_for_staff_only(api: Api) -> None:
    ticket_no = (await api.create())["ticket_no"]
    body = json_format.MessageToJson(await raw_start_payloads(api, ticket_no))
    supervisor = api.token(Role.SUPERVISOR)
    decoded = await api.http.post(
        "/codec/decode", content=body, headers={**supervisor, "X-Namespace": "default"}
    )
    assert decoded.status_code == 200, decoded.text
    payloads = json_format.Parse(decoded.text, Payloads())
    assert PHONE in payloads.payloads[0].data.decode()
    per_namespace = await api.http.post("/codec/default/decode", content=body, headers=supervisor)
    assert per_namespace.status_code == 200
    staff_token = supervisor["Authorization"].removeprefix("Bearer ")
    staff_in_path = await api.http.post(f"/codec/t/{staff_token}/decode", content=body)
    assert staff_in_path.status_code == 401  # a staff token never belongs in a URL
    anonymous = await api.http.post("/codec/decode", content=body)
    assert anonymous.status_code == 401
    department = await api.http.post(
        "/codec/decode", content=body, headers=api.department("housing")
    )
    assert department.status_code == 403
    garbage = await api.http.post("/codec/decode", content=b"{not json", headers=supervisor)
    assert garbage.status_code == 422


async def test_codec_server_encodes_what_it_decodes(api: Api) -> None:
    original = Payloads(payloads=TEST_CONVERTER.payload_converter.to_payloads(["138 call"]))
    supervisor = api.token(Role.SUPERVISOR)
    encoded = await api.http.post(
        "/codec/encode", content=json_format.MessageToJson(original), headers=supervisor
    )
    sealed = json_format.Parse(encoded.text, Payloads())
    assert sealed.payloads[0].metadata["encoding"] == b"binary/encrypted"
    decoded = await api.http.post("/codec/decode", content=encoded.text, headers=supervisor)
    assert json_format.Parse(decoded.text, Payloads()) == original


async def test_cors_admits_only_the_ui_origin(api: Api) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
    }
    allowed = await api.http.options("/codec/decode", headers={**preflight, "Origin": UI})
    assert allowed.headers.get("access-control-allow-origin") == UI
    refused = await api.http.options(
        "/codec/decode", headers={**preflight, "Origin": "http://evil.example"}
    )
    assert "access-control-allow-origin" not in refused.headers
    api_route = await api.http.options("/v1/tickets", headers={**preflight, "Origin": UI})
    assert "access-control-allow-origin" not in api_route.headers  # CORS only on /codec


def test_the_dev_ui_gets_no_codec_token_unless_switched_on(api: Api) -> None:
    """The dev UI serves its codec endpoint to anyone who reaches it (no sign-in)."""
    assert ui_codec_arguments(api.settings) == []
    switched_on = api.settings.model_copy(update={"ui_codec": True, "token_ttl_hours": 2})
    flag, endpoint = ui_codec_arguments(switched_on)
    assert flag == "--ui-codec-endpoint" and "/codec/t/" in endpoint
    claims = jwt.decode(endpoint.rsplit("/", 1)[1], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] <= 2 * 3600  # short-lived: the token TTL


def test_one_setting_names_the_ui_for_links_and_origins(api: Api) -> None:
    moved = api.settings.model_copy(update={"ui_port": 38233})
    assert moved.temporal_ui_address() == "http://127.0.0.1:38233"
    assert moved.origins() == ["http://127.0.0.1:38233", "http://localhost:38233"]
    named = api.settings.model_copy(
        update={"ui_address": "https://ops.example.gov.cn/temporal/", "ui_origins": UI}
    )
    assert named.temporal_ui_address() == "https://ops.example.gov.cn/temporal"
    assert named.origins() == ["https://ops.example.gov.cn", UI]


async def test_the_ui_codec_token_opens_the_codec_only_and_is_revoked_by_the_next(
    api: Api,
) -> None:
    ticket_no = (await api.create())["ticket_no"]
    body = json_format.MessageToJson(await raw_start_payloads(api, ticket_no))
    _, endpoint = ui_codec_arguments(api.settings.model_copy(update={"ui_codec": True}))
    path = endpoint.split(":", 2)[2].split("/", 1)[1]  # codec/t/<token>
    token = path.removeprefix("codec/t/")
    from_elsewhere = await api.http.post(f"/{path}/decode", content=body)
    assert from_elsewhere.status_code == 403  # a local process, not the UI's page
    in_path = await api.http.post(f"/{path}/decode", content=body, headers={"Origin": UI})
    assert in_path.status_code == 200, in_path.text
    assert PHONE in json_format.Parse(in_path.text, Payloads()).payloads[0].data.decode()
    # Good for nothing else: the API refuses it, whatever it asks.
    for url in (f"/v1/tickets/{ticket_no}", f"/v1/tickets/{ticket_no}/citizen"):
        refused = await api.http.get(url, headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401, refused.text
        assert "codec server only" in refused.json()["error"]["message"]
    as_header = await api.http.post(
        "/codec/decode", content=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert as_header.status_code == 401
    # The next start revokes it, whether or not it gives the UI a token again.
    ui_codec_arguments(api.settings)
    revoked = await api.http.post(f"/{path}/decode", content=body, headers={"Origin": UI})
    assert revoked.status_code == 401 and "revoked" in revoked.text
