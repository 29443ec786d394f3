"""``python -m kitaku_maps table`` prints what ``karte.indicator_table`` computes."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from kitaku_maps import karte
from kitaku_maps.cli import main
from kitaku_maps.loader import load_bundle
from tests.conftest import MINI_BUNDLE


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["table", "--data", str(MINI_BUNDLE), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_csv_matches_the_indicator_table(capsys):
    code, out, _ = _run(capsys, "--indicator", "aging_rate", "--year", "2023")
    printed = pd.read_csv(io.StringIO(out), dtype={"area_code": str})
    expected = karte.indicator_table(load_bundle(MINI_BUNDLE), "aging_rate", 2023)

    assert code == 0
    assert printed["area_code"].tolist() == expected["area_code"].tolist()
    assert printed["value"].iloc[0] == pytest.approx(expected["value"].iloc[0])
    assert printed["ward_average"].iloc[0] == pytest.approx(
        expected["ward_average"].iloc[0], abs=0.05
    )
    # 27.5 and 31.2: the higher aging rate ranks first (neutral: highest first).
    assert printed["rank"].tolist() == [2, 1]


def test_a_value_alone_or_missing_gets_no_rank(capsys):
    # 2024: one district suppressed, so the other is alone: no rank for either.
    _, out, _ = _run(capsys, "--indicator", "aging_rate", "--year", "2024")
    printed = pd.read_csv(io.StringIO(out), dtype={"area_code": str})

    assert printed["value"].notna().sum() == 1
    assert printed["rank"].isna().all()
    assert printed["missing_reason"].fillna("").tolist() == ["", "suppressed"]


def test_json_defaults_to_the_latest_year_and_lists_wards(capsys):
    code, out, _ = _run(capsys, "--indicator", "feel_prepared", "--format", "json")
    document = json.loads(out)

    assert code == 0
    assert document["fiscal_year"] == 2024
    rows = {row["area_code"]: row for row in document["rows"]}
    assert rows["43105"]["value"] == 61.5
    assert rows["43105"]["rank"] == 1
    assert rows["43101"]["ward_average"] == 61.5


def test_unknown_indicator_exits_with_a_message(capsys):
    code, _, err = _run(capsys, "--indicator", "no_such_thing")

    assert code == 2
    assert "no_such_thing" in err and "aging_rate" in err


def test_default_dataset_table_matches_what_the_chart_page_uses(capsys, bundle):
    district_level = bundle.indicators[bundle.indicators["level"] == "district"]
    indicator_id = str(district_level["indicator_id"].iloc[0])
    year = karte.latest_year(bundle, indicator_id)

    code = main(["table", "--indicator", indicator_id, "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    expected = karte.indicator_table(bundle, indicator_id, year)

    assert code == 0 and document["fiscal_year"] == year
    assert len(document["rows"]) == len(bundle.districts)
    for row, (_, want) in zip(document["rows"], expected.iterrows(), strict=True):
        assert row["area_code"] == want["area_code"]
        assert row["value"] == pytest.approx(want["value"])
        assert row["rank"] == want["rank"]
        # averages are printed as the app shows them: to the indicator's decimals
        places = int(district_level["decimals"].iloc[0])
        assert row["ward_average"] == round(want["ward_average"], places)
