"""The ``nearest`` command: JSON answers that match a brute force."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from kitaku_maps import settings
from kitaku_maps.cli import main

FIELDS = {"name", "category", "distance_m", "walk_min", "lat", "lon", "hazards"}


def run_json(capsys, *args: str) -> list[dict]:
    """Run ``nearest ... --json`` on the default bundle and parse what it printed."""
    assert main(["nearest", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_from_nireki_3_with_flood_three_suitable_shelters_match_brute_force(
    bundle, capsys
) -> None:
    found = run_json(capsys, "--town", "楡木三丁目", "--hazard", "flood")

    assert len(found) == 3
    assert all(set(item) >= FIELDS for item in found)
    assert all("洪水" in item["hazards"] for item in found)
    assert all(item["category"] == "shelter" for item in found)

    town = bundle.towns[bundle.towns["town_ja"] == "楡木三丁目"].iloc[0]
    flood = bundle.facilities[bundle.facilities["hazard_flood"] == 1]
    here = gpd.GeoSeries([Point(town.lon, town.lat)], crs=settings.WEB_CRS)
    metres = flood.to_crs(settings.METRIC_CRS).distance(
        here.to_crs(settings.METRIC_CRS).iloc[0]
    )
    expected = flood.assign(d=metres.to_numpy()).nsmallest(3, "d")
    assert [item["name"] for item in found] == expected["name_ja"].tolist()
    np.testing.assert_allclose(
        [item["distance_m"] for item in found], expected["d"], atol=0.1
    )
    assert [item["walk_min"] for item in found] == [
        int(np.ceil(d / settings.WALK_METRES_PER_MINUTE)) for d in expected["d"]
    ]


def test_point_and_category_give_that_many_of_the_category(bundle, capsys) -> None:
    found = run_json(
        capsys, "--lat", "32.87", "--lon", "130.72", "--category", "school", "-n", "5"
    )

    assert len(found) == 5
    assert {item["category"] for item in found} == {"school"}
    distances = [item["distance_m"] for item in found]
    assert distances == sorted(distances)


def test_plain_output_lists_names_and_walking_times(bundle, capsys) -> None:
    assert main(["nearest", "--town", "楡木3丁目", "--hazard", "flood"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("楡木三丁目")
    assert len(lines) == 4
    assert all("徒歩約" in line and " m " in line for line in lines[1:])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--town", "楡木"], "candidates: 楡木一丁目"),
        (["--town", "ゆめ町"], "matches no single town"),
        (["--lat", "32.87"], "expected --lat and --lon"),
        (["--lat", "32.87", "--lon", "130.72", "--hazard", "volcano"], "volcano"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(bundle, capsys, args, message) -> None:
    assert main(["nearest", *args, "--json"]) == 2
    assert message in capsys.readouterr().err
