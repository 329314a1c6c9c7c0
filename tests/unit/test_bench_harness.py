"""What the benchmarks share (bench.harness): the figures they print are computed once."""

from __future__ import annotations

from bench.harness import bench_settings, district_school_sizes, env_for, percentiles


def test_percentiles_are_nearest_rank_in_milliseconds_whatever_the_order():
    figures = percentiles([0.004, 0.001, 0.003, 0.002])

    assert figures == {
        "n": 4,
        "p50_ms": 3.0,
        "p95_ms": 4.0,
        "p99_ms": 4.0,
        "max_ms": 4.0,
        "mean_ms": 2.5,
    }


def test_no_durations_give_a_count_of_none():
    assert percentiles([]) == {"n": 0}


def test_a_district_puts_its_share_in_the_busiest_school_and_loses_no_registration():
    sizes = district_school_sizes(1_000, 4)

    assert sizes == [50, 317, 317, 316]
    assert sum(sizes) == 1_000


def test_each_run_has_databases_and_an_exchange_of_its_own():
    first, second = bench_settings("lq"), bench_settings("lq")

    assert first.db_prefix.startswith("edqbench_lq_") and first.db_prefix.endswith("_")
    assert first.exchange.startswith("edqbench.lq.") and first.exchange.endswith(".events")
    assert first.db_prefix != second.db_prefix


def test_a_child_process_works_with_the_benchmarks_settings():
    settings = bench_settings(smtp_url="smtp://127.0.0.1:2525")

    env = env_for(settings, EDQUILL_REGISTRAR_PORT="9001")

    assert env["EDQUILL_ENV"] == "development"
    assert env["EDQUILL_DB_PREFIX"] == settings.db_prefix
    assert env["EDQUILL_EXCHANGE"] == settings.exchange
    assert env["EDQUILL_SECRET_KEY"] == settings.secret_key
    assert env["EDQUILL_SMTP_URL"] == "smtp://127.0.0.1:2525"
    assert env["EDQUILL_REGISTRAR_PORT"] == "9001"
