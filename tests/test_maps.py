"""The explorer's map as HTML text: districts, legend, escaped popups, no CDN."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from shapely.geometry import box

from kitaku_maps import offline
from kitaku_maps.cli import main
from kitaku_maps.maps import (
    MapView,
    ShelterFilter,
    build_map,
    standalone_html,
    web_geometry,
)
from kitaku_maps.maps.basemaps import credit_links, tile_templates
from kitaku_maps.maps.state import (
    default_indicator,
    default_state,
    state_from_params,
    state_to_params,
)
from tests.map_fixture import EVIL_NAME, make_bundle

URL = re.compile(r"https?://[^\s\"'<>)\\]+")
EXTERNAL_RESOURCE = re.compile(r"<script[^>]+src=|<link[^>]+href=|url\(https?:")


def without_vendor_code(html: str) -> str:
    """The HTML with the inlined Leaflet files cut out (they name leafletjs.com)."""
    for asset in offline.ALL_ASSETS:
        if asset.source.suffix in (".js", ".css"):
            html = html.replace(asset.source.read_text(encoding="utf-8"), "")
    return html


def assert_offline(html: str, allowed: set[str]) -> None:
    """No external script, stylesheet or image; only allowed URLs remain."""
    assert not EXTERNAL_RESOURCE.search(html)
    assert offline.INLINE_PREFIX not in html
    assert set(URL.findall(without_vendor_code(html))) <= allowed


@pytest.fixture(scope="module")
def fixture_bundle():
    return make_bundle()


@pytest.fixture(scope="module")
def geometry(fixture_bundle):
    return web_geometry(fixture_bundle)


def render(bundle, geometry, assets="served", selected=None, **view) -> str:
    """The map of ``view`` as HTML (served: links to /app/static/vendor)."""
    fields = {"indicator_id": "aging_rate", "fiscal_year": 2024, **view}
    fmap = build_map(
        bundle, geometry, MapView(**fields), assets=assets, selected=selected
    )
    if assets == "inline":
        return standalone_html(fmap)
    return fmap.get_root().render()


def features(html: str) -> list[dict]:
    """The properties of the areas drawn by the indicator layer."""
    return [
        json.loads(m.group(1))
        for m in re.finditer(r'"type":"Feature","properties":(\{"code".*?\})', html)
    ]


def allowed_urls(bundle) -> set[str]:
    """Tile templates, credit links and the bundle's photo and source URLs."""
    photos = bundle.facilities["photo_url"].dropna().astype(str)
    return {*tile_templates(), *credit_links(), *photos}


def test_all_21_districts_are_drawn_with_their_names(fixture_bundle, geometry):
    html = render(fixture_bundle, geometry)
    drawn = features(html)

    assert len(drawn) == 21
    assert [f["name"] for f in drawn] == [f"区{i:02d}" for i in range(1, 22)]
    assert "区07" in html.split("kitaku-label")[-1] or "区07" in html


def test_legend_shows_unit_class_bounds_counts_and_missing(fixture_bundle, geometry):
    html = render(fixture_bundle, geometry, scheme="quantiles")
    legend = json.loads(re.search(r"div.innerHTML = (\".*?\");", html).group(1))

    assert "高齢化率（2024年度）" in legend
    assert "単位: %" in legend
    assert re.search(r"21\.0 – 25\.5.*\(4\)", legend)
    assert legend.count('class="n">(4)') == 5
    assert 'class="m"></i>データなし <span class="n">(1)' in legend
    assert "テスト区平均: 30.0%" in legend


def test_missing_district_is_drawn_apart_from_the_scale(fixture_bundle, geometry):
    drawn = {f["code"]: f for f in features(render(fixture_bundle, geometry))}

    assert drawn["D21"]["cls"] == -1
    assert drawn["D21"]["label"] == "データなし"
    assert {drawn[c]["cls"] for c in drawn if c != "D21"} == set(range(5))


def test_tooltip_data_has_value_unit_rank_and_ward_average(fixture_bundle, geometry):
    html = render(fixture_bundle, geometry)
    drawn = {f["code"]: f for f in features(html)}

    assert drawn["D05"]["label"] == "25.8%"
    assert drawn["D05"]["rank"] == "5位／20"
    assert "テスト区平均: 30.0%" in html
    assert "2024年度" in html


