"""Files uploaded in the app: check them, preview the change, then import.

Every upload is first imported into a scratch copy of the bundle and the
copy is loaded with the full validation. Only when that succeeds are the
changed files moved into the real bundle, one atomic replace per file, so a
failed check or import never touches the saved data.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import GeoInputError
from kitaku_maps import settings, tables
from kitaku_maps.bundle import FILES
from kitaku_maps.errors import (
    DataValidationError,
    InputFormatError,
    Problem,
    UnknownDistrictError,
)
from kitaku_maps.importers.commands import import_boundaries
from kitaku_maps.importers.common import date_in_name
from kitaku_maps.loader import load_bundle

logger = logging.getLogger(__name__)

#: Column titles of the problem table the app shows.
PROBLEM_COLUMNS = ("ファイル", "行", "列", "必要なもの", "実際の値")

#: Suffixes accepted for indicator tables and for boundary files.
TABLE_SUFFIXES = ("csv", "xlsx", "xlsm")
BOUNDARY_SUFFIXES = ("geojson", "json", "gpkg", "zip")


@dataclass(frozen=True)
class UploadCheck:
    """The outcome of checking (or importing) an upload.

    ``problems`` lists rows of a problem table; ``message_ja`` holds a
    whole-file error; ``changes`` previews what the import changes;
    ``columns`` lists the file's columns when a column must be chosen.
    """

    file: str
    problems: list[Problem] = field(default_factory=list)
    message_ja: str = ""
    changes: pd.DataFrame | None = None
    columns: tuple[str, ...] = ()
    written: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the upload can be imported as it is."""
        return not self.problems and not self.message_ja


@dataclass(frozen=True)
class TableOptions:
    """What the user chose for an indicator table."""

    as_of: str
    source_id: str
    source_title: str | None = None
    indicator: str | None = None


def import_allowed() -> bool:
    """Whether this app may write uploads into its bundle (settings.ALLOW_IMPORT)."""
    return settings.ALLOW_IMPORT


def save_upload(name: str, data: bytes, folder: Path) -> Path:
    """Write an uploaded file under its own base name into ``folder``."""
    path = Path(folder) / Path(name).name
    path.write_bytes(data)
    return path


