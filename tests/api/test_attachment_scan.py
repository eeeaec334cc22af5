"""The optional virus scan of uploads by a real clamd: a clean file is kept, a file with
malware is refused (422) and not stored, and while clamd cannot be reached uploads are
refused (503) rather than kept unscanned."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.test_attachments_api import stored_count, upload
from tests.support.api_client import Api
from tests.support.clamd import EICAR, running_clamd
from tests.support.files import camera_photo, pdf


@pytest.fixture
def scanning(api: Api, tmp_path: Path) -> Iterator[Api]:
    with running_clamd(tmp_path) as address:
        api.settings.attachment_clamd = address
        try:
            yield api
        finally:
            api.settings.attachment_clamd = ""


async def test_uploads_are_scanned_and_malware_is_refused(scanning: Api) -> None:
    api = scanning
    agent = api.agent
    clean = await upload(api, agent, pdf(), name="通知.pdf")
    assert clean["kind"] == "document"
    photo = await upload(api, agent, camera_photo())
    assert photo["kind"] == "photo"
    before = await stored_count(api)
    infected = await upload(api, agent, pdf(b"/Note (" + EICAR + b")"), expect=422)
    assert infected["error"]["code"] == "infected_file"
    assert "Hotline.Test.Eicar" in infected["error"]["message"]
    assert await stored_count(api) == before


async def test_uploads_wait_for_a_scanner_that_cannot_be_reached(api: Api, tmp_path: Path) -> None:
    api.settings.attachment_clamd = f"unix:{tmp_path / 'no-clamd.sock'}"
    try:
        before = await stored_count(api)
        refused = await upload(api, api.agent, pdf(), expect=503)
        assert refused["error"]["code"] == "scan_unavailable"
        assert await stored_count(api) == before
    finally:
        api.settings.attachment_clamd = ""
