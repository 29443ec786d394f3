"""Pandera schemas of the bundle's files, as ``docs/DATASET.md`` lays them out.

One ``DataFrameSchema`` per file states the columns, their types, allowed
values, ranges and keys. Tables arrive as text (every cell a string, empty
cells missing) and are checked in two passes: ``types`` coerces each column
to its type, then ``rules`` checks the values of the rows that could be read.
Geometry files also get a CRS check and geometry checks (valid, non-empty,
right type, inside a plausible longitude/latitude box).

Failure cases become :class:`~kitaku_maps.errors.Problem` rows: CSV rows are
counted as a spreadsheet shows them (header = row 1), GeoJSON features from 1.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
import shapely
from pandera.errors import SchemaErrors
from pyproj import CRS

from kitaku_maps.bundle import AGE_GROUPS, HAZARD_IDS, SYMBOLS
from kitaku_maps.errors import Problem, quoted_ja

logger = logging.getLogger(__name__)

STATUSES = ("official", "computed", "demo")
BOUNDARY_STATUSES = ("official", "approximate")
LEVELS = ("district", "ward", "city")
KINDS = ("count", "rate", "share", "survey")
BETTER = ("higher", "lower", "neutral")
SCHEMES = ("natural_breaks", "quantiles", "equal_interval")
MISSING_REASONS = ("suppressed", "not_collected")
SCHOOL_KINDS = ("elementary", "junior_high", "high")
SHELTER_FLAGS = ("is_designated_shelter", "is_emergency_site", "is_welfare_shelter")
#: The hazard columns docs/DATASET.md requires of ``facilities.geojson``.
HAZARD_COLUMNS = tuple(f"hazard_{h}" for h in HAZARD_IDS)

#: Fiscal years accepted anywhere in the bundle (starting calendar year).
YEAR_RANGE = (1900, 2100)

#: Longitude/latitude box (degrees, EPSG:4326) every geometry must lie in:
#: Japan with a margin, so swapped axes or metric coordinates are caught.
LONLAT_BOX = (122.0, 20.0, 154.0, 46.0)

POLYGONAL = ("Polygon", "MultiPolygon")

#: Japanese for each English "expected" text the checks use (filled by expect()).
EXPECTED_JA: dict[str, str] = {}


def expect(english: str, japanese: str) -> str:
    """Record the Japanese of an "expected" text and return the English.

    pandera reports a failed check by its English ``error`` text; this table
    lets :func:`problems_from` give each problem its Japanese wording too.
    """
    EXPECTED_JA[english] = japanese
    return english


def _list_ja(values) -> str:
    """``a、b、c`` for the Japanese message."""
    return "、".join(str(v) for v in values)


# --- column builders ------------------------------------------------------


def _string(checks=None, **options) -> pa.Column:
    """A text column: cells are read as text, so no dtype check is needed."""
    return pa.Column(None, checks, metadata={"text": True}, **options)


def _text(nullable: bool = True, unique: bool = False) -> pa.Column:
    """A free-text column."""
    return _string(nullable=nullable, unique=unique, report_duplicates="exclude_first")


def _code(
    pattern: str = r"^[a-z][a-z0-9_]*$",
    what: str = "a lower-case id (a-z, 0-9, _)",
    what_ja: str = "英小文字・数字・_ だけのID",
    nullable: bool = False,
    unique: bool = False,
) -> pa.Column:
    """A code column whose values must match ``pattern``."""
    return _string(
        pa.Check.str_matches(pattern, error=expect(what, what_ja)),
        nullable=nullable,
        unique=unique,
        report_duplicates="exclude_first",
    )


def _choice(values: tuple[str, ...], nullable: bool = False) -> pa.Column:
    """A column whose values must be one of ``values``."""
    return _string(
        pa.Check.isin(
            values,
            error=expect(
                "one of " + ", ".join(values), f"{_list_ja(values)} のいずれか"
            ),
        ),
        nullable=nullable,
    )


def _integer(
    low: int | None = None, high: int | None = None, nullable: bool = False
) -> pa.Column:
    """A whole-number column, optionally bounded (inclusive)."""
    checks = []
    if low is not None and high is not None:
        error = expect(f"between {low} and {high}", f"{low}から{high}までの整数")
        checks.append(pa.Check.in_range(low, high, error=error))
    elif low is not None:
        checks.append(
            pa.Check.ge(low, error=expect(f"a number >= {low}", f"{low}以上の数"))
        )
    description = expect("a whole number", "整数")
    return pa.Column("Int64", checks, nullable=nullable, description=description)


def _flag(nullable: bool = False) -> pa.Column:
    """A 0/1 column."""
    return pa.Column(
        "Int64",
        pa.Check.isin([0, 1], error=expect("0 or 1", "0 または 1")),
        nullable=nullable,
        description="0 or 1",
    )


def _year(nullable: bool = False) -> pa.Column:
    """A fiscal year: the calendar year it starts, e.g. 2024."""
    low, high = YEAR_RANGE
    return pa.Column(
        "Int64",
        pa.Check.in_range(
            low,
            high,
            error=expect(
                f"a fiscal year between {low} and {high}",
                f"{low}から{high}までの年度",
            ),
        ),
        nullable=nullable,
        description=expect("a fiscal year such as 2024", "2024 のような年度"),
    )


def _is_date(values: pd.Series) -> pd.Series:
    """Whether each text is a real calendar date written YYYY-MM-DD."""
    parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    return parsed.notna() & values.str.fullmatch(r"\d{4}-\d{2}-\d{2}")


def _date(nullable: bool = False) -> pa.Column:
    """A date written YYYY-MM-DD."""
    error = expect("a date written YYYY-MM-DD", "YYYY-MM-DD の形の日付")
    check = pa.Check(_is_date, error=error)
    return _string(check, nullable=nullable)


def _timestamp() -> pa.Column:
    """A local time written YYYY-MM-DD HH:MM, or empty."""
    parsed = pa.Check(
        lambda s: pd.to_datetime(s, format="%Y-%m-%d %H:%M", errors="coerce").notna(),
        error=expect(
            "a local time written YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM の形の日時"
        ),
    )
    return _string(parsed, nullable=True)


def _geometry(kinds: tuple[str, ...]) -> pa.Column:
    """The geometry column: present, valid, non-empty, of ``kinds``, in the box."""
    lon0, lat0, lon1, lat1 = LONLAT_BOX
    return pa.Column(
        None,
        [
            pa.Check(
                lambda s: ~s.is_empty,
                error=expect("a non-empty geometry", "空でない形状（ジオメトリ）"),
            ),
            pa.Check(
                lambda s: s.is_valid,
                error=expect("a valid geometry", "正しい形状（ジオメトリ）"),
            ),
            pa.Check(
                lambda s: s.geom_type.isin(kinds),
                error=expect("a " + " or ".join(kinds), f"{_list_ja(kinds)} の形状"),
            ),
            pa.Check(
                lambda s: _inside_box(s),
                error=expect(
                    f"longitude {lon0:g}..{lon1:g} and latitude {lat0:g}..{lat1:g}"
                    " (EPSG:4326 degrees, longitude first)",
                    f"経度 {lon0:g}〜{lon1:g}・緯度 {lat0:g}〜{lat1:g} の範囲の座標"
                    "（EPSG:4326、経度が先）",
                ),
            ),
        ],
        nullable=False,
    )


def _inside_box(geometries) -> pd.Series:
    """Whether each geometry's bounds lie inside :data:`LONLAT_BOX`."""
    lon0, lat0, lon1, lat1 = LONLAT_BOX
    b = geometries.bounds
    inside = (b.minx >= lon0) & (b.maxx <= lon1) & (b.miny >= lat0) & (b.maxy <= lat1)
    return inside | geometries.is_empty


