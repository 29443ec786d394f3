"""Importing indicator tables: encodings, forms, year spellings and broken input."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from kitaku_maps import catalogue, tables
from kitaku_maps.cli import main
from kitaku_maps.errors import (
    DataValidationError,
    InputFormatError,
    UnknownDistrictError,
)

NAMES = ["北山", "南川", "東野"]


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    """A small bundle: three districts, two wards, the catalogue, one demo value."""
    folder = tmp_path / "bundle"
    folder.mkdir()
    catalogue.write_catalogue(folder)
    gpd.GeoDataFrame(
        {"district_code": ["D01", "D02", "D03"], "name_ja": NAMES},
        geometry=[box(i, 0, i + 1, 1) for i in range(3)],
        crs="EPSG:4326",
    ).to_file(folder / "districts.geojson")
    gpd.GeoDataFrame(
        {"ward_code": ["43101", "43105"], "name_ja": ["中央区", "北区"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:4326",
    ).to_file(folder / "wards.geojson")
    meta = {"city_code": "43100", "city_name_ja": "熊本市", "ward_code": "43105"}
    (folder / "bundle.json").write_text(json.dumps(meta), encoding="utf-8")
    values = "\n".join(
        [
            ",".join(tables.VALUE_COLUMNS),
            "population,district,D01,2024,999,,demo,2025-03-31,kitaku_demo",
            "population,district,D02,2023,888,,demo,2025-03-31,kitaku_demo",
        ]
    )
    (folder / "values.csv").write_text(values + "\n", encoding="utf-8")
    catalogue.sources().to_csv(folder / "sources.csv", index=False)
    return folder


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write a fixture table in ``encoding``."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def imported(bundle_dir: Path) -> pd.DataFrame:
    """The bundle's values.csv as text."""
    return pd.read_csv(bundle_dir / "values.csv", dtype=str, keep_default_na=False)


def run_import(path: Path, bundle_dir: Path, **options) -> int:
    """Import with a fixed as-of date and a known source."""
    return tables.import_table(
        path, bundle_dir, as_of="2025-04-01", source_id="kumamoto_kita_ward", **options
    )


def problem_of(error: DataValidationError) -> tuple:
    """(row, column) of the first problem."""
    return error.problems[0].row, error.problems[0].column


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        ("2024", 2024),
        ("2024年度", 2024),
        ("令和6年度", 2024),
        ("R6", 2024),
        ("Ｒ６", 2024),
        ("令和元年度", 2019),
        ("H30", 2018),
        ("平成30年度", 2018),
        ("２０２３年度", 2023),
        ("6年度", None),
        ("来年", None),
    ],
)
def test_years_in_every_spelling(year, expected):
    assert tables.parse_year(year) == expected


def test_long_form_in_cp932_is_imported_as_official(bundle_dir, tmp_path):
    text = '指標,校区,年度,値\npopulation,北山校区,令和6年度,"8,120"\naging_rate,南川小学校,2024,31.5\n'  # noqa: E501
    path = write(tmp_path, "sjis.csv", text, "cp932")
    assert run_import(path, bundle_dir) == 2

    values = imported(bundle_dir).set_index(["indicator_id", "area_code"])
    assert values.loc[("population", "D01"), "value"] == "8120"
    assert values.loc[("population", "D01"), "status"] == "official"
    assert values.loc[("population", "D01"), "as_of"] == "2025-04-01"
    assert values.loc[("aging_rate", "D02"), "value"] == "31.5"
    assert len(imported(bundle_dir)) == 3


def test_utf8_bom_wide_form_with_mixed_year_spellings(bundle_dir, tmp_path):
    text = (
        "indicator,校区,2022年度,R5,令和6年度\n"
        'population,北山,"７,９００",８０００,8120\n'
        "population,東野,1,234,―,＊\n"
    ).replace("1,234", '"1,234"')
    path = write(tmp_path, "bom.csv", text, "utf-8-sig")
    assert run_import(path, bundle_dir) == 6

    values = imported(bundle_dir).set_index(["area_code", "fiscal_year"])
    assert values.loc[("D01", "2022"), "value"] == "7900"
    assert values.loc[("D01", "2023"), "value"] == "8000"
    assert values.loc[("D03", "2022"), "value"] == "1234"
    assert values.loc[("D03", "2023"), ["value", "missing_reason"]].tolist() == [
        "",
        "not_collected",
    ]
    assert values.loc[("D03", "2024"), "missing_reason"] == "suppressed"


