"""Classification and palettes on hand-made values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.classify import (
    MISSING_COLOR,
    classify,
    classify_diverging,
    diverging_palette,
    palette,
)


def luminance(color: str) -> float:
    """Relative brightness of a ``#rrggbb`` colour (0 dark .. 1 light)."""
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_natural_breaks_separates_two_clusters():
    result = classify([1, 2, 3, 100, 101, 102], "natural_breaks", k=2)

    assert result.bins == (3.0, 102.0)
    assert result.counts == (3, 3)
    assert list(result.classes) == [0, 0, 0, 1, 1, 1]


def test_equal_interval_bounds_and_counts():
    result = classify([0, 1, 3, 5, 7, 9, 10], "equal_interval", k=5)

    assert result.bins == pytest.approx((2, 4, 6, 8, 10))
    assert result.intervals()[0] == (0.0, 2.0)
    assert result.counts == (2, 1, 1, 1, 2)


def test_missing_values_get_their_own_count_and_no_class():
    result = classify([5, np.nan, 7, 9, np.nan], "quantiles", k=3)

    assert result.missing == 2
    assert list(result.classes[[1, 4]]) == [-1, -1]
    assert sum(result.counts) == 3


def test_fewer_distinct_values_than_classes_reduces_classes():
    result = classify([1, 1, 1, 2, 2], "quantiles", k=5)

    assert result.k == 2
    assert result.counts == (3, 2)


def test_a_single_distinct_value_makes_one_class():
    result = classify([4, 4, np.nan], "natural_breaks", k=5)

    assert result.bins == (4.0,)
    assert result.counts == (2,)
    assert result.missing == 1


def test_all_missing_makes_no_class():
    result = classify([np.nan, np.nan], "equal_interval", k=5)

    assert result.k == 0
    assert result.missing == 2
    assert math.isnan(result.lower)


def test_unknown_scheme_is_named_in_the_error():
    with pytest.raises(ValueError, match=r"jenks.*natural_breaks"):
        classify([1, 2], "jenks")


def test_worse_end_is_darkest_whatever_the_direction():
    lower_better = palette(5, "lower")
    higher_better = palette(5, "higher")

    assert luminance(lower_better[-1]) < luminance(lower_better[0])
    assert luminance(higher_better[0]) < luminance(higher_better[-1])
    assert higher_better == lower_better[::-1]


def test_neutral_indicators_use_another_scheme():
    assert set(palette(5, "neutral")).isdisjoint(palette(5, "lower"))


def test_missing_colour_is_on_no_scale():
    for k in range(1, 8):
        for better in ("higher", "lower", "neutral"):
            assert MISSING_COLOR not in palette(k, better)
            assert MISSING_COLOR not in diverging_palette(k, better)


def test_diverging_classes_are_symmetric_around_zero():
    result = classify_diverging([-4, -1, 0, 2, np.nan], k=5)

    assert result.lower == -4
    assert result.bins[-1] == 4
    assert result.bins[1] == pytest.approx(-result.bins[2])
    assert result.classes[2] == 2
    assert result.missing == 1


def test_diverging_palette_puts_red_on_the_worse_change():
    def reddish(color: str) -> bool:
        return int(color[1:3], 16) > int(color[5:7], 16)

    assert reddish(diverging_palette(5, "higher")[0])
    assert reddish(diverging_palette(5, "lower")[-1])


def test_unknown_direction_is_rejected():
    with pytest.raises(ValueError, match="higher, lower, neutral"):
        palette(5, "best")


def test_natural_breaks_are_the_same_on_every_run():
    values = np.random.default_rng(3).normal(30, 5, 1000)

    first = classify(values, "natural_breaks", k=5)
    second = classify(values, "natural_breaks", k=5)

    assert first.bins == second.bins
    assert first.bins[-1] == values.max()
    assert sum(first.counts) == 1000