def _schema(columns: dict, unique: list[str] | None = None) -> pa.DataFrameSchema:
    """A file's schema; extra columns are allowed (the contract only grows)."""
    return pa.DataFrameSchema(
        columns, unique=unique, report_duplicates="exclude_first", strict=False
    )


# --- the files ------------------------------------------------------------

_WARD_CODE = (
    r"^\d{5}$",
    "a 5-digit municipality code such as 43105",
    "43105 のような5桁の市区町村コード",
)
_DISTRICT_CODE = (r"^D\d{2,}$", "a district code such as D01", "D01 のような校区コード")
_NO_SPACES = "空白を含まないID"
_SOURCE = _code(r"^\S+$", "a source_id without spaces", "空白を含まない出典ID")

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "meta": _schema(
        {
            "title_ja": _text(False),
            "city_code": _code(*_WARD_CODE),
            "city_name_ja": _text(False),
            "ward_code": _code(*_WARD_CODE),
            "ward_name_ja": _text(False),
            "district_term_ja": _text(False),
            "description_ja": _text(),
        }
    ),
    "sources": _schema(
        {
            "source_id": _code(
                r"^\S+$",
                "a source_id without spaces",
                "空白を含まない出典ID",
                unique=True,
            ),
            "title_ja": _text(False),
            "publisher_ja": _text(),
            "url": _code(
                r"^https?://\S+$",
                "a web address (http...)",
                "http で始まるウェブアドレス",
                nullable=True,
            ),
            "licence": _text(),
            "credit_ja": _text(),
            "as_of": _date(nullable=True),
            "notes": _text(),
        }
    ),
    "goals": _schema(
        {
            "goal_id": _code(unique=True),
            "order": _integer(0),
            "title_ja": _text(False),
            "title_en": _text(False),
            "aim_ja": _text(False),
        }
    ),
    "indicators": _schema(
        {
            "indicator_id": _code(unique=True),
            "goal_id": _code(),
            "order": _integer(0),
            "name_ja": _text(False, unique=True),
            "name_en": _text(False),
            "unit": _text(),
            "level": _choice(LEVELS),
            "kind": _choice(KINDS),
            "better": _choice(BETTER),
            "default_scheme": _choice(SCHEMES),
            "decimals": _integer(0, 6),
            "small_count": _flag(),
            "per_population": _flag(),
            # Optional: bundles written before the column existed still load.
            "weight_ages": _string(
                pa.Check.str_matches(
                    r"^\d+(-\d+|\+)$",
                    error=expect(
                        "an age range such as 65+ or 40-74, or blank",
                        "65+ や 40-74 のような年齢の範囲（または空欄）",
                    ),
                ),
                nullable=True,
                required=False,
            ),
            # Optional too: indicators sharing a group count once in a goal score.
            "score_group": _string(
                pa.Check.str_matches(
                    r"^[a-z][a-z0-9_]*$",
                    error=expect(
                        "a lower-case group id (a-z, 0-9, _), or blank",
                        "小文字の英数字と _ のグループ名（または空欄）",
                    ),
                ),
                nullable=True,
                required=False,
            ),
            "definition_ja": _text(),
            "survey_question_ja": _text(),
            "source_id": _SOURCE,
            "requested_by_council": _flag(),
            "to_be_dropped": _flag(),
            "featured": _flag(),
            "notes": _text(),
        }
    ),
    "districts": _schema(
        {
            "district_code": _code(*_DISTRICT_CODE, unique=True),
            "name_ja": _text(False, unique=True),
            "school_name_ja": _text(),
            "boundary_status": _choice(BOUNDARY_STATUSES),
            "source_id": _SOURCE,
            "geometry": _geometry(POLYGONAL),
        }
    ),
    "wards": _schema(
        {
            "ward_code": _code(*_WARD_CODE, unique=True),
            "name_ja": _text(False, unique=True),
            "source_id": _SOURCE,
            "geometry": _geometry(POLYGONAL),
        }
    ),
    "outline": _schema(
        {
            "ward_code": _code(*_WARD_CODE, unique=True),
            "name_ja": _text(False),
            "source_id": _SOURCE,
            "geometry": _geometry(POLYGONAL),
        }
    ),
    "values": _schema(
        {
            "indicator_id": _code(),
            "level": _choice(LEVELS),
            "area_code": _code(
                r"^\S+$", "an area code without spaces", "空白を含まない地域コード"
            ),
            "fiscal_year": _year(),
            "value": pa.Column(
                "float64", nullable=True, description=expect("a number", "数値")
            ),
            "missing_reason": _choice(MISSING_REASONS, nullable=True),
            "status": _choice(STATUSES),
            "as_of": _date(),
            "source_id": _SOURCE,
        },
        unique=["indicator_id", "area_code", "fiscal_year"],
    ),
    "population": _schema(
        {
            "district_code": _code(*_DISTRICT_CODE),
            "fiscal_year": _year(),
            "age_group": _choice(AGE_GROUPS),
            "population": _integer(0),
            "status": _choice(STATUSES),
            "as_of": _date(),
            "source_id": _SOURCE,
        },
        unique=["district_code", "fiscal_year", "age_group"],
    ),
    "categories": _schema(
        {
            "category_id": _code(unique=True),
            "order": _integer(0),
            "name_ja": _text(False),
            "name_en": _text(False),
            "symbol": _choice(SYMBOLS),
            "color": _code(
                r"^#[0-9a-fA-F]{6}$", "a colour written #rrggbb", "#rrggbb の形の色"
            ),
        }
    ),
    "hazards": _schema(
        {
            "hazard_id": _code(unique=True),
            "order": _integer(0),
            "name_ja": _text(False),
            "name_en": _text(False),
            "column": _code(
                r"^hazard_[a-z0-9_]+$",
                "hazard_<hazard_id>",
                "hazard_<災害ID> の形の列名",
                unique=True,
            ),
        }
    ),
    "facilities": _schema(
        {
            "facility_id": _code(
                r"^\S+$", "an id without spaces", _NO_SPACES, unique=True
            ),
            "category_id": _code(),
            "name_ja": _text(False),
            "address_ja": _text(),
            "district_code": _code(*_DISTRICT_CODE, nullable=True),
            "status": _choice(STATUSES),
            "source_id": _SOURCE,
            "as_of": _date(nullable=True),
            "photo_url": _text(),
            "description_ja": _text(),
            **{flag: _flag(nullable=True) for flag in SHELTER_FLAGS + HAZARD_COLUMNS},
            "opened_at": _timestamp(),
            "closed_at": _timestamp(),
            "gsi_common_id": _text(),
            "portal_facility_id": _text(),
            "school_kind": _choice(SCHOOL_KINDS, nullable=True),
            "geometry": _geometry(("Point",)),
        }
    ),
    "towns": _schema(
        {
            "town_id": _code(r"^\S+$", "an id without spaces", _NO_SPACES, unique=True),
            "town_ja": _text(False),
            "koaza_ja": _text(),
            "lat": pa.Column(
                "float64",
                pa.Check.in_range(
                    LONLAT_BOX[1], LONLAT_BOX[3], error=expect("a latitude", "緯度")
                ),
                description="a number",
            ),
            "lon": pa.Column(
                "float64",
                pa.Check.in_range(
                    LONLAT_BOX[0], LONLAT_BOX[2], error=expect("a longitude", "経度")
                ),
                description="a number",
            ),
            "district_code": _code(*_DISTRICT_CODE, nullable=True),
            "population": _integer(0, nullable=True),
            "source_id": _SOURCE,
        }
    ),
    "initiatives": _schema(
        {
            "initiative_id": _code(
                r"^\S+$", "an id without spaces", _NO_SPACES, unique=True
            ),
            "district_code": _code(*_DISTRICT_CODE, nullable=True),
            "goal_id": _code(),
            "fiscal_year": _year(),
            "title_ja": _text(False),
            "description_ja": _text(),
            "status": _choice(STATUSES),
            "source_id": _SOURCE,
        }
    ),
}

