"""The Open311 GeoReport v2 facade: discovery, services, requests, in JSON and XML."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime, timedelta

from tests.support.api_client import Api

BASE = "/open311/v2"
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def report(**overrides: str) -> dict[str, str]:
    form = {
        "api_key": "open311-test-key",
        "service_code": "010301",
        "description": "a deep pothole outside number 12",
        "phone": "13812341234",
        "first_name": "San",
        "last_name": "Zhang",
        "address_string": "Huannan Road 12",
        "attribute[district]": "dinghai",
    }
    form.update(overrides)
    return form


async def test_discovery_and_services(api: Api) -> None:
    discovery = (await api.http.get(f"{BASE}/discovery.json")).json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    services = (await api.http.get(f"{BASE}/services.json")).json()
    road = next(s for s in services if s["service_code"] == "010301")
    assert set(road) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert road["group"] == "交通运输局" and road["type"] == "realtime"
    assert road["service_name"] == "道路破损"
    assert road["description"] == "城市管理 › 市政设施 › 道路破损"
    assert "路面坑洼" in road["keywords"].split(",")
    definition = (await api.http.get(f"{BASE}/services/010301.json")).json()
    [district] = definition["attributes"]
    assert district["code"] == "district" and district["required"] is True
    values = {v["key"]: v["name"] for v in district["values"]}
    assert values["dinghai"] == "定海区" and {"putuo", "xincheng"} <= set(values)
    xml = await api.http.get(f"{BASE}/services.xml")
    assert xml.headers["content-type"].startswith("text/xml")
    assert xml.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ElementTree.fromstring(xml.text.split("?>", 1)[1])
    assert root.tag == "services" and root.find("service/service_code") is not None
    missing = await api.http.get(f"{BASE}/services/no-such-service.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


async def test_post_and_follow_a_request(api: Api) -> None:
    posted = await api.http.post(f"{BASE}/requests.json", data=report())
    assert posted.status_code == 200, posted.text
    [receipt] = posted.json()
    assert receipt["service_notice"] == "dispatched to Transport Bureau"
    number = receipt["service_request_id"]
    [record] = (await api.http.get(f"{BASE}/requests/{number}.json")).json()
    assert set(record) == REQUEST_FIELDS
    assert record["status"] == "open" and record["status_notes"] == "12345 status: dispatched"
    assert record["agency_responsible"] == "Transport Bureau"
    assert record["expected_datetime"].endswith("Z")  # the reply deadline
    assert "13812341234" not in str(record)  # no personal data on a public interface
    await api.act(number, "withdraw", api.agent, {})
    [closed] = (await api.http.get(f"{BASE}/requests/{number}.json")).json()
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "12345 status: closed (withdrawn)"
    xml = await api.http.get(f"{BASE}/requests/{number}.xml")
    root = ElementTree.fromstring(xml.text.split("?>", 1)[1])
    assert root.tag == "service_requests" and root.findtext("request/status") == "closed"


async def test_request_queries_and_limits(api: Api) -> None:
    number = (await api.http.post(f"{BASE}/requests.json", data=report())).json()[0][
        "service_request_id"
    ]
    by_id = (
        await api.http.get(f"{BASE}/requests.json", params={"service_request_id": number})
    ).json()
    assert [r["service_request_id"] for r in by_id] == [number]
    open_ones = (
        await api.http.get(
            f"{BASE}/requests.json", params={"service_code": "010301", "status": "open"}
        )
    ).json()
    assert number in [r["service_request_id"] for r in open_ones]
    assert all(r["status"] == "open" for r in open_ones)
    now = datetime.now(UTC)
    too_long = await api.http.get(
        f"{BASE}/requests.json",
        params={"start_date": (now - timedelta(days=91)).isoformat(), "end_date": now.isoformat()},
    )
    assert too_long.status_code == 400 and "90 days" in too_long.json()[0]["description"]
    assert (
        await api.http.get(f"{BASE}/requests.json", params={"status": "pending"})
    ).status_code == 400
    assert (
        await api.http.get(f"{BASE}/requests.json", params={"start_date": "yesterday"})
    ).status_code == 400
    unknown = await api.http.get(f"{BASE}/requests/NOPE.xml")
    assert unknown.status_code == 404 and "<errors><error><code>404</code>" in unknown.text


async def test_bad_posts_are_refused_in_the_specs_form(api: Api) -> None:
    no_key = await api.http.post(f"{BASE}/requests.json", data=report(api_key="wrong"))
    assert no_key.status_code == 403 and no_key.json()[0]["code"] == 403
    no_phone = await api.http.post(f"{BASE}/requests.json", data=report(phone=""))
    assert no_phone.status_code == 400 and "phone" in no_phone.json()[0]["description"]
    nowhere = await api.http.post(f"{BASE}/requests.json", data=report(address_string=""))
    assert nowhere.status_code == 400 and "location" in nowhere.json()[0]["description"]
    unknown = await api.http.post(f"{BASE}/requests.json", data=report(service_code="dragons"))
    assert unknown.status_code == 404
    bad_phone = await api.http.post(f"{BASE}/requests.xml", data=report(phone="call me"))
    assert bad_phone.status_code == 400 and bad_phone.text.startswith("<?xml")


async def test_open311_keeps_coordinates_and_refuses_what_it_cannot_take(api: Api) -> None:
    pinned = report(lat="30.0123", long="122.1067")
    del pinned["address_string"]
    posted = await api.http.post(f"{BASE}/requests.json", data=pinned)
    assert posted.status_code == 200, posted.text
    number = posted.json()[0]["service_request_id"]
    [record] = (await api.http.get(f"{BASE}/requests/{number}.json")).json()
    assert (record["lat"], record["long"]) == (30.0123, 122.1067)
    assert record["address"] == ""  # not the coordinates written as an address

    for fields, words in (
        ({"lat": "abc", "long": "122"}, "decimal degrees"),
        ({"lat": "95", "long": "122"}, "within"),
        ({"attribute[district]": "atlantis"}, "atlantis"),
        ({"phone": ""}, "stricter than GeoReport v2: phone"),
    ):
        refused = await api.http.post(f"{BASE}/requests.json", data=report(**fields))
        assert refused.status_code == 400, (fields, refused.text)
        assert words in refused.json()[0]["description"], refused.text

    as_json = await api.http.post(f"{BASE}/requests.json", json=report())
    assert as_json.status_code == 400 and "form-encoded" in as_json.text
    bare = await api.http.get(f"{BASE}/discovery")
    assert bare.status_code == 404
    assert bare.json()[0]["code"] == 404 and ".json" in bare.json()[0]["description"]
    discovery = (await api.http.get(f"{BASE}/discovery.json")).json()
    assert "phone is required" in discovery["notes"]
