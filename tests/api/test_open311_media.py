"""Open311's ``media_url`` both ways: a photo posted as the file ``media`` or fetched from
an allowed host comes in re-encoded (EXIF gone) and goes out as the request's
``media_url``; a host the centre did not allow, a link that is not a file, and a file
that is not a photo are refused in GeoReport's error shape, creating no ticket."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from schema.tables import Ticket
from tests.api.test_open311 import BASE, report
from tests.support.api_client import Api
from tests.support.files import CAMERA_MAKE, camera_photo

PHOTO = camera_photo()


class _Photos(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/photos/pothole.jpg":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(PHOTO)))
            self.end_headers()
            self.wfile.write(PHOTO)
        elif self.path == "/photos/moved.jpg":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/internal")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def photo_host() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Photos)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


async def ticket_count(api: Api) -> int:
    async with api.read_model.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)


async def served_media(api: Api, number: str) -> bytes:
    [record] = (await api.http.get(f"{BASE}/requests/{number}.json")).json()
    url = urlsplit(record["media_url"])
    assert url.path.startswith("/v1/files/")
    served = await api.http.get(f"{url.path}?{url.query}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    return served.content


async def test_a_photo_as_the_file_media_comes_back_as_media_url_without_exif(api: Api) -> None:
    posted = await api.http.post(
        f"{BASE}/requests.json", data=report(), files={"media": ("pothole.jpg", PHOTO)}
    )
    assert posted.status_code == 200, posted.text
    number = posted.json()[0]["service_request_id"]
    served = await served_media(api, number)
    assert served[:2] == b"\xff\xd8" and CAMERA_MAKE.encode() not in served
    [listed] = [
        r
        for r in (await api.http.get(f"{BASE}/requests.json")).json()
        if r["service_request_id"] == number
    ]
    assert listed["media_url"].startswith("http")
    # The ticket's own timeline shows the photo on its intake, as for any channel.
    events = (await api.http.get(f"/v1/tickets/{number}/timeline", headers=api.agent)).json()
    assert events["events"][0]["detail"]["attachments"]


async def test_a_photo_at_an_allowed_media_url_is_fetched(api: Api, photo_host: str) -> None:
    posted = await api.http.post(
        f"{BASE}/requests.json", data=report(media_url=f"{photo_host}/photos/pothole.jpg")
    )
    assert posted.status_code == 200, posted.text
    served = await served_media(api, posted.json()[0]["service_request_id"])
    assert CAMERA_MAKE.encode() not in served


async def test_a_request_without_a_photo_has_an_empty_media_url(api: Api) -> None:
    posted = await api.http.post(f"{BASE}/requests.json", data=report())
    [record] = (
        await api.http.get(f"{BASE}/requests/{posted.json()[0]['service_request_id']}.json")
    ).json()
    assert record["media_url"] == ""


async def test_media_that_cannot_be_taken_is_refused_and_creates_nothing(
    api: Api, photo_host: str
) -> None:
    before = await ticket_count(api)
    refusals = [
        ({"media_url": "http://intranet.example/photos/x.jpg"}, None, 400, "may only name"),
        ({"media_url": "file:///etc/passwd"}, None, 400, "http or https"),
        ({"media_url": f"{photo_host}/photos/missing.jpg"}, None, 400, "HTTP 404"),
        ({"media_url": f"{photo_host}/photos/moved.jpg"}, None, 400, "HTTP 302"),
        ({}, ("notes.txt", b"plain words, not a photo"), 415, ""),
        ({}, ("broken.jpg", PHOTO[:200]), 422, ""),
    ]
    for fields, file, status, words in refusals:
        files = {"media": file} if file else None
        answer = await api.http.post(f"{BASE}/requests.json", data=report(**fields), files=files)
        assert answer.status_code == status, (fields, answer.text)
        [problem] = answer.json()
        assert problem["code"] == status and words in problem["description"]
    assert await ticket_count(api) == before
