"""What an uploaded file is, read from its bytes, never its name, and what is kept of it.

Photos are decoded and encoded again with Pillow: whatever rode along in the file
(EXIF with the GPS position and the phone's make, comments, a second image, a script
after the image's end) is gone, the picture turned upright first; each gets a thumbnail.
Documents and recordings are kept as sent once their type is known by content
(``filetype``: magic numbers, no C library needed) and their structure opens; Office files
with macros and PDFs with scripts are refused.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

from schema.attachments import AttachmentKind
from services.errors import ServiceError

# Far above any phone's camera (a 200-megapixel sensor is 16384 × 12288), far below what
# a decompression bomb unpacks to.
MOST_PIXELS = 210_000_000
LONGEST_SIDE = 4096  # photos are kept at most this wide or tall
THUMBNAIL_SIDE = 320

PHOTOS = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp", "image/tiff"}
DOCUMENTS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
RECORDINGS = {
    "audio/mpeg": "mp3",
    "audio/amr": "amr",
    "audio/mp4": "m4a",
    "audio/x-wav": "wav",
    "audio/ogg": "ogg",
    "audio/aac": "aac",
}
# A PDF that runs something when opened.
_ACTIVE_PDF = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA)\b")


@dataclass(frozen=True)
class KeptFile:
    data: bytes
    media_type: str
    kind: AttachmentKind
    extension: str
    thumbnail: bytes | None = None


def unsupported(found: str | None) -> ServiceError:
    named = f"a file of type {found}" if found else "a file whose type is not known"
    return ServiceError(
        415,
        "unsupported_media_type",
        f"{named} cannot be attached: photos (JPEG, PNG, WebP, GIF), PDF, Word and Excel "
        "documents (.docx, .xlsx) and recordings (MP3, AMR, M4A, WAV, OGG, AAC) can",
        reason="unsupported_media_type",
    )


def corrupt(why: str) -> ServiceError:
    return ServiceError(422, "corrupt_file", f"the file cannot be attached: {why}", "corrupt_file")


def keep(data: bytes) -> KeptFile:
    """The file as it will be stored, or the refusal (415 unknown type, 422 corrupt or
    with active content)."""
    guess = filetype.guess(data)
    media_type = guess.mime if guess else None
    if media_type in PHOTOS:
        return _photo(data)
    if media_type in DOCUMENTS:
        _check_document(data, media_type)
        return KeptFile(data, media_type, AttachmentKind.DOCUMENT, DOCUMENTS[media_type])
    if media_type in RECORDINGS:
        return KeptFile(data, media_type, AttachmentKind.AUDIO, RECORDINGS[media_type])
    raise unsupported(media_type)


def _photo(data: bytes) -> KeptFile:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MOST_PIXELS:
                    raise corrupt(f"{probe.width} × {probe.height} pixels is more than a photo")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                picture = ImageOps.exif_transpose(image)
    except ServiceError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as problem:
        raise corrupt(f"the image does not decode ({type(problem).__name__})") from problem
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as problem:
        raise corrupt("the image unpacks to more pixels than a photo has") from problem
    picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    transparent = picture.mode in ("RGBA", "LA") or "transparency" in picture.info
    if transparent:
        kept = _encoded(picture.convert("RGBA"), "PNG")
        media_type, extension = "image/png", "png"
    else:
        kept = _encoded(picture.convert("RGB"), "JPEG", quality=85)
        media_type, extension = "image/jpeg", "jpg"
    small = picture.convert("RGB")
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    thumbnail = _encoded(small, "JPEG", quality=75)
    return KeptFile(kept, media_type, AttachmentKind.PHOTO, extension, thumbnail)


def _encoded(image: Image.Image, form: str, **options: int) -> bytes:
    """Encoded afresh: Pillow writes no EXIF, comment or text chunk unless given one.
    Without ``optimize``: it saves a few per cent of the bytes for half the encoding time."""
    out = io.BytesIO()
    image.save(out, form, **options)
    return out.getvalue()


def _check_document(data: bytes, media_type: str) -> None:
    if media_type == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise corrupt("the PDF is cut short (no end-of-file marker)")
        if _ACTIVE_PDF.search(data):
            raise corrupt("the PDF carries scripts or embedded files; print it to a new PDF")
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if archive.testzip() is not None:
                raise corrupt("the document's archive is damaged")
    except zipfile.BadZipFile as problem:
        raise corrupt("the document's archive does not open") from problem
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise corrupt("the document carries macros; save it without them (.docx, .xlsx)")