#: Bundle keys whose file is GeoJSON (features counted from 1).
GEOMETRY_KEYS = ("districts", "wards", "outline", "facilities")


# --- running a schema and reading its failures ----------------------------


@dataclass(frozen=True)
class Checked:
    """A frame after its schema: typed rows that could be read, and problems."""

    frame: pd.DataFrame
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """Whether the frame passed without a problem."""
        return not self.problems


def check_frame(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, file: str, first_row: int = 2
) -> Checked:
    """Coerce ``frame`` to ``schema``'s types, then check its rules.

    Rows with a cell that cannot be read as its column's type are reported and
    left out of the rule checks, so one bad cell gives one clear problem.
    """
    typed, problems = _coerce(frame, schema, file, first_row)

    try:
        schema.validate(typed, lazy=True)
    except SchemaErrors as errors:
        problems += problems_from(errors, file, first_row)

    return Checked(_plain_integers(typed), _unique(problems))


def check_crs(frame, file: str) -> list[Problem]:
    """A problem unless the GeoDataFrame's CRS is EPSG:4326 (lon, lat degrees)."""
    if frame.crs is not None and CRS(frame.crs).equals(CRS("EPSG:4326")):
        return []
    found = "no CRS" if frame.crs is None else str(frame.crs.to_string())
    found_ja = "CRSの定義なし" if frame.crs is None else f"「{found}」"
    return [
        Problem(
            file,
            None,
            "crs",
            "EPSG:4326 (longitude, latitude)",
            found,
            "座標参照系 EPSG:4326（経度・緯度）",
            found_ja,
        )
    ]


