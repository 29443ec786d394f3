"""The data-and-sources page (データと出典) on the default bundle."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from kitaku_maps import settings
from kitaku_maps.bundle import Bundle

PAGE = str(settings.PROJECT_ROOT / "app_pages" / "about.py")


def test_about_page_shows_sources_labels_and_catalogue(bundle: Bundle) -> None:
    """Sources with credits, the labels explained, one section per goal."""
    app = AppTest.from_file(PAGE, default_timeout=120).run()

    assert not app.exception
    assert app.title[0].value == "データと出典"
    assert "デモ用の仮の数値" in app.warning[0].value

    sources = app.dataframe[0].value
    assert list(sources["データ"]) == list(bundle.sources["title_ja"])
    assert any("おおよその境界" in m.value for m in app.markdown)

    goals = bundle.goals.sort_values("order")
    labels = [e.label for e in app.expander]
    assert [label.split("（")[0] for label in labels] == list(goals["title_ja"])
    assert sum(int(label.split("（")[1].rstrip("指標）")) for label in labels) == len(
        bundle.indicators
    )


def test_about_page_lists_each_file_with_its_date(bundle: Bundle) -> None:
    """Every data file appears with its row count and an as-of date."""
    app = AppTest.from_file(PAGE, default_timeout=120).run()

    files = app.dataframe[1].value.set_index("ファイル")
    assert files.loc["values.csv", "件数"] == len(bundle.values)
    assert files.loc["facilities.geojson", "時点（最新）"] is not None
    assert app.get("download_button"), "the catalogue download is missing"
