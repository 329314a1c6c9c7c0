"""The lead-queue export's file formats, written as a stream of byte chunks so an export of
any size holds only a batch of rows in memory.

CSV: the standard library's writer (RFC 4180 quoting), UTF-8 with a byte-order mark so that
Excel opens accented names correctly. XLSX: openpyxl's write-only workbook, which spills rows
to a temporary file as they come instead of building the sheet in memory; the finished file
is then sent in chunks.
"""

from __future__ import annotations

import csv
import io
import tempfile
from typing import Iterable, Iterator

from openpyxl import Workbook

CHUNK_BYTES = 64 * 1024
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def csv_chunks(headers: Iterable[str], rows: Iterable[list]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_chunks(headers: Iterable[str], rows: Iterable[list], title: str) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as finished:
        workbook.save(finished)
        finished.seek(0)
        while chunk := finished.read(CHUNK_BYTES):
            yield chunk