def test_one_indicator_sheet_in_excel_with_the_indicator_option(bundle_dir, tmp_path):
    path = tmp_path / "table.xlsx"
    pd.DataFrame(
        {"校区名": ["北山", "南川"], "R5": [41, "-"], "R6": [42.5, 40]}
    ).to_excel(path, index=False)
    assert run_import(path, bundle_dir, indicator="specific_health_checkup_rate") == 4
    values = imported(bundle_dir)
    values = values[values["indicator_id"] == "specific_health_checkup_rate"]
    row = values[(values["area_code"] == "D01") & (values["fiscal_year"] == "2024")]
    assert row["value"].tolist() == ["42.5"]


def test_ward_level_rows_match_ward_names(bundle_dir, tmp_path):
    path = write(tmp_path, "w.csv", "指標,区,年度,値\nforeign_residents,北区,R6,1068\n")
    run_import(path, bundle_dir)
    row = imported(bundle_dir).query("indicator_id == 'foreign_residents'")
    assert row[["level", "area_code"]].values.tolist() == [["ward", "43105"]]


def test_a_new_import_replaces_the_demo_value(bundle_dir, tmp_path):
    path = write(
        tmp_path, "p.csv", "indicator,area,year,value\npopulation,D01,2024,5\n"
    )
    run_import(path, bundle_dir)
    values = imported(bundle_dir)
    rows = values[(values["area_code"] == "D01") & (values["fiscal_year"] == "2024")]
    assert rows[["value", "status"]].values.tolist() == [["5", "official"]]


def test_wrong_encoding_names_the_encodings_tried(bundle_dir, tmp_path):
    path = write(
        tmp_path, "u16.csv", "指標,校区,年度,値\npopulation,北山,2024,1\n", "utf-16"
    )
    with pytest.raises(InputFormatError, match="utf-8-sig, cp932"):
        run_import(path, bundle_dir)


def test_missing_area_column(bundle_dir, tmp_path):
    path = write(tmp_path, "m.csv", "indicator,year,value\npopulation,2024,1\n")
    with pytest.raises(DataValidationError) as caught:
        run_import(path, bundle_dir)
    assert problem_of(caught.value) == (None, "area")
    assert "indicator, year, value" in str(caught.value)


@pytest.mark.parametrize(
    ("header", "missing"),
    [("指標,校区,値", "year"), ("指標,校区,年度", "value"), ("指標,校区", "year")],
)
def test_a_long_table_missing_its_year_or_value_column(
    bundle_dir, tmp_path, header, missing
):
    cells = ",".join(["population", "北山", "2024", "1"][: header.count(",") + 1])
    path = write(tmp_path, "half.csv", f"{header}\n{cells}\n")
    with pytest.raises(DataValidationError) as caught:
        run_import(path, bundle_dir)
    assert problem_of(caught.value) == (None, missing)
    assert header.replace(",", ", ") in str(caught.value)
    assert "列" in caught.value.message_ja


def test_problems_are_listed_in_row_order(bundle_dir, tmp_path):
    text = "指標,校区,年度,値\naging_rate,北山,2024,130\npopulation,南川,2024,-3\n"
    with pytest.raises(DataValidationError) as caught:
        run_import(write(tmp_path, "order.csv", text), bundle_dir)
    rows = [p.row for p in caught.value.problems]
    assert rows == sorted(rows) == [2, 3]


def test_every_kind_of_problem_is_reported_in_one_pass(bundle_dir, tmp_path):
    text = (
        "指標,校区,年度,値\n"
        "population,北山,2024,約100\n"
        "population,月見,2024,5\n"
        "population,南川,2024,-3\n"
        "aging_rate,東野,2024,130\n"
        "aging_rate,東野,R6,30\n"
    )
    with pytest.raises(DataValidationError) as caught:
        run_import(write(tmp_path, "all.csv", text), bundle_dir)
    found = [(p.row, p.column) for p in caught.value.problems]
    assert found == [(2, "値"), (3, "校区"), (4, "値"), (5, "値"), (6, "値")]
    assert "5件の問題" in caught.value.message_ja


def test_unknown_district_lists_the_known_names(bundle_dir, tmp_path):
    path = write(
        tmp_path,
        "d.csv",
        "指標,校区,年度,値\npopulation,北山,2024,1\npopulation,月見,2024,2\n",
    )
    with pytest.raises(UnknownDistrictError) as caught:
        run_import(path, bundle_dir)
    assert "d.csv, row 3, column '校区'" in str(caught.value)
    assert "北山, 南川, 東野" in str(caught.value)
    assert "月見" in caught.value.message_ja


