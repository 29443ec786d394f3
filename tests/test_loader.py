"""The loader: the default bundle loads, and each kind of broken bundle is refused.

Broken bundles are copies of the small hand-made bundle with one thing
changed; each must be refused with a problem naming the file, row and column.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kitaku_maps.bundle import Bundle
from kitaku_maps.errors import DataValidationError, InputFormatError, Problem
from kitaku_maps.loader import load_bundle, validate_path
from kitaku_maps.schemas import LONLAT_BOX

#: The hand-made bundle of docs/DATASET.md (2 districts, 2 wards).
MINI_BUNDLE = Path(__file__).parent / "fixtures" / "mini_bundle"

# --- helpers ---------------------------------------------------------------


def edit(folder: Path, name: str, old: str, new: str, count: int = 1) -> None:
    """Replace the first ``count`` occurrences of ``old`` in a bundle file."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def edit_feature(folder: Path, name: str, index: int, geometry: dict | None) -> None:
    """Give feature ``index`` (0-based) of a GeoJSON file a new geometry."""
    path = folder / name
    document = json.loads(path.read_text(encoding="utf-8"))
    document["features"][index]["geometry"] = geometry
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def problems_of(folder: Path) -> list[Problem]:
    """The problems the loader reports for ``folder`` (it must refuse it)."""
    with pytest.raises(DataValidationError) as caught:
        load_bundle(folder)
    assert caught.value.problems, "refused without naming a problem"
    return caught.value.problems


def find(problems: list[Problem], file: str, column: str) -> Problem:
    """The problem about ``file`` and ``column``; fail listing all if none."""
    for problem in problems:
        if problem.file == file and problem.column == column:
            return problem
    listed = "\n".join(str(p) for p in problems)
    raise AssertionError(f"no problem for {file} column {column}:\n{listed}")


# --- the default and the hand-made bundle ----------------------------------


def test_default_bundle_loads_with_its_cross_checks(bundle: Bundle) -> None:
    """data/ loads, and what the cross-checks promise holds in the frames."""
    goals = set(bundle.goals["goal_id"])
    assert set(bundle.indicators["goal_id"]) <= goals
    assert set(bundle.values["indicator_id"]) <= set(bundle.indicators["indicator_id"])

    district_values = bundle.values[bundle.values["level"] == "district"]
    assert set(district_values["area_code"]) <= set(bundle.districts["district_code"])
    ward_values = bundle.values[bundle.values["level"] == "ward"]
    assert set(ward_values["area_code"]) <= set(bundle.wards["ward_code"])

    placed = bundle.facilities["district_code"].dropna()
    assert set(placed) <= set(bundle.districts["district_code"])
    assert set(bundle.facilities["category_id"]) <= set(
        bundle.categories["category_id"]
    )
    assert not bundle.values.duplicated(
        ["indicator_id", "area_code", "fiscal_year"]
    ).any()


def test_default_bundle_keeps_codes_as_text(bundle: Bundle) -> None:
    """Ward and district codes stay strings ("43105", "D01"), years are ints."""
    assert bundle.meta["ward_code"] in set(bundle.wards["ward_code"])
    assert all(isinstance(c, str) for c in bundle.wards["ward_code"])
    assert bundle.districts["district_code"].str.fullmatch(r"D\d{2,}").all()
    assert pd.api.types.is_integer_dtype(bundle.values["fiscal_year"])
    assert str(bundle.districts.crs) == "EPSG:4326"


def test_hand_made_bundle_loads() -> None:
    """The fixture itself is valid, with typed columns."""
    mini = load_bundle(MINI_BUNDLE)

    assert list(mini.districts["district_code"]) == ["D01", "D02"]
    assert mini.values["value"].dtype == "float64"
    assert mini.population["population"].dtype == "int64"
    assert mini.facilities["hazard_flood"].isna().sum() == 1
    assert mini.has_demo


# --- files that cannot be read ---------------------------------------------


def test_cp932_file_is_refused_as_not_utf8(mini_copy: Path) -> None:
    """A table saved as Shift_JIS (CP932) is named, with its encoding."""
    path = mini_copy / "goals.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp932"))

    with pytest.raises(InputFormatError) as caught:
        load_bundle(mini_copy)

    message = str(caught.value)
    assert "goals.csv" in message and "line 2" in message
    assert "UTF-8" in message and "CP932" in message
    assert "UTF-8" in caught.value.message_ja


def test_missing_file_and_broken_json_are_both_named(mini_copy: Path) -> None:
    """Every unreadable file is listed at once."""
    (mini_copy / "towns.csv").unlink()
    (mini_copy / "wards.geojson").write_text('{"type": "FeatureCollection", ')

    with pytest.raises(InputFormatError) as caught:
        load_bundle(mini_copy)

    assert "towns.csv: missing" in str(caught.value)
    assert "wards.geojson" in str(caught.value)


# --- broken contents: one thing each ----------------------------------------