def test_popup_of_a_script_name_is_escaped(fixture_bundle, geometry):
    html = render(fixture_bundle, geometry, layers=("shelter",))

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;避難所" in html
    assert EVIL_NAME not in html
    assert "<script>alert" not in html


def test_popups_say_kind_hazards_source_and_demo(fixture_bundle, geometry):
    html = render(fixture_bundle, geometry, layers=("shelter", "park"))

    assert "種別: 指定避難所・指定緊急避難場所・福祉避難所" in html
    assert "対応する災害: 洪水、地震" in html
    assert "出典: テスト出典・2025-04-01時点" in html
    assert "デモ用のサンプル" in html


def test_a_photo_in_the_bundle_folder_is_embedded_and_a_missing_one_left_out(
    tmp_path: Path,
):
    photos = tmp_path / "photos"
    photos.mkdir()
    marker = offline.DEFAULT_ICON["iconUrl"].source
    (photos / "park.png").write_bytes(marker.read_bytes())
    bundle = make_bundle(tmp_path)
    geometry = web_geometry(bundle)

    html = render(bundle, geometry, layers=("park",))
    assert "<img" not in html and "img src" not in html.replace("\\", "")

    park = bundle.facilities["category_id"] == "park"
    facilities = bundle.facilities.copy()
    facilities.loc[park, "photo_url"] = "photos/park.png"
    html = render(replace(bundle, facilities=facilities), geometry, layers=("park",))
    assert "data:image/png;base64," in html

    facilities.loc[park, "photo_url"] = "../outside.png"
    (tmp_path.parent / "outside.png").write_bytes(marker.read_bytes())
    html = render(replace(bundle, facilities=facilities), geometry, layers=("park",))
    assert "data:image/png" not in html


def test_shelter_filters_keep_only_matching_shelters(fixture_bundle, geometry):
    every = render(fixture_bundle, geometry, layers=("shelter",))
    flood = render(
        fixture_bundle,
        geometry,
        layers=("shelter",),
        shelters=ShelterFilter(hazards=("flood",), kinds=("welfare",)),
    )

    assert every.count('class=\\"kitaku-popup\\"') == 40
    assert flood.count('class=\\"kitaku-popup\\"') == 4


def test_layers_not_chosen_are_absent(fixture_bundle, geometry):
    html = render(fixture_bundle, geometry, layers=())

    assert 'class=\\"kitaku-popup\\"' not in html
    assert "markercluster" not in html


def test_dense_layers_are_clustered_with_local_markercluster(fixture_bundle, geometry):
    html = render(fixture_bundle, geometry, layers=("shelter",))

    assert "L.markerClusterGroup" in html
    assert "/app/static/vendor/markercluster/cluster.js" in html


def test_ward_level_indicator_draws_the_five_wards_with_home_highlighted(
    fixture_bundle, geometry
):
    html = render(fixture_bundle, geometry, indicator_id="feel_safe")
    drawn = features(html)

    assert len(drawn) == 5
    assert [f["code"] for f in drawn if f["hl"]] == ["43105"]
    assert "テスト市平均: 62.0%" in html
    assert "太線: テスト区" in html


def test_change_view_uses_a_diverging_palette(fixture_bundle, geometry):
    html = render(fixture_bundle, geometry, change_from=2022)
    drawn = {f["code"]: f for f in features(html)}

    assert "高齢化率の変化（2022→2024年度）" in html
    assert drawn["D01"]["label"] == "+1.0ポイント（20.0%→21.0%）"
    assert "#ca0020" in html or "#0571b0" in html


def test_served_map_requests_nothing_from_a_cdn(fixture_bundle, geometry):
    html = render(fixture_bundle, geometry, layers=("shelter", "park"))

    assert set(URL.findall(html)) <= allowed_urls(fixture_bundle)
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    for word in ("jquery", "bootstrap", "font-awesome", "fontawesome", "cdn"):
        assert word not in html.lower()


def test_standalone_map_inlines_leaflet(fixture_bundle, geometry):
    html = render(fixture_bundle, geometry, assets="inline", layers=("shelter",))

    assert_offline(html, allowed_urls(fixture_bundle))
    assert "markerClusterGroup" in html
    assert "url(data:image/png;base64," in html


