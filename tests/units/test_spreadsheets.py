"""The spreadsheet exports read back: formulas arrive as text, CSV carries a real BOM."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from services.spreadsheets import csv_for_excel, csv_text, xlsx

ATTACKS = ["=ZH1+1", "+ZH1", "-2+3", "@SUM(A1)", '=HYPERLINK("http://evil.example","x")']


def test_a_csv_for_excel_starts_with_a_utf8_byte_order_mark() -> None:
    exported = csv_for_excel(["排名", "单位"], [[1, "城市管理局"]])
    assert exported[:3] == b"\xef\xbb\xbf"
    assert exported[3:].decode("utf-8").startswith("排名,单位")


def test_every_csv_cell_that_starts_like_a_formula_reads_as_text() -> None:
    rows = list(csv.reader(io.StringIO(csv_text(["name", "n"], [[a, -1] for a in ATTACKS]))))
    assert [row[0] for row in rows[1:]] == ["'" + a for a in ATTACKS]
    assert {row[1] for row in rows[1:]} == {"-1"}  # numbers stay numbers


def test_every_xlsx_text_is_a_string_cell_never_a_formula() -> None:
    rows: list[list[object]] = [[a, 0.5, None] for a in [*ATTACKS, "bad\x01name"]]
    sheet = load_workbook(io.BytesIO(xlsx("s", ["单位", "率", "空"], rows))).active
    assert sheet is not None
    cells = list(sheet.iter_rows(min_row=2))
    assert [row[0].value for row in cells] == ["'" + a for a in ATTACKS] + ["badname"]
    assert {row[0].data_type for row in cells} == {"s"}
    assert {(row[1].value, row[1].data_type, row[2].value) for row in cells} == {(0.5, "n", None)}