def test_missing_column(mini_copy: Path) -> None:
    """A column dropped from a table is named."""
    table = pd.read_csv(mini_copy / "indicators.csv", dtype=str)
    table.drop(columns="unit").to_csv(mini_copy / "indicators.csv", index=False)

    problem = find(problems_of(mini_copy), "indicators.csv", "unit")
    assert problem.row is None and problem.found == "no such column"


def test_unknown_district_code_in_values(mini_copy: Path) -> None:
    """A value for a district that does not exist names its row."""
    edit(
        mini_copy,
        "values.csv",
        "aging_rate,district,D02,2023",
        "aging_rate,district,D99,2023",
    )

    problem = find(problems_of(mini_copy), "values.csv", "area_code")
    assert problem.row == 3
    assert problem.found == "'D99'"
    assert "district code" in problem.expected


def test_duplicate_value_row(mini_copy: Path) -> None:
    """A second row for the same indicator, area and year is the duplicate."""
    path = mini_copy / "values.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")

    problem = find(
        problems_of(mini_copy), "values.csv", "indicator_id+area_code+fiscal_year"
    )
    assert problem.row == len(lines) + 1
    assert "aging_rate, D01, 2023" in problem.found


def test_text_in_number_column(mini_copy: Path) -> None:
    """A word where a number belongs names the cell and shows the word."""
    edit(mini_copy, "values.csv", "D01,2024,3,", "D01,2024,three,")

    problems = problems_of(mini_copy)
    problem = find(problems, "values.csv", "value")
    assert (problem.row, problem.expected, problem.found) == (6, "a number", "'three'")
    assert len(problems) == 1, "one bad cell should give one problem"


def test_negative_count(mini_copy: Path) -> None:
    """A count below zero is refused."""
    edit(mini_copy, "values.csv", "D02,2024,0,", "D02,2024,-2,")

    problem = find(problems_of(mini_copy), "values.csv", "value")
    assert (problem.row, problem.found) == (7, "-2.0")
    assert ">= 0" in problem.expected


def test_share_above_100_percent(mini_copy: Path) -> None:
    """A share (a % of people) cannot exceed 100."""
    edit(mini_copy, "values.csv", "D02,2023,31.2", "D02,2023,131.2")

    problem = find(problems_of(mini_copy), "values.csv", "value")
    assert (problem.row, problem.found) == (3, "131.2")
    assert "between 0 and 100" in problem.expected


def test_unknown_year(mini_copy: Path) -> None:
    """A mistyped fiscal year (20245) is refused."""
    edit(mini_copy, "values.csv", "fires,district,D01,2024", "fires,district,D01,20245")

    problem = find(problems_of(mini_copy), "values.csv", "fiscal_year")
    assert (problem.row, problem.found) == (6, "20245")
    assert "fiscal year" in problem.expected


def test_year_written_as_japanese_era(mini_copy: Path) -> None:
    """Bundle years are plain numbers; 令和6年度 belongs in an import, not here."""
    edit(mini_copy, "population.csv", "D01,2024,0-4", "D01,令和6年度,0-4")

    problem = find(problems_of(mini_copy), "population.csv", "fiscal_year")
    assert problem.row == 2 and problem.found == "'令和6年度'"


def test_invalid_geometry(mini_copy: Path) -> None:
    """A self-intersecting district polygon names the feature and the reason."""
    bow_tie = [[[130.70, 32.90], [130.72, 32.92], [130.72, 32.90], [130.70, 32.92]]]
    bow_tie[0].append(bow_tie[0][0])
    edit_feature(
        mini_copy, "districts.geojson", 1, {"type": "Polygon", "coordinates": bow_tie}
    )

    problem = find(problems_of(mini_copy), "districts.geojson", "geometry")
    assert problem.row == 2
    assert problem.expected == "a valid geometry"
    assert "Self-intersection" in problem.found


def test_empty_and_missing_geometry(mini_copy: Path) -> None:
    """An empty polygon and a feature without geometry are both refused."""
    edit_feature(
        mini_copy, "districts.geojson", 0, {"type": "Polygon", "coordinates": []}
    )
    edit_feature(mini_copy, "wards.geojson", 1, None)

    problems = problems_of(mini_copy)
    empty = find(problems, "districts.geojson", "geometry")
    assert (empty.row, empty.found) == (1, "an empty Polygon")
    missing = find(problems, "wards.geojson", "geometry")
    assert (missing.row, missing.found) == (2, "a feature without geometry")