def test_map_of_the_default_dataset(bundle):
    state = default_state(bundle)
    view = MapView(
        state.view.indicator_id,
        state.view.fiscal_year,
        layers=tuple(bundle.categories["category_id"]),
    )
    html = build_map(bundle, web_geometry(bundle), view).get_root().render()

    assert len(features(html)) == 21
    assert set(URL.findall(html)) <= allowed_urls(bundle) | set(
        bundle.sources["url"].dropna()
    )


def test_cli_writes_an_offline_map(bundle, tmp_path: Path, capsys):
    out = tmp_path / "map.html"
    code = main(["map", "--layers", "shelter,school", "--out", str(out)])

    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert len(features(html)) == 21
    assert_offline(html, allowed_urls(bundle))


def test_cli_rejects_a_year_without_values(bundle, tmp_path: Path, capsys):
    code = main(["map", "--year", "1900", "--out", str(tmp_path / "x.html")])

    assert code == 2
    assert "1900" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_outline_comes_from_the_districts_when_they_tile_the_ward(
    fixture_bundle, geometry
):
    html = render(fixture_bundle, geometry)

    assert geometry.districts_cover_outline
    assert "seen[k] = seen[k] ? null : [a, b];" in html
    assert html.count("130.77,32.93") <= 2


def test_real_outline_is_drawn_when_districts_do_not_cover_it(fixture_bundle):
    bigger = fixture_bundle.outline.copy()
    bigger["geometry"] = [box(130.69, 32.89, 130.78, 32.94)]
    bundle = replace(fixture_bundle, outline=bigger)
    geometry = web_geometry(bundle)
    html = render(bundle, geometry)

    assert not geometry.districts_cover_outline
    assert "seen[k]" not in html
    assert "[130.69,32.89]" in html.replace(" ", "")


def test_default_indicator_is_the_first_district_share_or_a_featured_one(
    fixture_bundle,
):
    assert default_indicator(fixture_bundle) == "aging_rate"

    marked = fixture_bundle.indicators.assign(featured=[0, 0, 1, 0])
    assert default_indicator(replace(fixture_bundle, indicators=marked)) == (
        "checkup_rate"
    )


def test_state_survives_a_round_trip_through_the_url(fixture_bundle):
    state = state_from_params(
        fixture_bundle,
        {
            "indicator": "checkup_rate",
            "year": "2023",
            "from": "2022",
            "kinds": "welfare",
        },
    )

    assert state_from_params(fixture_bundle, state_to_params(state)) == state
    assert state.view.change_from == 2022
    assert state.view.shelters.kinds == ("welfare",)


def selected_outline(html: str) -> list[str]:
    """Codes of the areas drawn with the thick selection outline."""
    return re.findall(r'"properties":\{"selected":"([^"]+)"\}', html)


def test_a_chosen_district_is_outlined_on_the_map(fixture_bundle, geometry):
    chosen = render(fixture_bundle, geometry, selected="D05")
    drawn = {f["code"]: f for f in features(chosen)}

    assert selected_outline(chosen) == ["D05"]
    assert "weight: 5" in chosen.split("kitaku-selected")[0].rsplit("L.geoJSON", 1)[1]
    assert drawn["D05"]["hl"] == 0
    assert selected_outline(render(fixture_bundle, geometry)) == []
    assert selected_outline(render(fixture_bundle, geometry, selected="nope")) == []


def test_default_marker_images_have_full_served_and_inlined_urls(
    fixture_bundle, geometry
):
    served = render(fixture_bundle, geometry)
    inline = render(fixture_bundle, geometry, assets="inline")
    urls = json.loads(
        re.search(r"L\.Icon\.Default\.mergeOptions\((\{.*?\})\)", served)[1]
    )

    assert 'L.Icon.Default.imagePath = "";' in served
    assert urls["iconUrl"] == "/app/static/vendor/leaflet/images/marker-icon.png"
    for url in urls.values():
        path = url.removeprefix(offline.SERVED_STATIC_URL + "/")
        assert (offline.settings.STATIC_DIR / path).is_file(), url
    inlined = re.search(r"L\.Icon\.Default\.mergeOptions\((\{.*?\})\)", inline)[1]
    assert set(json.loads(inlined)) == set(urls)
    assert all(
        u.startswith("data:image/png;base64,") for u in json.loads(inlined).values()
    )


