"""What is kept of an uploaded file: photos encoded afresh without EXIF, upright, with a
thumbnail; types known by content, not name; damaged and active files refused."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from schema.attachments import AttachmentKind
from services.attachment_files import THUMBNAIL_SIDE, keep
from services.errors import ServiceError
from tests.support.files import CAMERA_MAKE, camera_photo, docx, pdf, png_with_text, wav


def refused(data: bytes) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        keep(data)
    return caught.value


def test_a_photo_loses_its_exif_and_keeps_its_picture() -> None:
    sent = camera_photo()
    assert CAMERA_MAKE.encode() in sent and b"Exif" in sent
    kept = keep(sent)
    assert kept.kind is AttachmentKind.PHOTO and kept.media_type == "image/jpeg"
    assert CAMERA_MAKE.encode() not in kept.data and b"Exif" not in kept.data
    with Image.open(io.BytesIO(kept.data)) as image:
        assert image.size == (1200, 900)
        assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert kept.thumbnail is not None
    with Image.open(io.BytesIO(kept.thumbnail)) as thumbnail:
        assert max(thumbnail.size) == THUMBNAIL_SIDE


def test_a_photo_taken_sideways_is_stored_upright() -> None:
    # Orientation 6: the camera was turned; the picture must be rotated to be seen right.
    kept = keep(camera_photo(1200, 900, orientation=6))
    with Image.open(io.BytesIO(kept.data)) as image:
        assert image.size == (900, 1200)


def test_a_png_keeps_its_transparency_and_loses_its_text() -> None:
    kept = keep(png_with_text())
    assert kept.media_type == "image/png"
    assert b"Huannan" not in kept.data


def test_the_type_is_read_from_the_bytes_not_the_name() -> None:
    assert keep(pdf()).media_type == "application/pdf"
    assert keep(docx()).kind is AttachmentKind.DOCUMENT
    assert keep(wav()).kind is AttachmentKind.AUDIO
    assert refused(b"#!/bin/sh\nrm -rf /\n").status == 415
    assert refused(b"MZ\x90\x00" + b"\x00" * 60).status == 415  # a Windows program
    assert refused(b"<html><script>alert(1)</script></html>").status == 415


def test_damaged_and_active_files_are_refused() -> None:
    photo = camera_photo()
    assert refused(photo[: len(photo) // 3]).code == "corrupt_file"
    assert refused(pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ")).status == 422
    assert refused(pdf()[:-7]).status == 422  # cut before its end
    assert refused(docx(macros=True)).status == 422


def test_a_decompression_bomb_is_refused_before_it_unpacks() -> None:
    # A PNG header claiming 100 000 × 100 000 pixels: ten billion, from a few bytes.
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
    assert refused(bomb + chunk(b"IEND", b"")).status == 422
