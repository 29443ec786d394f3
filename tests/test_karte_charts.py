"""Charts and chart data of the analysis page, on the hand-made bundle."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from kitaku_maps import analysis, charts, exports, karte, small_counts
from tests.karte_fixture import make_bundle


@pytest.fixture(scope="module")
def fixture_bundle():
    return make_bundle()


def _six_years(bundle) -> dict[int, pd.Series]:
    """Made-up values for 6 years, one district missing in the last year."""
    codes = bundle.districts["district_code"].astype(str)
    years = {
        2019 + i: pd.Series([10.0 + i, 20.0, 30.0, 40.0 - i], index=codes.to_numpy())
        for i in range(6)
    }
    years[2024].iloc[0] = float("nan")
    return years


def test_small_multiples_are_evenly_spaced_with_one_shared_legend(
    fixture_bundle,
):
    figure = charts.small_multiple_maps(
        fixture_bundle.districts, _six_years(fixture_bundle), "テスト", "%"
    )
    exports.figure_to_png(figure)

    maps = [axes for axes in figure.axes if axes.get_title()]
    assert [axes.get_title() for axes in maps][-1] == "2024年度"
    first_row = [axes.get_position() for axes in maps[:4]]
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(first_row)]
    assert max(gaps) - min(gaps) < 0.01, f"uneven gaps between the maps: {gaps}"
    assert len(figure.legends) == 1
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert labels[-1] == "値なし"
    assert labels[0].endswith("以下") and "超〜" in labels[1]


def test_scatter_png_carries_the_coefficient_and_the_warning(fixture_bundle):
    pairs = pd.DataFrame(
        {
            "name_ja": list("ABCDEF"),
            "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "y": [2.0, 4.1, 5.9, 8.2, 9.9, 12.0],
        }
    )
    note = analysis.correlation_note(analysis.correlation(pairs), "地区")

    figure = charts.scatter_labelled(pairs, "x軸", "y軸", "題", note)

    title = figure.axes[0].get_title()
    assert title.startswith("題\n相関係数 r = 1.00（6地区）")
    assert "相関は因果ではありません" in title


def test_correlation_note_says_when_there_are_too_few_pairs():
    few = {"pearson": math.nan, "pearson_p": math.nan, "spearman": math.nan, "n": 3}

    assert analysis.correlation_note(few, "地区") == (
        "3地区。値のそろった地域が少なく、相関係数は計算していません。"
    )


def test_years_table_has_every_district_each_year_and_the_ward_average(
    fixture_bundle,
):
    table = analysis.years_table(fixture_bundle, "aging")
    meta = fixture_bundle.meta

    assert list(table.columns) == ["コード", "名称", "2024年度", "2025年度"]
    assert len(table) == len(fixture_bundle.districts) + 1
    last = table.iloc[-1]
    assert last["名称"] == f"{meta['ward_name_ja']}平均"
    ward_2025 = karte.indicator_table(fixture_bundle, "aging", 2025)["ward_average"]
    assert last["2025年度"] == pytest.approx(ward_2025.iloc[0])
    d01 = table.set_index("コード").loc["D01"]
    assert d01["2024年度"] == 30.0 and d01["2025年度"] == 32.0


def test_rate_chart_marks_the_rate_of_all_districts(fixture_bundle):
    rates = small_counts.rates_per_thousand(fixture_bundle, "fires", 2025)

    figure = charts.interval_bars(rates, "火災", "千人あたり", "テスト区全体")

    lines = [
        line for line in figure.axes[0].lines if line.get_label() == "テスト区全体"
    ]
    # 0 + 6 + 3 + 11 = 20 fires among 10,000 residents = 2.0 per 1,000.
    assert lines and lines[0].get_xdata()[0] == pytest.approx(2.0)
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert "テスト区全体" in legend
