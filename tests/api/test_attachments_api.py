"""Attachments over HTTP: a file uploaded, named by an action, listed with links that
expire, served without its EXIF and never cached publicly; only to those who may read
the ticket; refused clearly, changing nothing, when too large, of the wrong type or
damaged; and a reply that must carry a photo of the site."""

from __future__ import annotations

import io
import time
from typing import Any

from PIL import Image
from sqlalchemy import func, select

from hotline import file_links
from schema.attachment_tables import StoredAttachment
from schema.ticket import Role
from tests.support.api_client import Api
from tests.support.files import CAMERA_MAKE, camera_photo, pdf
from tests.support.policy import PolicyFile

LEAD = "urban-management"  # the catalogue's lead for the default category, 010101


async def upload(
    api: Api, headers: dict[str, str], data: bytes, name: str = "IMG_0001.jpg", expect: int = 201
) -> dict[str, Any]:
    response = await api.http.post(
        "/v1/attachments", files={"file": (name, data, "image/jpeg")}, headers=headers
    )
    assert response.status_code == expect, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def signed_ticket(api: Api, **intake: Any) -> str:
    no: str = (await api.create(**intake))["ticket_no"]
    await api.act(no, "sign", api.department(LEAD), {})
    return no


async def stored_count(api: Api) -> int:
    async with api.read_model.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(StoredAttachment)) or 0)


async def test_a_progress_photo_is_listed_with_links_and_served_without_its_exif(api: Api) -> None:
    lead = api.department(LEAD)
    no = await signed_ticket(api)
    photo = await upload(api, lead, camera_photo())
    assert photo["kind"] == "photo" and photo["media_type"] == "image/jpeg"
    assert photo["thumbnail"] is True and photo["name"] == "IMG_0001.jpg"
    body = {"content": "已到现场核查", "attachments": [photo["id"]]}
    await api.act(no, "progress", lead, body)

    events = (await api.http.get(f"/v1/tickets/{no}/timeline", headers=api.agent)).json()
    (progress,) = [e for e in events["events"] if e["action"] == "progress"]
    (ref,) = progress["detail"]["attachments"]
    assert ref == {k: photo[k] for k in ("id", "sha256", "media_type", "kind", "size")}

    listed = await api.http.get(f"/v1/tickets/{no}/attachments", headers=lead)
    assert listed.status_code == 200, listed.text
    (shown,) = listed.json()
    assert shown["step"] == "progress" and shown["seq"] == progress["seq"]
    served = await api.http.get(shown["url"])  # no token: the link is the permission
    assert served.status_code == 200, served.text
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "private, no-store"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert CAMERA_MAKE.encode() not in served.content and b"Exif" not in served.content
    thumbnail = await api.http.get(shown["thumbnail_url"])
    with Image.open(io.BytesIO(thumbnail.content)) as image:
        assert max(image.size) == 320


async def test_a_forged_altered_or_expired_link_opens_nothing(api: Api) -> None:
    lead = api.department(LEAD)
    no = await signed_ticket(api)
    photo = await upload(api, lead, camera_photo())
    await api.act(no, "progress", lead, {"content": "现场照片", "attachments": [photo["id"]]})
    (shown,) = (await api.http.get(f"/v1/tickets/{no}/attachments", headers=lead)).json()
    altered = shown["url"].replace("variant=original", "variant=thumbnail")
    forged = shown["url"][:-4] + ("AAAA" if not shown["url"].endswith("AAAA") else "BBBB")
    secret = api.settings.resolved_jwt_secret()
    expired = file_links.signed_path(secret, photo["id"], "original", int(time.time()) - 1)
    for link in (altered, forged, expired):
        refused = await api.http.get(link)
        assert refused.status_code == 403, link
        assert refused.json()["error"]["code"] == "forbidden"


async def test_only_those_who_may_read_the_ticket_see_its_files(api: Api) -> None:
    lead = api.department(LEAD)
    no = await signed_ticket(api)
    photo = await upload(api, lead, camera_photo())
    await api.act(no, "progress", lead, {"content": "现场照片", "attachments": [photo["id"]]})
    stranger = api.department("housing")
    assert (
        await api.http.get(f"/v1/tickets/{no}/attachments", headers=stranger)
    ).status_code == 403
    (seen,) = (
        await api.http.get(f"/v1/tickets/{no}/attachments", headers=api.token(Role.INTEGRATOR))
    ).json()
    assert seen["url"] is None and seen["thumbnail_url"] is None and seen["name"] is None
    assert (await api.http.get(f"/v1/tickets/{no}/attachments", headers=api.agent)).json()[0]["url"]


async def test_a_file_is_its_uploaders_and_its_tickets_only(api: Api) -> None:
    lead = api.department(LEAD)
    first, second = await signed_ticket(api), await signed_ticket(api)
    mine = await upload(api, lead, camera_photo())
    theirs = await upload(api, api.agent, camera_photo(800, 600))
    refused = await api.act(
        first, "progress", lead, {"content": "借用", "attachments": [theirs["id"]]}, expect=422
    )
    assert refused["error"]["code"] == "unknown_attachment"
    await api.act(first, "progress", lead, {"content": "现场", "attachments": [mine["id"]]})
    again = {"content": "再次", "attachments": [mine["id"]]}
    await api.act(first, "progress", lead, again)  # the same ticket may name it again
    moved = await api.act(second, "progress", lead, again, expect=422)
    assert moved["error"]["code"] == "unknown_attachment"


async def test_bad_files_are_refused_and_change_nothing(api: Api) -> None:
    lead = api.department(LEAD)
    before = await stored_count(api)
    text = await upload(api, lead, b"just some text, named as a photo", expect=415)
    assert text["error"]["code"] == "unsupported_media_type"
    photo = camera_photo()
    damaged = await upload(api, lead, photo[: len(photo) // 2], expect=422)
    assert damaged["error"]["code"] == "corrupt_file"
    scripted = await upload(api, lead, pdf(b"/OpenAction << /JS (x) >> "), "a.pdf", 422)
    assert scripted["error"]["code"] == "corrupt_file"
    huge = b"\xff\xd8\xff" + b"\0" * api.settings.attachment_max_bytes
    assert (await upload(api, lead, huge, expect=413))["error"]["code"] == "file_too_large"
    assert await upload(api, {}, camera_photo(), expect=401)
    assert await stored_count(api) == before


async def test_an_intake_carries_its_photos_into_the_received_trace(api: Api) -> None:
    photo = await upload(api, api.agent, camera_photo())
    no = (await api.create(attachments=[photo["id"]]))["ticket_no"]
    events = (await api.http.get(f"/v1/tickets/{no}/timeline", headers=api.agent)).json()
    received = events["events"][0]
    assert received["action"] == "received"
    assert [a["id"] for a in received["detail"]["attachments"]] == [photo["id"]]


async def test_a_reply_in_a_category_that_needs_a_site_photo_must_carry_one(
    api: Api, policy: PolicyFile
) -> None:
    policy.write('[evidence]\nreply_photos_for = ["0101"]\n')
    lead = api.department(LEAD)
    no = await signed_ticket(api)
    document = await upload(api, lead, pdf(), "核查记录.pdf")
    reply = {"outcome": "resolved", "content": "已清理", "attachments": [document["id"]]}
    refused = await api.act(no, "reply", lead, reply, expect=422)
    assert refused["error"]["reason"] == "photo_required", refused
    photo = await upload(api, lead, camera_photo())
    reply["attachments"] = [document["id"], photo["id"]]
    replied = await api.act(no, "reply", lead, reply)
    assert replied["status"] == "callback"
