"""The demonstration statistics: plausible, consistent with real totals, flagged."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from kitaku_maps import catalogue, demo
from kitaku_maps.bundle import age_groups

SEED = 43105
NAMES = ["北山", "南川", "東野", "西原", "中町", "丘の上"]


def hand_made_inputs():
    """Six districts tiling the home ward 43105, the city's five wards, towns."""
    cells = [
        box(
            130.60 + 0.05 * (i % 3),
            32.80 + 0.05 * (i // 3),
            130.65 + 0.05 * (i % 3),
            32.85 + 0.05 * (i // 3),
        )
        for i in range(6)
    ]
    districts = gpd.GeoDataFrame(
        {"district_code": [f"D{i + 1:02d}" for i in range(6)], "name_ja": NAMES},
        geometry=cells,
        crs="EPSG:4326",
    )
    wards = gpd.GeoDataFrame(
        {"ward_code": ["43101", "43102", "43103", "43104", "43105"]},
        geometry=[box(130.0 + i * 0.1, 32.0, 130.05 + i * 0.1, 32.05) for i in range(4)]
        + [box(130.59, 32.79, 130.76, 32.91)],
        crs="EPSG:4326",
    )
    towns = town_points(districts)
    facilities = gpd.GeoDataFrame(
        {
            "facility_id": ["f1", "f2", "f3", "f4"],
            "category_id": ["shelter", "shelter", "shelter", "school"],
            "district_code": ["D01", "D01", "D04", "D02"],
            "status": "official",
            "source_id": "gsi_test",
            "as_of": ["2024-07-30", "2024-08-01", "2024-07-30", "2024-07-30"],
        },
        geometry=gpd.points_from_xy([130.62] * 4, [32.82] * 4),
        crs="EPSG:4326",
    )
    return districts, wards, towns, facilities


def town_points(districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """1 to 12 town points per district, at its centre."""
    rows = []
    for number, district in enumerate(districts.itertuples()):
        centre = district.geometry.centroid
        for k in range(1 + 2 * number + (number % 2) * 3):
            rows.append(
                {
                    "town_id": f"T{number}{k:02d}",
                    "town_ja": f"{district.name_ja}{k + 1}丁目",
                    "koaza_ja": "",
                    "lat": centre.y + 0.001 * k,
                    "lon": centre.x,
                    "district_code": district.district_code,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def statistics() -> dict[str, pd.DataFrame]:
    """make_statistics on the hand-made inputs with the catalogue's indicators."""
    return demo.make_statistics(*hand_made_inputs(), catalogue.indicators(), SEED)


def numbers(values: pd.DataFrame) -> pd.DataFrame:
    """``values`` with ``value`` as floats."""
    return values.assign(value=pd.to_numeric(values["value"]))


def test_ward_total_in_2022_matches_the_real_population(statistics):
    population = statistics["population"]
    total = population.loc[population["fiscal_year"] == 2022, "population"].sum()
    assert total == pytest.approx(138_600, rel=0.001)


def test_ward_aging_share_in_2020_matches_the_census(statistics):
    population = statistics["population"]
    year = population[population["fiscal_year"] == 2020]
    old = year[year["age_group"].isin(age_groups("65+"))]["population"].sum()
    assert 100 * old / year["population"].sum() == pytest.approx(27.0, abs=0.3)


def test_population_covers_2014_to_2024_and_ages(statistics):
    population = statistics["population"]
    assert sorted(population["fiscal_year"].unique()) == list(range(2014, 2025))
    assert population.groupby(["district_code", "fiscal_year"]).size().eq(18).all()
    assert (population["status"] == "demo").all()


def test_population_ages_year_on_year(statistics):
    population = statistics["population"]
    old = population[population["age_group"].isin(age_groups("65+"))]
    share = (
        old.groupby("fiscal_year")["population"].sum()
        / population.groupby("fiscal_year")["population"].sum()
    )
    assert share.is_monotonic_increasing


def test_aging_rate_and_children_agree_with_the_age_table(statistics):
    values = numbers(statistics["values"])
    population = statistics["population"]
    by_area = population.groupby(["district_code", "fiscal_year"])["population"]
    total = by_area.sum()
    old = population[population["age_group"].isin(age_groups("65+"))]
    kids = population[population["age_group"].isin(age_groups("0-14"))]
    expected = {
        "aging_rate": (
            100
            * old.groupby(["district_code", "fiscal_year"])["population"].sum()
            / total
        ).round(1),
        "child_population": kids.groupby(["district_code", "fiscal_year"])[
            "population"
        ].sum(),
        "population": total,
    }
    for indicator_id, table in expected.items():
        shown = values[values["indicator_id"] == indicator_id].set_index(
            ["area_code", "fiscal_year"]
        )["value"]
        shown.index.names = table.index.names
        pd.testing.assert_series_equal(
            shown.sort_index(),
            table.loc[shown.index].astype(float).sort_index(),
            check_names=False,
        )


def test_every_district_indicator_has_2019_to_2024_for_every_district(statistics):
    values = statistics["values"]
    indicators = catalogue.indicators()
    demo_ids = indicators[
        (indicators["level"] == "district")
        & indicators["demo_method"].isin(
            ["age_total", "age_share", "per_1000", "level"]
        )
    ]["indicator_id"]
    for indicator_id in demo_ids:
        rows = values[values["indicator_id"] == indicator_id]
        grid = rows.groupby("area_code")["fiscal_year"].apply(sorted)
        assert len(grid) == 6, indicator_id
        assert all(years == list(range(2019, 2025)) for years in grid), indicator_id


def test_ward_indicators_cover_the_five_wards_and_city_ones_the_city(statistics):
    values = statistics["values"]
    indicators = catalogue.indicators().set_index("indicator_id")
    for indicator_id, rows in values.groupby("indicator_id"):
        spec = indicators.loc[indicator_id]
        own = rows[rows["level"] == spec["level"]]
        city = rows[rows["level"] == "city"]
        assert set(rows["level"]) <= {spec["level"], "city"}, indicator_id
        if spec["level"] == "ward" and spec["demo_scope"] != "home":
            assert own["area_code"].nunique() == 5, indicator_id
            assert city.empty == (spec["kind"] == "count"), indicator_id
        if spec["level"] == "city":
            assert set(rows["area_code"]) == {"43100"}


def test_city_figure_of_a_survey_is_the_population_weighted_ward_mean(statistics):
    values = numbers(statistics["values"])
    survey = catalogue.indicators().query("kind == 'survey' and level == 'ward'")
    rows = values[values["indicator_id"] == survey["indicator_id"].iloc[0]]
    year = rows["fiscal_year"].max()
    wards = rows[(rows["level"] == "ward") & (rows["fiscal_year"] == year)]
    city = rows[(rows["level"] == "city") & (rows["fiscal_year"] == year)]
    assert len(city) == 1
    assert wards["value"].min() <= city["value"].iloc[0] <= wards["value"].max()
    assert (city["status"] == "demo").all()


def test_shelters_are_counted_from_real_facilities(statistics):
    values = numbers(statistics["values"])
    shelters = values[values["indicator_id"] == "shelters"].set_index("area_code")
    assert (shelters["status"] == "computed").all()
    assert shelters["value"].to_dict() == {
        "D01": 2.0,
        "D02": 0.0,
        "D03": 0.0,
        "D04": 1.0,
        "D05": 0.0,
        "D06": 0.0,
    }
    assert set(shelters["fiscal_year"]) == {2024}
    assert set(shelters["as_of"]) == {"2024-08-01"}


def test_everything_else_is_flagged_demo(statistics):
    values = statistics["values"]
    assert set(values.loc[values["indicator_id"] != "shelters", "status"]) == {"demo"}
    assert (values.loc[values["status"] == "demo", "source_id"] == "kitaku_demo").all()
    sources = statistics["sources"].set_index("source_id")
    assert "デモ用の仮の数値" in sources.loc["kitaku_demo", "title_ja"]


def test_shares_stay_within_0_and_100_and_counts_are_whole(statistics):
    values = numbers(statistics["values"]).dropna(subset=["value"])
    kinds = values["indicator_id"].map(
        catalogue.indicators().set_index("indicator_id")["kind"]
    )
    assert values.loc[kinds.isin(["share", "survey"]), "value"].between(0, 100).all()
    counts = values.loc[kinds == "count", "value"]
    assert (counts >= 0).all() and np.allclose(counts, counts.round())


def test_samples_are_named_as_samples_at_town_points(statistics):
    samples = statistics["sample_facilities"]
    towns = hand_made_inputs()[2]
    assert len(samples) >= 5 and (samples["status"] == "demo").all()
    assert samples["name_ja"].str.startswith("（サンプル）").all()
    assert set(samples["category_id"]) >= {
        "childrens_cafeteria",
        "cultural_site",
        "nursery",
    }
    points = set(zip(towns["lon"].round(6), towns["lat"].round(6), strict=True))
    assert all((round(p.x, 6), round(p.y, 6)) in points for p in samples.geometry)


def test_initiatives_per_district_and_goal(statistics):
    initiatives = statistics["initiatives"]
    assert len(initiatives) == 6 * 7
    assert initiatives["title_ja"].str.startswith("（サンプル）").all()
    assert (initiatives["status"] == "demo").all()
    assert initiatives["title_ja"].str.contains(NAMES[0]).any()


def test_same_seed_same_tables_other_seed_other_values():
    inputs = hand_made_inputs()
    first = demo.make_statistics(*inputs, catalogue.indicators(), SEED)
    again = demo.make_statistics(*inputs, catalogue.indicators(), SEED)
    other = demo.make_statistics(*inputs, catalogue.indicators(), SEED + 1)
    for key in ("values", "population", "initiatives", "sources"):
        pd.testing.assert_frame_equal(first[key], again[key])
    assert first["values"].to_csv() == again["values"].to_csv()
    assert not first["values"]["value"].equals(other["values"]["value"])