def _coerce(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, file: str, first_row: int
) -> tuple[pd.DataFrame, list[Problem]]:
    """Return ``frame`` with typed columns, minus rows with unreadable cells."""
    present = {n: c for n, c in schema.columns.items() if n in frame.columns}
    text = [n for n, c in present.items() if (c.metadata or {}).get("text")]
    frame = frame.astype(dict.fromkeys(text, "str"))
    types = pa.DataFrameSchema(
        {
            name: pa.Column(column.dtype, nullable=True, coerce=True)
            for name, column in present.items()
            if column.dtype is not None
        }
    )

    try:
        return types.validate(frame, lazy=True), []
    except SchemaErrors as errors:
        bad_rows = errors.failure_cases["index"].dropna().unique()
        kept = frame.drop(index=bad_rows)
        problems = problems_from(errors, file, first_row, schema)
        return types.validate(kept, lazy=False), problems


def _plain_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn nullable integer columns without gaps into plain ``int64``."""
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.Int64Dtype) and column.notna().all():
            frame[name] = column.astype("int64")
    return frame


def _unique(problems: list[Problem]) -> list[Problem]:
    """``problems`` without repeats, in their first order."""
    return list(dict.fromkeys(problems))


def problems_from(
    errors: SchemaErrors,
    file: str,
    first_row: int = 2,
    schema: pa.DataFrameSchema | None = None,
) -> list[Problem]:
    """Turn pandera's failure cases into problems naming file, row and column."""
    cases = errors.failure_cases
    schema = schema or errors.schema
    problems = [
        _problem(case, file, first_row, schema)
        for case in cases.itertuples(index=False)
        if case.check != "multiple_fields_uniqueness"
    ]
    return problems + _duplicate_keys(cases, file, first_row)


