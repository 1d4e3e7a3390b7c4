"""Export rows (``search.export``) encoded as files staff open in a spreadsheet: CSV and .xlsx, streamed.

CSV is UTF-8 with a BOM, the only way Excel opens Vietnamese text correctly by double-click, and dates as
dd/mm/yyyy. The .xlsx is written by XlsxWriter in constant-memory mode (each row is flushed as it is written) to a
temporary file that is then sent in chunks. Cells are always written as text or dates, never as formulas: a title
beginning with ``=`` stays a title (and in CSV, where the reader decides, such a cell gets a leading apostrophe).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterator

import xlsxwriter

from searchsvc.search.export import COLUMNS, Export
from searchsvc.search.params import day_text
from searchsvc.text.normalize import fold_text

FORMATS = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8"
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK = 64 * 1024
# A spreadsheet reads a cell starting with one of these as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMN_WIDTHS = (28, 60, 12, 30, 30, 24, 36, 40, 40)


def encode(fmt: str, export: Export, page_url: Callable[[str], str]) -> Iterator[bytes]:
    """The file's bytes, a chunk at a time; ``page_url(id)`` is an article's page on this site."""
    return _csv(export, page_url) if fmt == "csv" else _xlsx(export, page_url)


def filename(stem: str, export: Export, fmt: str) -> str:
    """``tim-kiem-hoi-nghi-123-bai.csv``; past the cap ``…-10000-trong-23456-bai.csv``, so the cut shows.

    >>> from searchsvc.search.export import Export
    >>> filename("Tìm kiếm: hội nghị", Export(12, iter(())), "csv"), filename("x", Export(10**6, iter(())), "xlsx")
    ('tim-kiem-hoi-nghi-12-bai.csv', 'x-10000-trong-1000000-bai.xlsx')
    """
    slug = re.sub(r"[^a-z0-9]+", "-", fold_text(stem))[:60].strip("-") or "ket-qua"
    count = f"{export.limit}-trong-{export.total}" if export.truncated else str(export.total)
    return f"{slug}-{count}-bai.{fmt}"


def _csv(export: Export, page_url: Callable[[str], str]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for row in export.rows:
        published = day_text(row.published)
        cells = [_inert(cell) if isinstance(cell, str) else published for cell in row.cells()]
        writer.writerow(cells + [page_url(row.id)])
        if buffer.tell() > CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _inert(text: str) -> str:
    """Text a spreadsheet will not run: ``=1+1`` -> ``'=1+1``.

    >>> _inert("=HYPERLINK(\\"x\\")"), _inert("Hội nghị")
    ('\\'=HYPERLINK("x")', 'Hội nghị')
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _xlsx(export: Export, page_url: Callable[[str], str]) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as file:
        workbook = xlsxwriter.Workbook(file, {"constant_memory": True, "strings_to_formulas": False,
                                              "strings_to_urls": False, "strings_to_numbers": False})
        sheet = workbook.add_worksheet("Kết quả")
        bold = workbook.add_format({"bold": True})
        day = workbook.add_format({"num_format": "dd/mm/yyyy"})
        for column, width in enumerate(COLUMN_WIDTHS):
            sheet.set_column(column, column, width)
        sheet.write_row(0, 0, COLUMNS, bold)
        sheet.freeze_panes(1, 0)
        for number, row in enumerate(export.rows, 1):
            for column, cell in enumerate(row.cells()):
                if isinstance(cell, str) and cell:
                    sheet.write_string(number, column, cell)
                elif cell:
                    sheet.write_datetime(number, column, cell, day)
            sheet.write_string(number, len(COLUMNS) - 1, page_url(row.id))
        workbook.close()
        file.seek(0)
        while chunk := file.read(CHUNK):
            yield chunk
