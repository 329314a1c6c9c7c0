"""Tiles: each figure beside the previous period's, and the change between them."""

from __future__ import annotations

from dashboard.domain.tiles import TILE_SPECS, build_tiles, change_between


def test_the_change_is_the_difference_and_its_ratio_to_the_previous_value():
    assert change_between(15, 12) == (3, 0.25)


def test_a_fall_is_a_negative_change():
    assert change_between(9, 12) == (-3, -0.25)


def test_from_zero_there_is_a_change_but_no_ratio():
    assert change_between(4, 0) == (4, None)


def test_without_a_previous_figure_there_is_no_change():
    assert change_between(4, None) == (None, None)
    assert change_between(None, 4) == (None, None)


def test_a_rate_changes_by_the_difference_of_the_rates():
    assert change_between(0.3, 0.25, "ratio") == (0.05, 0.2)


def test_hours_change_to_the_hundredth():
    assert change_between(36.5, 24.25, "hours") == (12.25, 0.5052)


def test_every_tile_is_built_in_order_with_the_currency_on_amounts():
    tiles = build_tiles({"leads": 10, "invoiced_minor": 5000}, {"leads": 8}, set(), "EUR")

    assert [tile.key for tile in tiles] == [spec.key for spec in TILE_SPECS]
    leads = tiles[0]
    assert (leads.value, leads.previous, leads.change, leads.change_ratio) == (10, 8, 2, 0.25)
    invoiced = next(tile for tile in tiles if tile.key == "invoiced_minor")
    assert (invoiced.currency, invoiced.unit, invoiced.previous) == ("EUR", "minor_units", None)
    assert next(tile for tile in tiles if tile.key == "leads").currency is None


def test_the_tile_keys_include_the_contracts():
    assert {"leads", "enrollments", "conversion_rate", "pending_review"} <= {
        spec.key for spec in TILE_SPECS
    }


def test_stale_figures_are_marked_on_their_tiles_only():
    tiles = build_tiles({"leads": 1, "pending_review": 2}, {}, {"leads"}, "USD")

    assert {tile.key for tile in tiles if tile.stale} == {"leads"}
