"""The data-import page (データの取り込み), run with AppTest on a copy of data/.

``settings.DATA_DIR`` is patched to a copy in ``tmp_path`` so the real
``data/`` is never written; uploads go through AppTest's file uploader.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from kitaku_maps import settings
from kitaku_maps.bundle import Bundle
from kitaku_maps.errors import InputFormatError
from kitaku_maps.table_template import table_template

PAGE = str(settings.PROJECT_ROOT / "app_pages" / "data_import.py")


@pytest.fixture
def data_copy(bundle: Bundle, tmp_path: Path, monkeypatch) -> Path:
    """A copy of data/ the page imports into (settings.DATA_DIR points at it)."""
    target = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, target)
    monkeypatch.setattr(settings, "DATA_DIR", target)
    monkeypatch.setattr(settings, "ALLOW_IMPORT", True)
    return target


def page() -> AppTest:
    """The page, run once."""
    return AppTest.from_file(PAGE, default_timeout=120).run()


def table_bytes(bundle: Bundle, value: str = '"8,120"') -> bytes:
    """A CP932 table of one population value for the first district."""
    first = bundle.districts["name_ja"].iloc[0]
    return f"指標,校区,年度,値\npopulation,{first}校区,令和6年度,{value}\n".encode(
        "cp932"
    )


def upload_table(app: AppTest, name: str, data: bytes) -> AppTest:
    """Upload a table and choose the ward's statistics source."""
    app.get("file_uploader")[0].upload(name, data, "text/csv")
    app.run()
    sources = [box for box in app.selectbox if box.key == "table_source"]
    if sources:
        sources[0].select("kumamoto_kita_ward").run()
    return app


def button(app: AppTest, key: str):
    """The button with ``key``."""
    return next(b for b in app.button if b.key == key)


def test_the_page_runs_and_offers_both_uploads(data_copy):
    app = page()

    assert not app.exception
    assert app.title[0].value == "データの取り込み"
    assert [t.label for t in app.tabs] == ["統計表", "校区の境界"]
    assert len(app.get("file_uploader")) == 2
    assert str(data_copy) in app.caption[0].value


def test_a_good_table_is_previewed_then_imported(bundle, data_copy):
    values_before = (data_copy / "values.csv").read_bytes()
    app = page()
    upload_table(app, "人口.csv", table_bytes(bundle))
    button(app, "table_check").click().run()

    assert not app.exception and not app.error
    assert "問題はありません" in app.success[0].value
    preview = app.dataframe[0].value
    assert list(preview["変更"]) == ["デモ値を正式な値に置き換え"]
    assert (data_copy / "values.csv").read_bytes() == values_before

    button(app, "table_import").click().run()
    assert "取り込みました" in app.success[0].value
    assert ",8120,,official," in (data_copy / "values.csv").read_text("utf-8")


def test_a_bad_table_shows_japanese_problems_and_writes_nothing(bundle, data_copy):
    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    app = page()
    upload_table(app, "bad.csv", table_bytes(bundle, "three"))
    button(app, "table_import").click().run()

    assert "何も保存していません" in app.error[0].value
    problems = app.table[0].value.reset_index()
    assert list(problems.columns) == ["ファイル", "行", "列", "必要なもの", "実際の値"]
    assert problems.iloc[0]["行"] == 2 and problems.iloc[0]["列"] == "値"
    assert problems.iloc[0]["実際の値"] == "「three」"
    assert {p.name: p.read_bytes() for p in data_copy.iterdir()} == before


def test_an_unreadable_encoding_is_explained(data_copy):
    app = page()
    text = "指標,校区,年度,値\n".encode("utf-16")
    app.get("file_uploader")[0].upload("utf16.csv", text)
    app.run()

    assert "文字コード" in app.error[0].value and "utf16.csv" in app.error[0].value


def test_import_can_be_switched_off(bundle, data_copy, monkeypatch):
    monkeypatch.setattr(settings, "ALLOW_IMPORT", False)
    app = page()
    upload_table(app, "人口.csv", table_bytes(bundle))

    assert "KITAKU_ALLOW_IMPORT=0" in app.info[0].value
    assert button(app, "table_import").disabled
    assert button(app, "table_check").disabled is False


def test_a_boundary_file_asks_for_its_name_column(bundle, data_copy, tmp_path):
    path = tmp_path / "city.geojson"
    gpd.GeoDataFrame(
        {"NAME_X": bundle.districts["name_ja"] + "地域"},
        geometry=bundle.districts.geometry,
        crs=bundle.districts.crs,
    ).to_file(path)
    app = page()
    app.get("file_uploader")[1].upload("city.geojson", path.read_bytes())
    app.run()
    button(app, "boundary_check").click().run()

    assert "校区名の列が必要" in app.error[0].value
    app.selectbox[-1].select("NAME_X").run()
    button(app, "boundary_check").click().run()
    assert "何も保存していません" in app.error[0].value
    problem = app.table[0].value.reset_index().iloc[0]
    first = bundle.districts["name_ja"].iloc[0]
    assert f"見つからない校区: {first}" in problem["必要なもの"]
    assert f"{first}地域" in problem["実際の値"]


def test_no_buttons_until_a_source_is_chosen(bundle, data_copy):
    app = page()
    app.get("file_uploader")[0].upload("人口.csv", table_bytes(bundle), "text/csv")
    app.run()

    assert app.selectbox(key="table_source").value is None
    assert not [b for b in app.button if b.key.startswith("table_")]


def test_a_blank_template_lists_every_district_and_imports_once_filled(
    bundle, data_copy
):
    app = page()
    download = next(b for b in app.get("download_button") if "ひな形" in b.proto.label)
    assert download.proto.label.startswith("ひな形をダウンロード")

    template = table_template(bundle, "population", 2025).decode("utf-8-sig")
    header, *rows = template.splitlines()
    assert header == "指標,地域,年度,値"
    assert [r.split(",")[1] for r in rows] == bundle.districts["name_ja"].tolist()
    assert all(r.startswith("population,") and r.endswith(",2025年度,") for r in rows)

    filled = "\n".join([header, *(f"{r}100" for r in rows)]).encode("utf-8-sig")
    app = upload_table(app, "filled.csv", filled)
    button(app, "table_import").click().run()
    assert not app.error, [e.value for e in app.error]
    assert "取り込みました" in app.success[0].value


def test_no_template_for_a_city_level_indicator(bundle):
    city = bundle.indicators.loc[bundle.indicators["level"] == "city", "indicator_id"]
    with pytest.raises(InputFormatError, match="district or ward indicator"):
        table_template(bundle, city.iloc[0], 2024)
    with pytest.raises(InputFormatError, match="catalogue"):
        table_template(bundle, "no_such_indicator", 2024)
