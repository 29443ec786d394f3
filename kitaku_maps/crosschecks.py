"""Checks between the bundle's files: every code used is defined somewhere.

Each check is a small pandera schema built from the codes another file
defines (goals, sources, districts, ...), run on the file that uses them, so
its failures name the file, row and column like the per-file checks do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from kitaku_maps.bundle import FILES
from kitaku_maps.errors import Problem, quoted_ja
from kitaku_maps.schemas import GEOMETRY_KEYS, expect, problems_from

Frames = dict[str, pd.DataFrame]

#: Area levels from the finest to the coarsest.
LEVEL_ORDER = ["district", "ward", "city"]

#: The levels of an area in Japanese.
LEVELS_JA = {"district": "校区", "ward": "区", "city": "市"}

#: Files whose ``source_id`` must name a row of ``sources.csv``.
SOURCED = (
    "indicators",
    "districts",
    "wards",
    "outline",
    "values",
    "population",
    "facilities",
    "towns",
    "initiatives",
)


def cross_check(frames: Frames, trusted: Iterable[str], meta: dict) -> list[Problem]:
    """Return the problems between files.

    ``frames`` holds every typed frame; codes are taken only from the
    ``trusted`` ones (those that passed their own checks), so one broken file
    does not make every file that refers to it fail too.
    """
    refs = {key: frames[key] for key in trusted if key in frames}
    steps: list[Callable[[Frames, Frames, dict], list[Problem]]] = [
        _defined_codes,
        _sources_exist,
        _value_areas,
        _value_levels,
        _value_ranges,
        _missing_reasons,
        _hazard_columns,
        _home_ward,
    ]
    return [p for step in steps for p in step(frames, refs, meta)]


def _check(
    frames: Frames, key: str, columns: dict[str, pa.Column], rows=None
) -> list[Problem]:
    """Run a schema of ``columns`` on ``frames[key]`` (or some of its rows)."""
    if key not in frames:
        return []
    frame = frames[key] if rows is None else frames[key].loc[rows]
    first_row = 1 if key in GEOMETRY_KEYS else 2
    schema = pa.DataFrameSchema(columns, strict=False)
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        return problems_from(errors, FILES[key], first_row, schema)
    return []


def _member_of(
    codes: Iterable, what: str, what_ja: str, nullable: bool = False
) -> pa.Column:
    """A column whose values must be among ``codes`` (``what`` says which)."""
    allowed = sorted({str(c) for c in codes})
    check = pa.Check.isin(allowed, error=expect(what, what_ja))
    return pa.Column(None, check, nullable=nullable)


def _defined_codes(frames: Frames, refs: Frames, meta: dict) -> list[Problem]:
    """Goals, indicators, categories and districts used are defined."""
    uses = [
        ("indicators", "goal_id", "goals", "goal_id", False),
        ("initiatives", "goal_id", "goals", "goal_id", False),
        ("values", "indicator_id", "indicators", "indicator_id", False),
        ("facilities", "category_id", "categories", "category_id", False),
        ("facilities", "district_code", "districts", "district_code", True),
        ("population", "district_code", "districts", "district_code", False),
        ("towns", "district_code", "districts", "district_code", True),
        ("initiatives", "district_code", "districts", "district_code", True),
    ]
    problems = []

    for user, column, owner, key, nullable in uses:
        if owner in refs:
            what = f"a {key} of {FILES[owner]}"
            what_ja = f"{FILES[owner]} にある {key}"
            rule = _member_of(refs[owner][key], what, what_ja, nullable)
            problems += _check(frames, user, {column: rule})
    return problems


def _sources_exist(frames: Frames, refs: Frames, meta: dict) -> list[Problem]:
    """Every ``source_id`` names a row of ``sources.csv``."""
    if "sources" not in refs:
        return []
    rule = _member_of(
        refs["sources"]["source_id"],
        "a source_id of sources.csv",
        "sources.csv にある出典ID（source_id）",
    )
    return [p for key in SOURCED for p in _check(frames, key, {"source_id": rule})]


def _area_codes(refs: Frames, meta: dict) -> dict[str, list[str]]:
    """The codes of each level that ``refs`` can vouch for."""
    codes = {"city": [str(meta.get("city_code", ""))]}
    if "districts" in refs:
        codes["district"] = list(refs["districts"]["district_code"])
    if "wards" in refs:
        codes["ward"] = list(refs["wards"]["ward_code"])
    return codes


def _value_areas(frames: Frames, refs: Frames, meta: dict) -> list[Problem]:
    """Each value's ``area_code`` exists at its ``level``."""
    if "values" not in frames:
        return []
    values = frames["values"]
    problems = []

    for level, codes in _area_codes(refs, meta).items():
        rows = values.index[values["level"] == level]
        what = f"a {level} code of the bundle"
        what_ja = f"データにある{LEVELS_JA.get(level, level)}のコード"
        rule = _member_of(codes, what, what_ja)
        problems += _check(frames, "values", {"area_code": rule}, rows)
    return problems