def _problem(case, file: str, first_row: int, schema) -> Problem:
    """One failure case as a problem, in English and Japanese."""
    row = None if pd.isna(case.index) else int(case.index) + first_row
    column = case.column if isinstance(case.column, str) else None
    check = str(case.check)
    shown, shown_ja = _shown(case), _shown_ja(case)

    if check == "column_in_dataframe":
        name = str(case.failure_case)
        return Problem(
            file,
            None,
            name,
            f"a column named '{name}'",
            "no such column",
            f"「{name}」という名前の列",
            "その列がありません",
        )
    if check == "not_nullable" and column == "geometry":
        return Problem(
            file,
            row,
            column,
            "a geometry",
            "a feature without geometry",
            "形状（ジオメトリ）",
            "形状のない地物",
        )
    if check.startswith(("coerce_dtype", "dtype(")):
        described = schema.columns[column].description if column else None
        expected = described or check
        return Problem(
            file, row, column, expected, shown, _expected_ja(expected), shown_ja
        )
    if check == "not_nullable":
        return Problem(file, row, column, "a value", "an empty cell", "値", "空欄")
    if check == "field_uniqueness":
        return Problem(
            file,
            row,
            column,
            "a value not used above",
            shown,
            "上の行で使われていない値",
            f"{shown_ja}（上の行と重複）",
        )
    return Problem(file, row, column, check, shown, _expected_ja(check), shown_ja)


def _expected_ja(english: str) -> str:
    """The Japanese of a check's "expected" text (the English if unknown)."""
    return EXPECTED_JA.get(english, english)


def _duplicate_keys(cases: pd.DataFrame, file: str, first_row: int) -> list[Problem]:
    """One problem per row that repeats a key made of several columns."""
    dups = cases[cases["check"] == "multiple_fields_uniqueness"]
    problems = []

    for index, group in dups.groupby("index", sort=True):
        columns = "+".join(group["column"])
        key = ", ".join(str(v) for v in group["failure_case"])
        problems.append(
            Problem(
                file,
                int(index) + first_row,
                columns,
                f"one row per {columns.replace('+', ', ')}",
                f"a second row for ({key})",
                f"{columns.replace('+', '・')} ごとに1行",
                f"（{key}）の2行目（重複）",
            )
        )
    return problems


def _shown(case) -> str:
    """The failing cell as a user would recognise it."""
    value = case.failure_case
    if isinstance(value, shapely.Geometry):
        return _describe_geometry(value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "an empty cell"
    return repr(value) if isinstance(value, str) else str(value)


def _shown_ja(case) -> str:
    """The failing cell in Japanese: quoted text, 空欄, or a geometry in words."""
    value = case.failure_case
    if isinstance(value, shapely.Geometry):
        return _describe_geometry_ja(value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "空欄"
    return quoted_ja(value)


def _describe_geometry_ja(geometry: shapely.Geometry) -> str:
    """A geometry in Japanese words: empty, invalid (with the reason), or where."""
    kind = geometry.geom_type
    if geometry.is_empty:
        return f"空の {kind}"
    if not geometry.is_valid:
        return f"不正な {kind}（{shapely.is_valid_reason(geometry)}）"
    x0, y0, x1, y1 = geometry.bounds
    return f"x {x0:g}〜{x1:g}、y {y0:g}〜{y1:g} の範囲の {kind}"


def _describe_geometry(geometry: shapely.Geometry) -> str:
    """A geometry in words: its type, why it is invalid, or where it lies."""
    if geometry.is_empty:
        return f"an empty {geometry.geom_type}"
    if not geometry.is_valid:
        return f"a {geometry.geom_type} with {shapely.is_valid_reason(geometry)}"
    x0, y0, x1, y1 = geometry.bounds
    return f"a {geometry.geom_type} spanning x {x0:g}..{x1:g}, y {y0:g}..{y1:g}"
