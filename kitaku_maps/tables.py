"""Import indicator tables (CSV or Excel, long or wide form) into a bundle.

A ward officer's spreadsheet becomes rows of ``values.csv`` with status
``official``. Accepted: UTF-8 (with or without BOM) or CP932; long form
(indicator, area, year, value) or wide form (one column per fiscal year);
years as ``2024``, ``2024年度``, ``令和6年度``, ``R6``, ``平成30年度``, ``H30``;
full-width digits and thousands separators; blanks, ``-``, ``―``, ``＊`` or
``*`` as missing values, kept with their reason.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from kitaku_maps._table_areas import AreaMatchers, write_csv_atomic
from kitaku_maps.bundle import FILES, SOURCE_COLUMNS, VALUE_COLUMNS
from kitaku_maps.errors import (
    DataValidationError,
    InputFormatError,
    Problem,
    UnknownDistrictError,
    quoted_ja,
)

logger = logging.getLogger(__name__)

#: Encodings tried, in order, for text files (``utf-8-sig`` also reads plain UTF-8).
ENCODINGS = ("utf-8-sig", "cp932")

#: Accepted headers (after NFKC and lower-casing) of each column of the long form.
COLUMN_NAMES = {
    "indicator": ("indicator", "indicator_id", "指標", "指標id", "指標名"),
    "area": (
        "area",
        "area_code",
        "district",
        "district_code",
        "name",
        "校区",
        "校区名",
        "地域",
        "区",
        "区名",
    ),
    "year": ("year", "fiscal_year", "年度"),
    "value": ("value", "値", "数値"),
}

#: Cell text meaning "no value", and the reason kept in ``missing_reason``.
MISSING_MARKERS = {
    "": "not_collected",
    "-": "not_collected",
    "―": "not_collected",
    "—": "not_collected",
    "‐": "not_collected",
    "…": "not_collected",
    "*": "suppressed",
    "x": "suppressed",
    "X": "suppressed",
    "秘匿": "suppressed",
}

#: First calendar year minus one of each Japanese era, with its abbreviations.
ERAS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}

YEAR_PATTERN = re.compile(
    r"^(?:FY)?(?P<era>令和|平成|R|H)?(?P<number>\d{1,4}|元)(?:年度|年)?$",
    re.IGNORECASE,
)


def parse_year(text: object) -> int | None:
    """The fiscal year written as 2024, 2024年度, 令和6年度, R6, H30 ...; else None.

    >>> parse_year("令和6年度"), parse_year("Ｒ６"), parse_year("H30"), parse_year("x")
    (2024, 2024, 2018, None)
    """
    key = "".join(unicodedata.normalize("NFKC", str(text)).split())
    key = key.removesuffix(".0")
    match = YEAR_PATTERN.match(key)
    if match is None:
        return None

    era = match["era"]
    number = 1 if match["number"] == "元" else int(match["number"])
    if era:
        return ERAS[era.upper() if len(era) == 1 else era] + number
    return number if 1900 <= number <= 2100 else None


def parse_value(text: object) -> tuple[float | None, str]:
    """``(number, "")``, ``(None, reason)`` for a missing marker, or raise ValueError.

    >>> parse_value("１２,３４５"), parse_value("＊"), parse_value("")
    ((12345.0, ''), (None, 'suppressed'), (None, 'not_collected'))
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None, MISSING_MARKERS[""]
    key = "".join(unicodedata.normalize("NFKC", str(text)).split())
    if key in MISSING_MARKERS:
        return None, MISSING_MARKERS[key]
    return float(key.replace(",", "")), ""


#: Suffixes read as Excel workbooks.
EXCEL_SUFFIXES = (".xlsx", ".xlsm")

#: The encodings of :data:`ENCODINGS` as a ward officer knows them.
ENCODING_NAMES_JA = {
    "utf-8-sig": "UTF-8（BOM付き・なし）",
    "cp932": "Shift_JIS（CP932）",
}