def _indicator_column(frames: Frames, refs: Frames, column: str) -> pd.Series | None:
    """For each value row, ``column`` of its indicator (None if unknown)."""
    if "values" not in frames or "indicators" not in refs:
        return None
    table = refs["indicators"].set_index("indicator_id")[column]
    return frames["values"]["indicator_id"].map(table)


def _value_levels(frames: Frames, refs: Frames, meta: dict) -> list[Problem]:
    """A value's ``level`` is its indicator's level or a coarser one.

    A district-level indicator may also carry the ward's and the city's
    published figures (used as their averages); a ward-level one, the city's.
    """
    levels = _indicator_column(frames, refs, "level")
    if levels is None:
        return []
    problems = []

    for level in levels.dropna().unique():
        rows = levels.index[levels == level]
        allowed = (
            LEVEL_ORDER[LEVEL_ORDER.index(level) :] if level in LEVEL_ORDER else [level]
        )
        names_ja = "・".join(LEVELS_JA.get(a, a) for a in allowed)
        rule = _member_of(
            allowed,
            f"one of {allowed}, its indicator's level or a coarser one",
            f"指標の単位（{names_ja}）",
        )
        problems += _check(frames, "values", {"level": rule}, rows)
    return problems


def _value_ranges(frames: Frames, refs: Frames, meta: dict) -> list[Problem]:
    """Counts are not negative; shares and survey results lie in 0..100."""
    kinds = _indicator_column(frames, refs, "kind")
    if kinds is None:
        return []
    ranges = {
        "count": pa.Check.ge(0, error=expect("a count >= 0", "0以上の件数")),
        "share": pa.Check.in_range(
            0,
            100,
            error=expect("a share between 0 and 100 (%)", "0〜100 の割合（%）"),
        ),
        "survey": pa.Check.in_range(
            0,
            100,
            error=expect("a survey result 0..100 (%)", "0〜100 の調査結果（%）"),
        ),
    }
    problems = []

    for kind, check in ranges.items():
        rows = kinds.index[kinds == kind]
        rule = pa.Column(None, check, nullable=True)
        problems += _check(frames, "values", {"value": rule}, rows)
    return problems


def _missing_reasons(frames: Frames, refs: Frames, meta: dict) -> list[Problem]:
    """A ``missing_reason`` is given only where the value is missing."""
    if "values" not in frames:
        return []
    values = frames["values"]
    rows = values.index[values["value"].notna()]
    rule = pa.Column(
        None,
        pa.Check(
            lambda s: s.isna(),
            error=expect(
                "empty, as the row has a value", "空欄（この行には値があるため）"
            ),
        ),
        nullable=True,
    )
    return _check(frames, "values", {"missing_reason": rule}, rows)


def _hazard_columns(frames: Frames, refs: Frames, meta: dict) -> list[Problem]:
    """Each hazard's column is ``hazard_<id>`` and exists in the facilities."""
    if "hazards" not in refs:
        return []
    hazards = refs["hazards"]
    expected = "hazard_" + hazards["hazard_id"]
    rule = pa.Column(
        None,
        pa.Check(
            lambda s: s == expected.loc[s.index],
            error=expect("hazard_<hazard_id>", "hazard_<災害ID> の形の列名"),
        ),
    )
    problems = _check(frames, "hazards", {"column": rule})

    columns = {name: pa.Column(None, nullable=True) for name in hazards["column"]}
    return problems + _check(frames, "facilities", columns)


def _home_ward(frames: Frames, refs: Frames, meta: dict) -> list[Problem]:
    """The home ward of ``bundle.json`` is a ward, and the outline is of it."""
    ward = str(meta.get("ward_code", ""))
    problems = []

    if "wards" in refs and ward not in set(refs["wards"]["ward_code"]):
        problems.append(
            Problem(
                FILES["meta"],
                None,
                "ward_code",
                "a ward_code of wards.geojson",
                ward,
                "wards.geojson にある区コード（ward_code）",
                quoted_ja(ward),
            )
        )
    rule = _member_of(
        [ward],
        f"{ward}, the ward_code of bundle.json",
        f"bundle.json の区コード「{ward}」",
    )
    return problems + _check(frames, "outline", {"ward_code": rule})
