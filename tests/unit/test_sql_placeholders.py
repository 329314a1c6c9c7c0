"""The one placeholder list for IN (...) and VALUES (...)."""

from __future__ import annotations

import pytest

from shared.db import placeholders


def test_one_placeholder_per_value():
    assert placeholders(1) == "%s"
    assert placeholders(3) == "%s, %s, %s"


def test_an_empty_list_is_refused_rather_than_written_as_broken_sql():
    with pytest.raises(ValueError):
        placeholders(0)