def problems_table(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a Japanese table in reading order (whole-file ones first)."""
    ordered = sorted(problems, key=lambda p: (p.file, p.row is not None, p.row or 0))
    rows = [
        (p.file, p.row, p.column or "", p.expected_ja or p.expected, p.found_ja)
        for p in ordered
    ]
    table = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
    table["行"] = table["行"].astype("Int64")
    return table


# --- indicator tables -----------------------------------------------------


@dataclass(frozen=True)
class TableLayout:
    """What can be told from a table before it is checked."""

    columns: tuple[str, ...]
    has_indicator: bool
    indicator: str | None
    as_of: str


def table_layout(path: Path, bundle_dir: Path) -> TableLayout:
    """The table's columns, and a guess of its indicator and as-of date.

    Raises InputFormatError when the file cannot be read as a table.
    """
    raw = tables.read_raw(path)
    columns = tuple(str(c) for c in raw.columns)
    roles = tables.header_roles(list(columns))
    as_of = date_in_name(path) or date.today().isoformat()
    return TableLayout(
        columns,
        "indicator" in roles,
        _indicator_in_name(path, columns, bundle_dir),
        as_of,
    )


def _indicator_in_name(
    path: Path, columns: tuple[str, ...], bundle_dir: Path
) -> str | None:
    """The indicator named in the file name or headers (the longest name wins)."""
    catalogue = tables.read_text(Path(bundle_dir) / FILES["indicators"])
    text = " ".join([path.stem, *columns])
    found = [
        (max(len(row.name_ja), len(row.indicator_id)), row.indicator_id)
        for row in catalogue.itertuples()
        if row.name_ja in text or row.indicator_id in text
    ]
    return max(found)[1] if found else None


def indicator_choices(bundle_dir: Path) -> dict[str, str]:
    """Indicator id to a label ``名前（id）`` for a choice list, in catalogue order."""
    catalogue = tables.read_text(Path(bundle_dir) / FILES["indicators"])
    return {
        r.indicator_id: f"{r.name_ja}（{r.indicator_id}）"
        for r in catalogue.itertuples()
    }


def source_choices(bundle_dir: Path) -> dict[str, str]:
    """Source id to its Japanese title, as in sources.csv."""
    sources = tables.read_text(Path(bundle_dir) / FILES["sources"])
    return dict(zip(sources["source_id"], sources["title_ja"], strict=True))


def new_source_id(bundle_dir: Path, as_of: str) -> str:
    """An unused source id for a new source: ``import_YYYYMMDD`` (``_2``...)."""
    known = set(source_choices(bundle_dir))
    base = "import_" + as_of.replace("-", "")
    candidates = (base if k == 1 else f"{base}_{k}" for k in range(1, 1000))
    return next(c for c in candidates if c not in known)


def check_table(
    path: Path, bundle_dir: Path, options: TableOptions, commit: bool = False
) -> UploadCheck:
    """Check an indicator table against the bundle; with ``commit``, import it."""

    def apply(copy: Path) -> pd.DataFrame:
        rows = tables.read_indicator_table(path, copy, options.indicator)
        tables.import_table(
            path,
            copy,
            as_of=options.as_of,
            source_id=options.source_id,
            indicator=options.indicator,
            source_title=options.source_title,
        )
        return table_changes(rows, bundle_dir)

    return _attempt(Path(path).name, Path(bundle_dir), apply, commit)


def table_changes(rows: pd.DataFrame, bundle_dir: Path) -> pd.DataFrame:
    """Each imported value beside the value it replaces, in Japanese."""
    keys = ["indicator_id", "area_code", "fiscal_year"]
    old = tables.read_text(Path(bundle_dir) / FILES["values"])
    old = old.assign(fiscal_year=old["fiscal_year"].astype(int))
    names = indicator_choices(bundle_dir)
    new = rows.assign(fiscal_year=rows["fiscal_year"].astype(int))
    saved = old[[*keys, "value", "status"]].rename(
        columns={"value": "saved_value", "status": "saved_status"}
    )
    merged = new.merge(saved, on=keys, how="left")

    return pd.DataFrame(
        {
            "指標": merged["indicator_id"].map(names),
            "地域": merged["area"].astype(str),
            "年度": merged["fiscal_year"],
            "新しい値": merged["number"].map(tables.format_number),
            "今の値": merged["saved_value"].fillna(""),
            "変更": [_change_ja(s) for s in merged["saved_status"]],
        }
    )


def _change_ja(status: object) -> str:
    """What happens to the saved value of a row with ``status``."""
    if not isinstance(status, str):
        return "新しく追加"
    if status == "demo":
        return "デモ値を正式な値に置き換え"
    return "今の値を置き換え"


# --- boundary files -------------------------------------------------------


def check_boundaries(
    path: Path, bundle_dir: Path, name_column: str | None = None, commit: bool = False
) -> UploadCheck:
    """Check official school districts against the bundle; with ``commit``, import."""
    bundle_dir = Path(bundle_dir)

    def apply(copy: Path) -> pd.DataFrame:
        import_boundaries(_boundary_args(copy, path, name_column))
        return district_changes(copy, bundle_dir)

    check = _attempt(Path(path).name, bundle_dir, apply, commit)
    if check.ok:
        return check
    return UploadCheck(
        check.file, check.problems, check.message_ja, columns=layer_columns(path)
    )


def _boundary_args(bundle: Path, path: Path, name_column: str | None):
    """The ``import-boundaries`` options for one district file."""
    return argparse.Namespace(
        bundle=bundle,
        outline=None,
        wards=None,
        districts=Path(path),
        ward_code=None,
        name_column=name_column,
        code_column=None,
        school_column=None,
        ward_name_column=None,
        ward_code_column=None,
    )


def layer_columns(path: Path) -> tuple[str, ...]:
    """The attribute columns of a geometry file, or () when it cannot be read."""
    try:
        return tuple(str(f) for f in pyogrio.read_info(path)["fields"])
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        return ()


def district_changes(new_bundle: Path, old_bundle: Path) -> pd.DataFrame:
    """The imported districts: code, name, area (km², EPSG:6670) and what changes."""
    new = gpd.read_file(new_bundle / FILES["districts"])
    old = gpd.read_file(old_bundle / FILES["districts"], ignore_geometry=True)
    before = dict(zip(old["district_code"], old["boundary_status"], strict=True))
    area = new.to_crs(settings.METRIC_CRS).area / 1e6

    return pd.DataFrame(
        {
            "校区コード": new["district_code"],
            "校区名": new["name_ja"],
            "面積（km²）": area.round(2),
            "変更": [
                _boundary_change_ja(before.get(code)) for code in new["district_code"]
            ],
        }
    )


def _boundary_change_ja(status: str | None) -> str:
    """What happens to a district whose saved boundary has ``status``."""
    if status is None:
        return "新しい校区として追加"
    if status == "approximate":
        return "おおよその境界を正式な境界に置き換え"
    return "正式な境界を置き換え"


# --- trial and commit -----------------------------------------------------

#: An import step applied to a bundle folder; returns the preview of changes.
Apply = Callable[[Path], pd.DataFrame]

#: Why an import is refused where settings.ALLOW_IMPORT is off.
IMPORT_DISABLED_JA = (
    "このサーバーでは取り込みが無効になっています（設定 KITAKU_ALLOW_IMPORT=0）。"
)

#: Errors that mean "the upload cannot be imported as it is".
_REFUSALS = (DataValidationError, UnknownDistrictError, InputFormatError, GeoInputError)


def _attempt(file: str, bundle_dir: Path, apply: Apply, commit: bool) -> UploadCheck:
    """Apply to a scratch copy, validate it, and commit the changed files if asked."""
    if commit and not import_allowed():
        return UploadCheck(file, message_ja=IMPORT_DISABLED_JA)

    with tempfile.TemporaryDirectory(prefix="kitaku-upload-") as scratch:
        copy = Path(scratch) / bundle_dir.name
        shutil.copytree(bundle_dir, copy)
        try:
            changes = apply(copy)
            load_bundle(copy)
        except _REFUSALS as error:
            logger.warning("upload %s refused: %s", file, error)
            return _refused(file, error)

        written = _commit(copy, bundle_dir) if commit else ()
    return UploadCheck(file, changes=changes, written=written)


def _refused(file: str, error: Exception) -> UploadCheck:
    """The check of an upload that raised ``error``."""
    if isinstance(error, DataValidationError):
        return UploadCheck(file, problems=error.problems)
    if isinstance(error, UnknownDistrictError) and error.file:
        return UploadCheck(file, problems=[error.as_problem()])
    return UploadCheck(file, message_ja=error.message_ja)


def _commit(copy: Path, bundle_dir: Path) -> tuple[str, ...]:
    """Move the files that differ from ``bundle_dir`` into it, atomically each."""
    changed = [
        p.name
        for p in sorted(copy.iterdir())
        if p.is_file() and not _same_file(p, bundle_dir / p.name)
    ]
    for name in changed:
        handle, temp = tempfile.mkstemp(prefix=f".{name}.", dir=bundle_dir)
        os.close(handle)
        shutil.copyfile(copy / name, temp)
        os.chmod(temp, 0o644)
        os.replace(temp, bundle_dir / name)
    logger.info("imported into %s: %s", bundle_dir, ", ".join(changed) or "-")
    return tuple(changed)


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``b`` exists with the same bytes as ``a``."""
    return b.is_file() and a.read_bytes() == b.read_bytes()