def read_raw(path: Path, sheet: str | int = 0) -> pd.DataFrame:
    """Read a CSV (encoding detected) or Excel file with every cell as text."""
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _read_excel(path, sheet)

    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        logger.info("read %s as %s", path.name, encoding)
        return _read_csv_text(text, path.name)

    tried_ja = "、".join(ENCODING_NAMES_JA[e] for e in ENCODINGS)
    raise InputFormatError(
        f"{path.name}: cannot decode the file; tried encodings {', '.join(ENCODINGS)}"
        " (expected UTF-8, UTF-8 with BOM or CP932). Save it as UTF-8 CSV.",
        f"ファイル {path.name}: 文字コードは {tried_ja} のどれかが必要ですが、"
        "どれでも読めませんでした（UTF-16 など別の文字コードの可能性があります）。"
        "Excel で「CSV UTF-8（コンマ区切り）」として保存し直してください。",
    )


def _read_csv_text(text: str, file: str) -> pd.DataFrame:
    """Parse decoded CSV text, every cell as text."""
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputFormatError(
            f"{file}: expected a CSV table with a header row, found: {error}",
            f"ファイル {file}: 1行目が見出しの CSV の表が必要ですが、"
            f"表として読めませんでした（{error}）。",
        ) from error


def _read_excel(path: Path, sheet: str | int) -> pd.DataFrame:
    """Read one sheet of an Excel workbook, every cell as text."""
    try:
        frame = pd.read_excel(path, sheet_name=sheet, dtype=str, engine="openpyxl")
    except (ValueError, KeyError, OSError, zipfile.BadZipFile) as error:
        raise InputFormatError(
            f"{path.name}: expected an Excel workbook (.xlsx) with sheet {sheet!r}, "
            f"found: {error}",
            f"ファイル {path.name}: Excel ブック（.xlsx）が必要ですが、"
            f"読み込めませんでした（シート {sheet}、{error}）。",
        ) from error
    return frame.fillna("")


def header_roles(columns: list[str]) -> dict[str, str]:
    """Map the roles indicator/area/year/value to the file's own headers."""
    roles = {}
    for header in columns:
        key = unicodedata.normalize("NFKC", str(header)).strip().lower()
        for role, names in COLUMN_NAMES.items():
            if key in names and role not in roles:
                roles[role] = header
    return roles


def to_long(raw: pd.DataFrame, file: str, indicator: str | None) -> pd.DataFrame:
    """Long text table: row, indicator, area, year, year_column, value, column."""
    roles = header_roles(list(raw.columns))
    require_columns(roles, list(raw.columns), file, indicator)
    frame = raw.assign(row=np.arange(len(raw)) + 2)
    if indicator and "indicator" not in roles:
        frame["indicator"] = indicator
        roles["indicator"] = "indicator"

    if "year" in roles and "value" in roles:
        long = frame.rename(columns={roles[k]: k for k in roles})
        long["year_column"] = roles["year"]
        long["value_column"] = roles["value"]
        long["area_column"] = roles["area"]
        columns = ["row", *COLUMN_NAMES, "year_column", "value_column", "area_column"]
        return long[columns]

    years = [c for c in raw.columns if c not in roles.values()]
    keep = {roles["indicator"]: "indicator", roles["area"]: "area"}
    long = frame.melt(
        id_vars=["row", *keep], value_vars=years, var_name="year", value_name="value"
    ).rename(columns=keep)
    long["year_column"] = long["year"]
    long["value_column"] = long["year"]
    long["area_column"] = roles["area"]
    return long.sort_values(["row", "year_column"], kind="stable")


