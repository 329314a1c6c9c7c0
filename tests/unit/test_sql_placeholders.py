"""The one placeholder list for IN (...) and VALUES (...)."""

from __future__ import annotations

import pytest

from shared.db import placeholders, row_placeholders


def test_one_placeholder_per_value():
    assert placeholders(1) == "%s"
    assert placeholders(3) == "%s, %s, %s"


def test_an_empty_list_is_refused_rather_than_written_as_broken_sql():
    with pytest.raises(ValueError):
        placeholders(0)


def test_row_placeholders_are_one_group_per_row():
    assert row_placeholders(1) == "(%s, %s)"
    assert row_placeholders(2) == "(%s, %s), (%s, %s)"
    assert row_placeholders(2, width=3) == "(%s, %s, %s), (%s, %s, %s)"


def test_no_rows_is_refused_rather_than_an_empty_in_list():
    with pytest.raises(ValueError):
        row_placeholders(0)
