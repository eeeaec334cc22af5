"""Files as phones and offices send them, made here so that no test needs a fixture file:
a camera's JPEG with its GPS position in EXIF, a PDF, an Office document, a recording."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

# Where the photo was taken, as a phone writes it (degrees, minutes, seconds): a test
# looks for it in what is stored and served.
GPS_LATITUDE = (30.0, 0.0, 12.34)
CAMERA_MAKE = "HotlineTestCam"


def camera_photo(width: int = 1200, height: int = 900, orientation: int = 1) -> bytes:
    """A JPEG with EXIF: the camera's make, the GPS position, and its orientation tag."""
    image = Image.new("RGB", (width, height), (200, 80, 40))
    for x in range(0, width, 50):  # something to encode, not one flat colour
        image.paste((20, 120, 200), (x, 0, x + 10, height))
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKE  # Make
    exif[0x0112] = orientation  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", GPS_LATITUDE  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", GPS_LATITUDE
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "home address 12 Huannan Road")
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (0, 0, 0, 0)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf(extra: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R " + extra + b">> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def docx(*, macros: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document>现场核查记录</document>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return out.getvalue()


def wav(seconds: float = 0.2) -> bytes:
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x01" * int(8000 * seconds))
    return out.getvalue()