def require_columns(roles, columns, file: str, indicator: str | None) -> None:
    """Raise when a column the table's form needs is missing.

    Every table needs an area column (and an indicator column unless one
    indicator is named). A long table needs both year and value columns; a
    table with neither is wide and needs at least one column per year.
    """
    needed = ["area"] if indicator else ["indicator", "area"]
    if ("year" in roles) != ("value" in roles):
        needed.append("value" if "year" in roles else "year")
    found_ja = "ファイルの列は " + "".join(f"「{c}」" for c in columns)
    problems = [
        Problem(
            file,
            None,
            role,
            f"a column named one of {', '.join(COLUMN_NAMES[role])}",
            f"the columns {', '.join(map(str, columns))}",
            f"{ROLES_JA[role]}の列（列名: {'、'.join(COLUMN_NAMES[role])}）",
            found_ja,
        )
        for role in needed
        if role not in roles
    ]
    if not problems and "year" not in roles and len(columns) <= len(roles):
        problems.append(
            Problem(
                file,
                None,
                "year",
                "a year and a value column, or one column per fiscal year",
                f"the columns {', '.join(map(str, columns))}",
                "「年度」と「値」の列、または年度ごとの列（例: 2024年度）",
                found_ja,
            )
        )
    if problems:
        raise DataValidationError(problems, f"{file}: missing column(s)")


#: What each role of :data:`COLUMN_NAMES` is called in Japanese.
ROLES_JA = {
    "indicator": "指標",
    "area": "地域（校区・区）",
    "year": "年度",
    "value": "値",
}

YEAR_EXPECTED = "a fiscal year such as 2024, 2024年度, 令和6年度, R6 or H30"
YEAR_EXPECTED_JA = "2024、2024年度、令和6年度、R6、H30 のような年度"
VALUE_EXPECTED = "a number, or a missing marker (blank, -, ―, ＊, *)"
VALUE_EXPECTED_JA = "数値、または欠測の印（空欄、-、―、＊、*）"


