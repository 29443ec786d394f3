"""What an indicator-table import needs from a bundle: area names and safe writes."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.names import NameMatcher
from kitaku_maps.bundle import FILES
from kitaku_maps.errors import UnknownDistrictError


class AreaMatchers:
    """Tolerant name-to-code matching for districts, wards and the city."""

    def __init__(self, by_level: dict[str, NameMatcher]) -> None:
        self.by_level = by_level

    @classmethod
    def from_bundle(cls, folder: Path) -> AreaMatchers:
        """Read the area names of the bundle in ``folder`` (attributes only)."""
        folder = Path(folder)
        districts = read_names(folder / FILES["districts"], "district_code")
        wards = read_names(folder / FILES["wards"], "ward_code")
        meta = json.loads((folder / FILES["meta"]).read_text(encoding="utf-8"))
        city = {str(meta["city_code"]): str(meta["city_name_ja"])}
        return cls(
            {
                "district": NameMatcher(districts),
                "ward": NameMatcher(wards, suffixes=("区",)),
                "city": NameMatcher(city, suffixes=("市",)),
            }
        )

    def code_of(
        self, level: str, name: object, file: str, row: int, column: str
    ) -> str:
        """The code of ``name`` at ``level``; UnknownDistrictError names the known.

        ``file``, ``row`` and ``column`` say where the name was read.
        """
        matcher = self.by_level[level]
        code = matcher.code_of(str(name))
        if code is None:
            where = f"{file}, row {row}, column '{column}'"
            raise UnknownDistrictError(
                str(name), matcher.known, where, file=file, row=row, column=column
            )
        return code


def read_names(path: Path, code_column: str) -> dict[str, str]:
    """Map code to published name from a GeoJSON's attributes, in file order."""
    frame = gpd.read_file(path, ignore_geometry=True)
    codes, names = frame[code_column].astype(str), frame["name_ja"].astype(str)
    return dict(zip(codes, names, strict=True))


def write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as UTF-8 CSV via a temp file and an atomic replace."""
    path = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            frame.to_csv(stream, index=False, lineterminator="\n")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
