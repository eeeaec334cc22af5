"""The attachment store: files by their content hash, encrypted at rest.

One library, ``obstore``, speaks to both places a deployment keeps files: a folder under
the data folder (the embedded default, ``LocalStore``) and any S3-compatible object store
(``S3Store``: MinIO, Ceph, the clouds' own). Chosen over boto3 because it serves the
folder and the bucket through one interface, async, without a second code path for
the embedded default; it is a thin binding over Rust's ``object_store``, kept by the
Apache Arrow project's developers.

Each object is named by the SHA-256 of its plain bytes (the same photo uploaded twice is
stored once) and sealed with the payload key ring (``HOTLINE_ENCRYPTION_KEYS``): AES-256-
GCM, the key id in the object's header, the name bound as associated data so that an
object opens only under its own name. ``hotline reseal`` re-seals every object still under
an older key (``reseal_all``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import obstore
from cryptography.exceptions import InvalidTag
from obstore.exceptions import NotFoundError
from obstore.store import LocalStore, ObjectStore, S3Store

from hotline.payload_codec import EncryptionKeys
from hotline.settings import Settings

_MAGIC = b"HB1"
_NONCE_BYTES = 12
_PREFIX = "blobs"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _object_path(digest: str) -> str:
    return f"{_PREFIX}/{digest[:2]}/{digest}"


def _associated(digest: str, key_id: str) -> bytes:
    return f"hotline attachment:{digest}:{key_id}".encode()


@dataclass(frozen=True)
class Resealed:
    objects: int  # every object read
    resealed: int  # the ones that were under an older key


class BlobStore:
    def __init__(self, store: ObjectStore, keys: EncryptionKeys, where: str) -> None:
        self._store = store
        self._keys = keys
        self.where = where  # for the operator: the folder or the bucket, never a secret

    def _seal(self, digest: str, plain: bytes) -> bytes:
        key_id = self._keys.active_id
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._keys.cipher(key_id).encrypt(nonce, plain, _associated(digest, key_id))
        kid = key_id.encode()
        return _MAGIC + bytes([len(kid)]) + kid + nonce + sealed

    def _open(self, digest: str, stored: bytes) -> tuple[bytes, str]:
        if not stored.startswith(_MAGIC):
            raise ValueError(f"object {digest} is not a sealed attachment")
        length = stored[len(_MAGIC)]
        start = len(_MAGIC) + 1
        key_id = stored[start : start + length].decode()
        nonce_at = start + length
        nonce = stored[nonce_at : nonce_at + _NONCE_BYTES]
        try:
            plain = self._keys.cipher(key_id).decrypt(
                nonce, stored[nonce_at + _NONCE_BYTES :], _associated(digest, key_id)
            )
        except InvalidTag as problem:
            raise ValueError(f"object {digest} does not open with key {key_id!r}") from problem
        if content_hash(plain) != digest:
            raise ValueError(f"object {digest} holds other bytes than its name says")
        return plain, key_id

    async def put(self, plain: bytes) -> str:
        """Keeps the bytes (once: an object already there is left as it is); their hash."""
        digest = content_hash(plain)
        path = _object_path(digest)
        try:
            await obstore.head_async(self._store, path)
        except (NotFoundError, FileNotFoundError):
            await obstore.put_async(self._store, path, self._seal(digest, plain))
        return digest

    async def get(self, digest: str) -> bytes:
        """The plain bytes; ``KeyError`` when no object has that hash."""
        try:
            result = await obstore.get_async(self._store, _object_path(digest))
        except (NotFoundError, FileNotFoundError) as missing:
            raise KeyError(digest) from missing
        plain, _ = self._open(digest, bytes(await result.bytes_async()))
        return plain

    async def digests(self) -> AsyncIterator[str]:
        async for batch in obstore.list(self._store, prefix=_PREFIX, chunk_size=500):
            for meta in batch:
                yield meta["path"].rsplit("/", 1)[-1]

    async def reseal_all(self) -> Resealed:
        """Every object under an older key, sealed again with the first (after a rotation)."""
        objects = resealed = 0
        async for digest in self.digests():
            objects += 1
            path = _object_path(digest)
            result = await obstore.get_async(self._store, path)
            plain, key_id = self._open(digest, bytes(await result.bytes_async()))
            if key_id != self._keys.active_id:
                await obstore.put_async(self._store, path, self._seal(digest, plain))
                resealed += 1
        return Resealed(objects, resealed)


def build_blob_store(settings: Settings, keys: EncryptionKeys) -> BlobStore:
    """The folder under the data folder, or the bucket ``attachment_store`` names."""
    where = settings.attachment_store
    if not where:
        folder = Path(settings.data_dir) / "attachments"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return BlobStore(LocalStore(folder.resolve()), keys, str(folder))
    if not where.startswith("s3://"):
        raise ValueError("HOTLINE_ATTACHMENT_STORE is empty (the data folder) or s3://bucket")
    bucket, _, prefix = where.removeprefix("s3://").partition("/")
    options: dict[str, str] = {"region": settings.attachment_s3_region}
    if settings.attachment_s3_endpoint:
        options["endpoint"] = settings.attachment_s3_endpoint
    if settings.attachment_s3_access_key_id:
        options["access_key_id"] = settings.attachment_s3_access_key_id
        options["secret_access_key"] = settings.attachment_s3_secret_access_key
    plain_http = settings.attachment_s3_endpoint.startswith("http://")
    store = S3Store(
        bucket,
        prefix=prefix or None,
        client_options={"allow_http": plain_http},
        **options,  # type: ignore[arg-type]
    )
    return BlobStore(store, keys, where)
