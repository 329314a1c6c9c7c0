"""The export's cells: what a spreadsheet would run as a formula opens as text, times are UTC
ISO 8601 whatever zone they come in, numbers stay numbers and nothing is dropped."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from registrar.domain.lead_export import (
    COLUMNS,
    export_cells,
    export_description,
    export_filename,
)


def _row(**values) -> dict:
    return {key: values.get(key) for _header, key in COLUMNS}


@pytest.mark.parametrize("typed", ["=1+1", "+31 6 1234", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_what_a_spreadsheet_would_run_opens_as_text(typed):
    cells = export_cells(_row(student_last_name=typed))

    assert cells[3] == "'" + typed


@pytest.mark.parametrize("typed", ["Lovelace", "O'Brien", "van der Berg", "a=b", "Ña"])
def test_ordinary_text_is_kept_as_typed(typed):
    assert export_cells(_row(student_last_name=typed))[3] == typed


def test_times_are_utc_whatever_their_zone_and_naive_ones_are_utc():
    tokyo = timezone(timedelta(hours=9))
    cells = export_cells(
        _row(
            submitted_at=datetime(2026, 3, 1, 18, 0, tzinfo=tokyo),
            last_activity_at=datetime(2026, 3, 1, 9, 30, 15, 123456),
        )
    )

    assert cells[9:] == ["2026-03-01T09:00:00Z", "2026-03-01T09:30:15Z"]


def test_the_id_stays_a_number_and_missing_values_are_empty():
    cells = export_cells(_row(id=42))

    assert cells[0] == 42
    assert cells[1:9] == [""] * 8
    assert len(cells) == len(COLUMNS)


def test_the_file_name_and_the_audit_description():
    assert export_filename("riverside", date(2026, 12, 2), "xlsx") == (
        "leads-riverside-2026-12-02.xlsx"
    )
    assert export_description("csv", None, None, "-submitted_at") == (
        "csv; status=all; q=; sort=-submitted_at"
    )