def legend_text(html: str) -> str:
    """The legend's HTML as the map shows it."""
    return json.loads(re.search(r"div.innerHTML = (\".*?\");", html).group(1))


def map_max_zoom(html: str) -> int | None:
    """The ``maxZoom`` option the Leaflet map was created with (None if unset)."""
    options = re.search(r"L\.map\((.*?)\);", html, re.DOTALL)[1]
    found = re.search(r'"maxZoom": (\d+)', options)
    return int(found[1]) if found else None


@pytest.mark.parametrize(("base", "zoom"), [("none", 18), ("osm", 19), ("gsi_std", 18)])
def test_every_base_map_gives_the_map_the_zoom_limit_clustering_needs(
    fixture_bundle, geometry, base, zoom
):
    html = render(fixture_bundle, geometry, base_map=base, layers=("shelter",))

    assert "L.markerClusterGroup" in html
    assert map_max_zoom(html) == zoom


def test_legend_says_which_colour_is_the_worse_end(fixture_bundle, geometry):
    lower = legend_text(render(fixture_bundle, geometry))
    higher = legend_text(render(fixture_bundle, geometry, indicator_id="checkup_rate"))
    neutral = legend_text(render(fixture_bundle, geometry, indicator_id="population"))
    change = legend_text(render(fixture_bundle, geometry, change_from=2022))

    assert "濃い色ほど課題（高い値）" in lower
    assert "濃い色ほど課題（低い値）" in higher
    assert "濃い色ほど大きい値" in neutral and "課題" not in neutral
    assert "赤: 増えて悪化　青: 減って改善" in change


def areas_credit(html: str) -> str:
    """The text the indicator layer adds to the map's credits line."""
    return json.loads(re.search(r"attribution: (\".*?\"),\n", html)[1])


def test_credits_line_flags_demo_values_and_estimated_boundaries(
    fixture_bundle, geometry
):
    demo = areas_credit(render(fixture_bundle, geometry))
    wards = areas_credit(render(fixture_bundle, geometry, indicator_id="feel_safe"))
    official = replace(
        fixture_bundle,
        values=fixture_bundle.values.assign(status="official"),
        districts=fixture_bundle.districts.assign(boundary_status="official"),
    )

    assert "⚠ デモの数値・校区境界は推定" in demo
    assert "デモの数値" in wards and "境界は推定" not in wards
    assert areas_credit(render(official, web_geometry(official))) == ""


def test_cli_map_of_demo_values_says_so_in_the_file(bundle, tmp_path: Path):
    out = tmp_path / "map.html"
    assert main(["map", "--base", "none", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")

    assert "デモの数値" in areas_credit(html)
    assert map_max_zoom(html) == 18


def test_legend_says_when_an_average_has_no_value(fixture_bundle, geometry):
    values = fixture_bundle.values
    no_city = values[~((values["level"] == "city") & (values["fiscal_year"] == 2024))]
    bundle = replace(fixture_bundle, values=no_city)
    html = render(bundle, geometry, indicator_id="feel_safe")
    legend = json.loads(re.search(r"div.innerHTML = (\".*?\");", html).group(1))

    assert "テスト市平均: 2024年度の値なし" in legend
    assert "テスト区: 64.0%" in legend


def test_cli_filters_shelter_kinds_and_outlines_a_district(bundle, tmp_path: Path):
    out = tmp_path / "map.html"
    args = ["map", "--kinds", "welfare", "--district", "D05", "--out", str(out)]
    assert main(args) == 0
    html = out.read_text(encoding="utf-8")

    shelters = bundle.facilities[bundle.facilities["category_id"] == "shelter"]
    welfare = int((shelters["is_welfare_shelter"] == 1).sum())
    assert 0 < welfare < len(shelters)
    assert html.count('class=\\"kitaku-popup\\"') == welfare
    assert '"properties":{"selected":"D05"}' in html


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--year", "2024", "--change-from", "2024"], "same as --year"),
        (["--district", "D99"], "expected one of ['D01'"),
        (["--kinds", "hotel"], "unknown ['hotel']"),
    ],
)
def test_cli_rejects_a_bad_view_and_writes_nothing(
    bundle, tmp_path: Path, capsys, args, expected
):
    out = tmp_path / "x.html"
    assert main(["map", *args, "--out", str(out)]) == 2

    assert expected in capsys.readouterr().err
    assert not out.exists()
