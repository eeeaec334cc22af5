"""Exports people open in a spreadsheet (CSV, XLSX): every cell reads as the text or number
it holds and never runs as a formula, whatever a unit's name or a note says."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# What makes Excel, LibreOffice or Sheets read a cell as a formula (OWASP, CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = Sequence[object]
PERCENT = "0.0%"  # a rate held as a fraction (0.3333) reads 33.3%, and sums as a number


def spreadsheet_safe(value: object) -> object:
    """A cell a spreadsheet shows as text: one that starts like a formula (``=HYPERLINK(…)``)
    gets a leading apostrophe, as OWASP advises. (``None`` stays an empty cell.)"""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Row, rows: Iterable[Row]) -> str:
    """The header and the rows as CSV, every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_for_excel(header: Row, rows: Iterable[Row]) -> bytes:
    """UTF-8 behind a byte-order mark (EF BB BF): without it Excel on a Chinese Windows
    reads the file as GBK."""
    return codecs.BOM_UTF8 + csv_text(header, rows).encode("utf-8")


def xlsx(
    title: str,
    header: Row,
    rows: Iterable[Row],
    number_formats: Mapping[int, str] | None = None,
) -> bytes:
    """One sheet: the header and the rows, every cell made safe, and every text a string
    cell (openpyxl would otherwise store a text starting with ``=`` as a formula), without
    the control characters XLSX cannot hold. ``number_formats``: a format by column (from
    0) for the numbers in it, e.g. ``PERCENT`` for rates."""
    formats = number_formats or {}
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = title
    for number, row in enumerate([header, *rows], start=1):
        for column, value in enumerate(row, start=1):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = sheet.cell(row=number, column=column, value=spreadsheet_safe(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif number > 1 and column - 1 in formats:  # an empty cell too, for a later figure
                cell.number_format = formats[column - 1]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