def test_duplicate_row_names_both_rows(bundle_dir, tmp_path):
    text = "指標,校区,年度,値\npopulation,北山,2024,1\npopulation,北山小学校,R6,2\n"
    with pytest.raises(DataValidationError) as caught:
        run_import(write(tmp_path, "dup.csv", text), bundle_dir)
    assert problem_of(caught.value) == (3, "値")
    assert "row 2" in caught.value.problems[0].found


def test_text_in_a_number_column(bundle_dir, tmp_path):
    text = "指標,校区,年度,値\npopulation,北山,2024,約100\n"
    with pytest.raises(DataValidationError) as caught:
        run_import(write(tmp_path, "t.csv", text), bundle_dir)
    assert problem_of(caught.value) == (2, "値")
    assert "約100" in str(caught.value)


def test_negative_count(bundle_dir, tmp_path):
    text = "indicator,校区,2024\npopulation,北山,10\nfires,南川,-3\n"
    with pytest.raises(DataValidationError) as caught:
        run_import(write(tmp_path, "n.csv", text), bundle_dir)
    assert problem_of(caught.value) == (3, "2024")
    assert "0 or more" in caught.value.problems[0].expected


def test_share_above_100_percent(bundle_dir, tmp_path):
    text = "indicator,area,year,value\naging_rate,北山,2024,120.5\n"
    with pytest.raises(DataValidationError) as caught:
        run_import(write(tmp_path, "s.csv", text), bundle_dir)
    assert problem_of(caught.value) == (2, "value")
    assert "0 to 100" in caught.value.problems[0].expected


def test_unknown_year_format_in_a_header(bundle_dir, tmp_path):
    text = "indicator,校区,2023,来年度\npopulation,北山,1,2\n"
    with pytest.raises(DataValidationError) as caught:
        run_import(write(tmp_path, "y.csv", text), bundle_dir)
    assert problem_of(caught.value) == (1, "来年度")


def test_unknown_year_in_a_long_row(bundle_dir, tmp_path):
    text = "指標,校区,年度,値\npopulation,北山,2024,1\npopulation,北山,昨年,2\n"
    with pytest.raises(DataValidationError) as caught:
        run_import(write(tmp_path, "y2.csv", text), bundle_dir)
    assert problem_of(caught.value) == (3, "年度")


def test_unknown_indicator_id(bundle_dir, tmp_path):
    text = "指標,校区,年度,値\npopulatoin,北山,2024,1\n"
    with pytest.raises(DataValidationError) as caught:
        run_import(write(tmp_path, "i.csv", text), bundle_dir)
    assert problem_of(caught.value) == (2, "indicator")


def test_a_failed_import_changes_nothing(bundle_dir, tmp_path):
    before = {p.name: p.read_bytes() for p in bundle_dir.iterdir()}
    text = "指標,校区,年度,値\npopulation,北山,2024,1\naging_rate,北山,2024,300\n"
    with pytest.raises(DataValidationError):
        run_import(write(tmp_path, "bad.csv", text), bundle_dir)
    assert {p.name: p.read_bytes() for p in bundle_dir.iterdir()} == before


def test_unknown_source_needs_a_title(bundle_dir, tmp_path):
    path = write(
        tmp_path, "p.csv", "indicator,area,year,value\npopulation,D01,2024,5\n"
    )
    with pytest.raises(DataValidationError, match="source"):
        tables.import_table(path, bundle_dir, "2025-04-01", "ward_stats_2025")
    tables.import_table(
        path, bundle_dir, "2025-04-01", "ward_stats_2025", source_title="区の統計"
    )
    sources = pd.read_csv(bundle_dir / "sources.csv", dtype=str)
    assert "ward_stats_2025" in set(sources["source_id"])


def test_command_line_import_and_error_exit(bundle_dir, tmp_path, capsys):
    good = write(tmp_path, "g.csv", "indicator,area,year,value\nfires,南川,R6,2\n")
    bad = write(tmp_path, "b.csv", "indicator,area,year,value\nfires,南川,R6,-2\n")
    common = ["--data", str(bundle_dir), "--as-of", "2025-04-01"]
    common += ["--source-id", "kumamoto_kita_ward"]
    assert main(["import-table", str(good), *common]) == 0
    assert "imported 1 values" in capsys.readouterr().out
    assert main(["import-table", str(bad), *common]) == 2
    assert "row 2, column 'value'" in capsys.readouterr().err