def test_metric_coordinates_and_foreign_crs(mini_copy: Path) -> None:
    """Coordinates in metres (EPSG:6670) are neither EPSG:4326 nor in Japan."""
    path = mini_copy / "outline.geojson"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["crs"] = {"type": "name", "properties": {"name": "EPSG:6670"}}
    ring = [
        [-27000.0, 8000.0],
        [-23000.0, 8000.0],
        [-23000.0, 10000.0],
        [-27000.0, 8000.0],
    ]
    document["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    path.write_text(json.dumps(document), encoding="utf-8")

    problems = problems_of(mini_copy)
    crs = find(problems, "outline.geojson", "crs")
    assert "EPSG:4326" in crs.expected and "6670" in crs.found
    box = find(problems, "outline.geojson", "geometry")
    assert box.row == 1 and f"{LONLAT_BOX[0]:g}" in box.expected


def test_swapped_longitude_and_latitude(mini_copy: Path) -> None:
    """A point written (lat, lon) lies outside the box and is caught."""
    edit_feature(
        mini_copy,
        "facilities.geojson",
        2,
        {"type": "Point", "coordinates": [32.9, 130.7]},
    )

    problem = find(problems_of(mini_copy), "facilities.geojson", "geometry")
    assert problem.row == 3 and "longitude first" in problem.expected


def test_unknown_category(mini_copy: Path) -> None:
    """A facility in a category categories.csv does not define is refused."""
    edit(
        mini_copy,
        "facilities.geojson",
        '"category_id": "school"',
        '"category_id": "library"',
    )

    problem = find(problems_of(mini_copy), "facilities.geojson", "category_id")
    assert (problem.row, problem.found) == (3, "'library'")
    assert "categories.csv" in problem.expected


def test_dangling_source_id(mini_copy: Path) -> None:
    """A source_id that sources.csv does not list is refused."""
    edit(mini_copy, "initiatives.csv", ",demo,demo\n", ",demo,city_report\n")

    problem = find(problems_of(mini_copy), "initiatives.csv", "source_id")
    assert (problem.row, problem.found) == (2, "'city_report'")
    assert "sources.csv" in problem.expected


def test_goal_of_indicator_must_exist(mini_copy: Path) -> None:
    """An indicator under an undefined goal is refused."""
    edit(mini_copy, "indicators.csv", "fires,disaster,", "fires,safety,")

    problem = find(problems_of(mini_copy), "indicators.csv", "goal_id")
    assert (problem.row, problem.found) == (3, "'safety'")


def test_weight_ages_is_optional_but_checked(mini_copy: Path) -> None:
    """A bundle without ``weight_ages`` loads; a wrong age range is refused."""
    load_bundle(mini_copy)
    path = mini_copy / "indicators.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.insert(table.columns.get_loc("per_population") + 1, "weight_ages", "")
    table.loc[0, "weight_ages"] = "65+"
    table.to_csv(path, index=False)
    info = load_bundle(mini_copy).indicators.set_index("indicator_id")
    assert info.loc[table.loc[0, "indicator_id"], "weight_ages"] == "65+"

    edit(mini_copy, "indicators.csv", ",65+,", ",over 65,")
    problem = find(problems_of(mini_copy), "indicators.csv", "weight_ages")
    assert (problem.row, problem.found) == (2, "'over 65'")
    assert "65+ or 40-74" in problem.expected


def test_bad_status_flag_and_date(mini_copy: Path) -> None:
    """Allowed values, 0/1 flags and YYYY-MM-DD dates are all checked at once."""
    edit(
        mini_copy,
        "values.csv",
        "2023,27.5,,demo,2024-03-31",
        "2023,27.5,,draft,2024/03/31",
    )
    edit(mini_copy, "indicators.csv", "1,0,0,65歳", "1,2,0,65歳")

    problems = problems_of(mini_copy)
    assert find(problems, "values.csv", "status").found == "'draft'"
    assert find(problems, "values.csv", "as_of").expected == "a date written YYYY-MM-DD"
    assert find(problems, "indicators.csv", "small_count").expected == "0 or 1"


def test_home_ward_must_be_a_ward(mini_copy: Path) -> None:
    """bundle.json's ward_code must be one of the wards, and the outline's."""
    edit(mini_copy, "bundle.json", '"ward_code": "43105"', '"ward_code": "43106"')

    problems = problems_of(mini_copy)
    assert find(problems, "bundle.json", "ward_code").row is None
    assert find(problems, "outline.geojson", "ward_code").row == 1


def test_messages_carry_japanese(mini_copy: Path) -> None:
    """The app can show the problems in Japanese with row and column."""
    edit(mini_copy, "values.csv", "D02,2023,31.2", "D02,2023,131.2")

    with pytest.raises(DataValidationError) as caught:
        load_bundle(mini_copy)

    assert "ファイル values.csv の 3行目、列「value」" in caught.value.message_ja


# --- validating one file ----------------------------------------------------


def test_single_bundle_file_is_checked_alone(mini_copy: Path) -> None:
    """values.csv on its own gets its schema checks (not the cross-file ones)."""
    edit(mini_copy, "values.csv", "D01,2024,3,", "D01,2024,three,")

    result = validate_path(mini_copy / "values.csv")

    assert [p.column for p in result.problems] == ["value"]
    assert result.counts == {"rows": 7}


def test_single_geometry_file_without_problems(mini_copy: Path) -> None:
    """A readable geometry file reports its feature count."""
    result = validate_path(mini_copy / "districts.geojson")
    assert result.problems == []
    assert result.counts == {"rows": 2}
