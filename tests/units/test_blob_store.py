"""The attachment store, on both of its backends: files kept by hash, sealed at rest,
opened only under their own name, and sealed again with a new key after a rotation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.blob_store import BlobStore, build_blob_store, content_hash
from hotline.payload_codec import EncryptionKeys, new_key_line
from hotline.settings import Settings
from tests.support.keys import TEST_ENCRYPTION_KEYS
from tests.support.object_store import s3_server

PHOTO = b"\xff\xd8\xff\xe0 a photo of the blocked pavement at Huannan Road \xff\xd9"


@pytest.fixture(scope="module")
def s3_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    logs = tmp_path_factory.mktemp("moto")
    with s3_server(logs) as server:
        yield Settings(
            data_dir=logs,
            attachment_store=f"s3://{server.bucket}/tickets",
            attachment_s3_endpoint=server.endpoint,
            attachment_s3_access_key_id=server.access_key_id,
            attachment_s3_secret_access_key=server.secret_access_key,
        )


@pytest.fixture(params=["folder", "s3"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "folder":
        return Settings(data_dir=tmp_path)
    shared: Settings = request.getfixturevalue("s3_settings")
    # Each test its own prefix in the one bucket: none sees another's objects.
    return shared.model_copy(
        update={"attachment_store": f"{shared.attachment_store}/{tmp_path.name}"}
    )


def store_with(settings: Settings, keys: str) -> BlobStore:
    return build_blob_store(settings, EncryptionKeys.parse(keys))


async def test_a_file_is_kept_once_by_its_hash_and_comes_back_whole(settings: Settings) -> None:
    store = store_with(settings, TEST_ENCRYPTION_KEYS)
    digest = await store.put(PHOTO)
    assert digest == content_hash(PHOTO)
    assert await store.put(PHOTO) == digest
    assert [d async for d in store.digests()] == [digest]
    assert await store.get(digest) == PHOTO
    with pytest.raises(KeyError):
        await store.get(content_hash(b"never stored"))


async def test_the_folder_holds_only_sealed_bytes(tmp_path: Path) -> None:
    store = store_with(Settings(data_dir=tmp_path), TEST_ENCRYPTION_KEYS)
    digest = await store.put(PHOTO)
    (kept,) = [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]
    assert kept.name == digest
    assert b"Huannan" not in kept.read_bytes()
    # Bytes put under another object's name do not open as it.
    other = await store.put(b"another file")
    kept.write_bytes(next(p for p in (tmp_path / "attachments").rglob(other)).read_bytes())
    with pytest.raises(ValueError):
        await store.get(digest)


async def test_a_rotation_reseals_every_object_with_the_new_key(settings: Settings) -> None:
    old = store_with(settings, TEST_ENCRYPTION_KEYS)
    first, second = await old.put(PHOTO), await old.put(b"a recording")
    rotated = f"{new_key_line('test-2')},{TEST_ENCRYPTION_KEYS}"
    outcome = await store_with(settings, rotated).reseal_all()
    assert (outcome.objects, outcome.resealed) == (2, 2)
    assert (await store_with(settings, rotated).reseal_all()).resealed == 0
    # The old key retired: every object still opens with the new one alone.
    only_new = store_with(settings, rotated.split(",")[0])
    assert await only_new.get(first) == PHOTO
    assert await only_new.get(second) == b"a recording"
    with pytest.raises(ValueError):
        await old.get(first)
