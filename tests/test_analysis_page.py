"""AppTest of the analysis page (比較・分析) on the default dataset."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kitaku_maps import settings

PAGE = str(settings.PROJECT_ROOT / "app_pages" / "analysis.py")


@pytest.fixture(scope="module")
def app(bundle) -> AppTest:
    """The analysis page after its first run (every tab renders)."""
    return AppTest.from_file(PAGE, default_timeout=300).run()


def test_every_view_renders_without_exception(app):
    assert not app.exception, app.exception
    assert len(app.tabs) >= 8
    assert app.title[0].value == "比較・分析"


def test_scatter_warns_that_correlation_is_not_cause(app):
    warnings = " ".join(w.value for w in app.warning)

    assert "相関は因果ではありません" in warnings
    assert any("相関係数" in metric.label for metric in app.metric)


def test_spatial_view_says_the_sample_is_small(app, bundle):
    warnings = " ".join(w.value for w in app.warning)

    assert f"{len(bundle.districts)}{bundle.meta['district_term_ja']}" in warnings
    assert "探索的" in warnings
    assert any("モラン" in metric.label for metric in app.metric)


def test_small_counts_are_flagged_as_unstable(app):
    captions = " ".join(c.value for c in app.caption)

    assert "不安定" in captions and "95%区間" in captions


def test_tables_charts_and_layers_can_be_downloaded(app):
    buttons = app.get("download_button")
    labels = [button.proto.label for button in buttons]

    assert labels.count("CSVでダウンロード") >= 7
    assert labels.count("Excelでダウンロード") >= 7
    assert labels.count("画像（PNG）でダウンロード") >= 6
    assert labels.count("地図データ（GeoJSON）でダウンロード") >= 2


def test_heat_table_has_every_district(app, bundle):
    heat = [
        frame.value
        for frame in app.dataframe
        if len(frame.value) == len(bundle.districts)
        and "｜" in "".join(map(str, frame.value.columns))
    ]

    assert heat, "the heat table is shown"
    assert set(heat[0].index) == set(bundle.districts["name_ja"])


def test_side_by_side_shows_differences_for_the_chosen_districts(bundle):
    app = AppTest.from_file(PAGE, default_timeout=300).run()
    names = bundle.districts["name_ja"].tolist()

    compare = [
        f.value for f in app.dataframe if any("差（" in c for c in f.value.columns)
    ]
    assert compare
    assert f"差（{names[0]}）" in compare[0].columns
    assert f"{bundle.meta['ward_name_ja']}平均" in compare[0].columns


def test_ward_view_shows_another_ward_indicator(bundle):
    catalogue = bundle.indicators
    last = catalogue[catalogue["level"] == "ward"].iloc[-1]
    app = AppTest.from_file(PAGE, default_timeout=300)
    app.session_state["wards_goal"] = last["goal_id"]
    app.session_state["wards"] = last["indicator_id"]

    app.run()

    assert not app.exception
    assert app.selectbox(key="wards").value == last["indicator_id"]


def test_every_view_offers_its_numbers_as_csv_and_excel(app):
    for tab in app.tabs:
        ids = [button.proto.id for button in tab.get("download_button")]

        assert any(i.endswith("-csv") for i in ids), tab.label
        assert any(i.endswith("-xlsx") for i in ids), tab.label


def test_side_by_side_values_carry_units_and_signed_differences(app, bundle):
    compare = next(
        f.value for f in app.dataframe if any("差（" in c for c in f.value.columns)
    )
    first = bundle.districts["name_ja"].iloc[0]

    units = compare["指標"].map(bundle.indicators.set_index("name_ja")["unit"])
    assert all(str(v).endswith(u) for v, u in zip(compare[first], units, strict=True))
    assert compare[f"差（{first}）"].str.match(r"^([+-]|±)").all()


def test_the_note_on_averages_is_on_the_page(app):
    captions = " ".join(c.value for c in app.caption)

    assert "人口で重み付けした平均" in captions
    assert "単純な平均ではありません" in captions