def parse_rows(
    long: pd.DataFrame, file: str, indicators: pd.DataFrame, areas: AreaMatchers
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse ids, years, values and areas; return the rows and every problem.

    A row with a problem stays in the frame (with a missing year, number or
    area code), so later checks can still report the rest of the table.
    """
    catalogue = indicators.set_index("indicator_id")
    long = long.assign(indicator=long["indicator"].map(normalise_id))
    known = long["indicator"].isin(catalogue.index)
    problems = [
        Problem(
            file,
            r.row,
            "indicator",
            "a known indicator_id",
            repr(r.indicator),
            "指標一覧（indicators.csv）にある指標ID",
            quoted_ja(r.indicator),
        )
        for r in long[~known].itertuples()
    ]

    long = long.assign(
        level=long["indicator"].map(catalogue["level"]),
        fiscal_year=long["year"].map(parse_year),
    )
    problems += year_problems(long, file)
    long, value_problems = parse_values(long, file)
    problems += value_problems
    long["area_code"], unknown = area_codes(long, areas, file)
    if len(unknown) == 1 and not problems:
        raise unknown[0]
    problems += [error.as_problem() for error in unknown]

    long["kind"] = long["indicator"].map(catalogue["kind"])
    return long.rename(columns={"indicator": "indicator_id"}), problems


def area_codes(
    long: pd.DataFrame, areas: AreaMatchers, file: str
) -> tuple[list[str | None], list[UnknownDistrictError]]:
    """The area code of each row (rows of unknown indicators get None).

    Returns the codes and one error per area name that matches no area, so a
    table with several unknown names reports them all at once.
    """
    codes, unknown = [], []
    for r in long.itertuples():
        try:
            known = isinstance(r.level, str)
            codes.append(
                areas.code_of(r.level, r.area, file, r.row, str(r.area_column))
                if known
                else None
            )
        except UnknownDistrictError as error:
            codes.append(None)
            unknown.append(error)
    return codes, unknown


def normalise_id(text: object) -> str:
    """An indicator id as written, trimmed and NFKC-normalised."""
    return unicodedata.normalize("NFKC", str(text)).strip()


def year_problems(long: pd.DataFrame, file: str) -> list[Problem]:
    """One problem per unreadable year (per header in the wide form)."""
    bad = long[long["fiscal_year"].isna()]
    wide = (bad["year_column"] == bad["year"]).all()
    if wide:
        bad = bad.drop_duplicates("year_column")
    return [
        Problem(
            file,
            1 if wide else r.row,
            str(r.year_column),
            YEAR_EXPECTED,
            repr(str(r.year)),
            YEAR_EXPECTED_JA,
            quoted_ja(r.year),
        )
        for r in bad.itertuples()
    ]


def parse_values(long: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Split each value cell into a number and a missing reason."""
    numbers, reasons, problems = [], [], []
    for r in long.itertuples():
        try:
            number, reason = parse_value(r.value)
        except ValueError:
            number, reason = None, ""
            problems.append(
                Problem(
                    file,
                    r.row,
                    str(r.value_column),
                    VALUE_EXPECTED,
                    repr(r.value),
                    VALUE_EXPECTED_JA,
                    quoted_ja(r.value),
                )
            )
        numbers.append(np.nan if number is None else number)
        reasons.append(reason)
    return long.assign(number=numbers, missing_reason=reasons), problems


#: The Japanese of each check of :data:`RANGE_SCHEMA`, by its name.
RANGE_JA = {
    "a count of 0 or more": "0以上の件数",
    "a percentage from 0 to 100": "0〜100 の割合（%）",
    "a value of 0 or more": "0以上の値",
}

RANGE_SCHEMA = pa.DataFrameSchema(
    checks=[
        pa.Check(
            lambda df: ~((df["kind"] == "count") & (df["number"] < 0)),
            name="a count of 0 or more",
        ),
        pa.Check(
            lambda df: ~(df["kind"].isin(["share", "survey"]) & (df["number"] > 100)),
            name="a percentage from 0 to 100",
        ),
        pa.Check(lambda df: ~(df["number"] < 0), name="a value of 0 or more"),
    ]
)


def check_rows(rows: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    """Raise with ``problems`` plus out-of-range values and duplicate rows.

    Range and duplicate checks look only at rows whose indicator, year and
    area were understood, so one bad cell does not hide the others.
    """
    understood = rows.dropna(subset=["kind", "fiscal_year", "area_code"])
    problems = problems + range_problems(understood, file)
    problems += duplicate_problems(understood, file)
    if problems:
        raise DataValidationError(problems, f"{file}: cannot import")


def range_problems(rows: pd.DataFrame, file: str) -> list[Problem]:
    """Negative counts and percentages above 100, via the pandera schema."""
    try:
        RANGE_SCHEMA.validate(rows, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.dropna(subset=["index"])
        return [
            Problem(
                file,
                int(rows.loc[case.index, "row"]),
                str(rows.loc[case.index, "value_column"]),
                case.check,
                repr(rows.loc[case.index, "value"]),
                RANGE_JA.get(case.check, case.check),
                quoted_ja(rows.loc[case.index, "value"]),
            )
            for case in cases.drop_duplicates("index").itertuples()
        ]
    return []


def duplicate_problems(rows: pd.DataFrame, file: str) -> list[Problem]:
    """Every second row of the same indicator, area and year, naming the first."""
    keys = ["indicator_id", "area_code", "fiscal_year"]
    first = rows.groupby(keys)["row"].transform("first")
    repeated = rows[rows.duplicated(keys, keep="first")]
    return [
        Problem(
            file,
            r.row,
            str(r.value_column),
            "one row per indicator, area and year",
            f"a duplicate of row {first[r.Index]} "
            f"({r.indicator_id}, {r.area}, {r.fiscal_year})",
            "指標・地域・年度ごとに1行",
            f"{first[r.Index]}行目と同じ指標・地域・年度の行"
            f"（{r.indicator_id}、{r.area}、{r.fiscal_year}年度）",
        )
        for r in repeated.itertuples()
    ]


def read_indicator_table(
    path: Path, bundle_dir: Path, indicator: str | None = None, sheet: str | int = 0
) -> pd.DataFrame:
    """Read and check one table against a bundle; rows ready to merge.

    Raises InputFormatError, DataValidationError or UnknownDistrictError.
    """
    path, bundle_dir = Path(path), Path(bundle_dir)
    indicators = read_text(bundle_dir / FILES["indicators"])
    areas = AreaMatchers.from_bundle(bundle_dir)

    long = to_long(read_raw(path, sheet), path.name, indicator)
    rows, problems = parse_rows(long, path.name, indicators, areas)
    check_rows(rows, path.name, problems)
    logger.info("read %s: %d values", path.name, len(rows))
    return rows


def import_table(
    path: Path,
    bundle_dir: Path,
    as_of: str,
    source_id: str,
    indicator: str | None = None,
    sheet: str | int = 0,
    source_title: str | None = None,
) -> int:
    """Merge a table into the bundle's values.csv as ``official``; return the count.

    Rows of the same indicator, area and year are replaced. Nothing is written
    unless the whole table is valid; each file is replaced atomically.
    """
    bundle_dir = Path(bundle_dir)
    check_date(as_of)
    rows = read_indicator_table(path, bundle_dir, indicator, sheet)
    sources = read_text(bundle_dir / FILES["sources"])
    sources = with_source(sources, source_id, source_title, as_of, Path(path).name)

    new = official_rows(rows, as_of, source_id)
    values = merge_values(read_text(bundle_dir / FILES["values"]), new)

    write_csv_atomic(sources, bundle_dir / FILES["sources"])
    write_csv_atomic(values, bundle_dir / FILES["values"])
    logger.info("imported %d values from %s", len(new), Path(path).name)
    return len(new)


def read_text(path: Path) -> pd.DataFrame:
    """A bundle CSV with every cell as text."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def check_date(as_of: str) -> None:
    """Raise unless ``as_of`` is a real date written YYYY-MM-DD."""
    if pd.to_datetime(as_of, format="%Y-%m-%d", errors="coerce") is pd.NaT:
        raise InputFormatError(
            f"as-of date: expected YYYY-MM-DD, found {as_of!r}",
            f"時点の日付: YYYY-MM-DD の形の日付が必要ですが、「{as_of}」でした。",
        )


def with_source(sources, source_id, title, as_of, file) -> pd.DataFrame:
    """``sources`` with ``source_id`` present: known, or added from ``title``."""
    if source_id in set(sources["source_id"]):
        return sources
    if not title:
        problem = Problem(
            FILES["sources"],
            None,
            "source_id",
            f"a known source ({', '.join(sources['source_id'])}) or --source-title",
            repr(source_id),
            f"登録済みの出典ID（{'、'.join(sources['source_id'])}）"
            "または新しい出典の名前",
            quoted_ja(source_id),
        )
        raise DataValidationError([problem], f"{file}: unknown source")
    row = dict.fromkeys(SOURCE_COLUMNS, "")
    row |= {"source_id": source_id, "title_ja": title, "as_of": as_of}
    row["notes"] = f"{file} から取り込み"
    return pd.concat([sources, pd.DataFrame([row])], ignore_index=True)


def official_rows(rows: pd.DataFrame, as_of: str, source_id: str) -> pd.DataFrame:
    """values.csv rows (text) of an imported table, status ``official``."""
    return pd.DataFrame(
        {
            "indicator_id": rows["indicator_id"],
            "level": rows["level"],
            "area_code": rows["area_code"],
            "fiscal_year": rows["fiscal_year"].astype(int).astype(str),
            "value": [format_number(v) for v in rows["number"]],
            "missing_reason": rows["missing_reason"],
            "status": "official",
            "as_of": as_of,
            "source_id": source_id,
        }
    )


def format_number(number: float) -> str:
    """A number as short plain text (``12345``, ``27.3``); NaN as empty."""
    if np.isnan(number):
        return ""
    return np.format_float_positional(number, trim="-")


def merge_values(values: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``values`` with ``new`` added, replacing rows of the same key; sorted."""
    keys = ["indicator_id", "level", "area_code", "fiscal_year"]
    merged = pd.concat([values, new], ignore_index=True)
    merged = merged.drop_duplicates(keys, keep="last")
    order = merged.assign(_year=merged["fiscal_year"].astype(int))
    order = order.sort_values(["indicator_id", "level", "area_code", "_year"])
    return order[list(VALUE_COLUMNS)].reset_index(drop=True)
