"""Files a page hands over for download: CSV for Excel, XLSX."""

from __future__ import annotations

from fastapi.responses import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: str | bytes, name: str, media_type: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def csv_download(text: str | bytes, name: str = "escalations.csv") -> Response:
    return download(text, name, "text/csv; charset=utf-8")
