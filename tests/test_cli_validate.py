"""``python -m kitaku_maps validate`` and ``info``: exit codes and what they print."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pytest

from kitaku_maps import catalogue, cli, settings
from kitaku_maps.bundle import Bundle
from kitaku_maps.summary import area_km2

#: The hand-made bundle of docs/DATASET.md (2 districts, 2 wards).
MINI_BUNDLE = Path(__file__).parent / "fixtures" / "mini_bundle"


def run(capsys, *argv: str) -> tuple[int, str]:
    """Run the CLI in-process; return its exit code and standard output."""
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


# --- validate a bundle --------------------------------------------------------


def test_valid_bundle_prints_ok_with_counts(capsys) -> None:
    """A valid bundle: exit 0, OK and what it holds."""
    code, out = run(capsys, "validate", str(MINI_BUNDLE))

    assert code == 0
    assert out.startswith("OK ")
    assert "2 districts" in out and "8 values" in out


def test_broken_bundle_lists_each_problem(capsys, mini_copy: Path) -> None:
    """Two broken cells: exit 1, both named by file, row and column."""
    values = mini_copy / "values.csv"
    text = values.read_text(encoding="utf-8")
    text = text.replace("D02,2023,31.2", "D02,2023,131.2")
    values.write_text(text.replace("D01,2024,3,", "D01,2024,-3,"), encoding="utf-8")

    code, out = run(capsys, "validate", str(mini_copy))

    assert code == 1
    assert "2 problem(s)" in out
    assert "values.csv, row 3, column 'value': expected a share" in out
    assert "values.csv, row 6, column 'value': expected a count >= 0, found -3" in out


def test_unreadable_bundle_names_the_file(capsys, mini_copy: Path) -> None:
    """A CP932 file: exit 1, the file, the line and the encoding named."""
    path = mini_copy / "categories.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp932"))

    code, out = run(capsys, "validate", str(mini_copy))

    assert code == 1
    assert "categories.csv, line 2: expected UTF-8 text, found CP932" in out


def test_missing_path(capsys, tmp_path: Path) -> None:
    """A path that does not exist: exit 1 and the path named."""
    code, out = run(capsys, "validate", str(tmp_path / "nowhere"))

    assert code == 1
    assert "nowhere" in out and "no such file" in out


# --- validate one file ----------------------------------------------------------


def test_single_bundle_file(capsys, mini_copy: Path) -> None:
    """One bundle table alone: its rows, or its problems."""
    code, out = run(capsys, "validate", str(mini_copy / "population.csv"))
    assert (code, "36 rows" in out) == (0, True)

    path = mini_copy / "population.csv"
    text = path.read_text(encoding="utf-8").replace("D02,2024,85+", "D02,2024,90+")
    path.write_text(text, encoding="utf-8")
    code, out = run(capsys, "validate", str(path))

    assert code == 1
    assert "population.csv, row 37, column 'age_group'" in out and "'90+'" in out


def test_indicator_table_is_read_as_import_table_would(capsys, tmp_path: Path) -> None:
    """A wide CP932 table with era years is OK; an unknown district is refused."""
    table = tmp_path / "fires.csv"
    table.write_bytes(
        "校区,令和5年度,令和6年度\n岩野校区,2,3\n一木,＊,1\n".encode("cp932")
    )

    code, out = run(
        capsys,
        "validate",
        str(table),
        "--data",
        str(MINI_BUNDLE),
        "--indicator",
        "fires",
    )
    assert (code, out.strip()) == (0, f"OK {table}: 4 values")

    table.write_text("校区,2024\n岩野,2\n存在しない校区,1\n", encoding="utf-8")
    code, out = run(
        capsys,
        "validate",
        str(table),
        "--data",
        str(MINI_BUNDLE),
        "--indicator",
        "fires",
    )
    assert code == 1
    assert "存在しない" in out and "岩野" in out and "一木" in out


def test_indicator_table_with_bad_cells(capsys, tmp_path: Path) -> None:
    """Unreadable year headers and values are listed with row and column."""
    table = tmp_path / "fires.csv"
    table.write_text("校区,2024,来年\n岩野,two,1\n", encoding="utf-8")

    code, out = run(
        capsys,
        "validate",
        str(table),
        "--data",
        str(MINI_BUNDLE),
        "--indicator",
        "fires",
    )

    assert code == 1
    assert "fires.csv" in out and "row 2" in out
    assert "'来年'" in out and "'two'" in out


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_geometry_file_needs_a_crs(capsys, tmp_path: Path) -> None:
    """A shapefile without .prj is refused; the same with a CRS passes."""
    districts = gpd.read_file(MINI_BUNDLE / "districts.geojson")[
        ["name_ja", "geometry"]
    ]
    districts.set_crs(None, allow_override=True).to_file(tmp_path / "bare.shp")
    districts.to_file(tmp_path / "fine.shp")

    code, out = run(capsys, "validate", str(tmp_path / "bare.shp"))
    assert code == 1
    assert "bare.shp" in out and "coordinate reference system" in out

    code, out = run(capsys, "validate", str(tmp_path / "fine.shp"))
    assert (code, "2 features" in out) == (0, True)


# --- info ------------------------------------------------------------------------


def info_json(capsys, folder: Path) -> dict:
    """Run ``info --json`` on ``folder`` and parse what it prints."""
    code, out = run(capsys, "info", "--data", str(folder), "--json")
    assert code == 0
    return json.loads(out)


def test_info_json_of_the_default_bundle(capsys, bundle: Bundle) -> None:
    """21 districts tiling the ward (areas within 1 %), 7 goals, the catalogue."""
    summary = info_json(capsys, bundle.path)

    districts = summary["districts"]
    assert len(districts) == 21
    assert len({d["name_ja"] for d in districts}) == 21
    outline_km2 = float(area_km2(bundle.outline).sum())
    total = sum(d["area_km2"] for d in districts)
    assert math.isclose(total, outline_km2, rel_tol=0.01)
    assert 110 < total < 120

    assert len(summary["goals"]) == 7
    goal_of = {i["indicator_id"]: i["goal_id"] for i in summary["indicators"]}
    authored = catalogue.indicators()
    assert goal_of == dict(
        zip(authored["indicator_id"], authored["goal_id"], strict=True)
    )


def test_info_json_counts_real_shelters(capsys, bundle: Bundle) -> None:
    """The real shelters: 55 or more sites, with hazard types; demo is flagged."""
    summary = info_json(capsys, bundle.path)

    shelters = summary["shelters"]
    assert shelters["count"] >= 55
    assert shelters["with_hazard_types"] >= 55
    assert all(h["count"] > 0 for h in shelters["hazards"][:3])
    assert summary["has_demo"] is True
    assert summary["years"]["population"][0] <= 2014


def test_info_text_is_a_readable_table(capsys) -> None:
    """The human form lists districts with areas and shelters by hazard."""
    code, out = run(capsys, "info", "--data", str(MINI_BUNDLE))

    assert code == 0
    assert "岩野  4.15  approximate" in out
    assert "shelters: 2 sites, 2 with hazard types" in out
    assert "values: 2023-2024" in out


def test_info_on_a_missing_bundle_fails_cleanly(capsys, tmp_path: Path) -> None:
    """No bundle: exit 2 and a message saying how to build one."""
    code = cli.main(["info", "--data", str(tmp_path / "none")])

    assert code == 2
    assert "build-data" in capsys.readouterr().err


def test_default_data_dir_is_the_settings_one() -> None:
    """``info`` reads data/ unless told otherwise."""
    args = cli.build_parser().parse_args(["info"])
    assert args.data == settings.DATA_DIR
