"""docs/capacity.md is what bench.capacity writes from the runs kept in docs/capacity/: the
document cannot drift from its inputs or from the model."""

from __future__ import annotations

from bench import capacity
from bench.capacity_inputs import Inputs, read_inputs


def test_the_capacity_doc_is_what_the_generator_writes_from_the_kept_runs():
    written = capacity.render(read_inputs())

    assert capacity.DOC.read_text() == written, (
        "docs/capacity.md is out of date: run `.venv/bin/python -m bench.capacity`"
    )


def test_check_fails_when_the_doc_differs(monkeypatch, tmp_path):
    stale = tmp_path / "capacity.md"
    stale.write_text("typed by hand\n")
    monkeypatch.setattr(capacity, "DOC", stale)

    assert capacity.main(["--check"]) == 1
    assert stale.read_text() == "typed by hand\n"


def test_every_assumption_in_the_doc_comes_with_its_reason_from_the_code():
    names = [name for name, _value, why in capacity.assumptions(capacity.capacity_model) if why]

    assert "OPENING_HOUR_SHARE_OF_DAY" in names
    assert "PRIMARY_CORES" in names
    assert all(f"`{name}`" in capacity.DOC.read_text() for name in names)


def test_a_kept_run_loses_its_database_names_however_deep_and_nothing_else():
    run = {"db_prefix": "edqbench_x_", "lead_queue": {"explain": {"a": 1}, "db_prefix": "y"}}

    assert capacity.strip(run) == {"lead_queue": {"explain": {"a": 1}}}


def test_numbers_keep_three_significant_figures():
    assert [capacity.number(v) for v in (1234.5, 45.67, 0.07891, 0)] == [
        "1,234",
        "45.7",
        "0.0789",
        "0",
    ]


def test_runs_loaded_through_a_larger_pool_than_they_were_measured_with_are_named():
    pool = {"during_load_mb": 14336, "measured_mb": 128}
    inputs = Inputs(
        runs={
            "lead_queue-10m.json": {"registrations": 10_000_000, "buffer_pool": pool},
            "dashboard-10m.json": {"params": {"registrations": 10_000_000}, "buffer_pool": pool},
            "lead_queue-3m.json": {"registrations": 3_000_000},
            "dashboard-3m.json": {
                "params": {"registrations": 3_000_000},
                "buffer_pool": {"during_load_mb": 128, "measured_mb": 128},
            },
        },
        machine={},
        lead_queue=[],
        dashboard=[],
    )
    said = capacity.pool_loading(inputs)
    assert said.count("14,336 MB") == 1 and "own 128 MB" in said
    assert "dashboard at 10M, lead_queue at 10M;" in said and "3M" not in said
