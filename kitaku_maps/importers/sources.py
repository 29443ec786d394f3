"""The credits of the bundle: ``sources.csv`` and the ``SOURCES.md`` built from it."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pandas as pd

from kitaku_maps.bundle import SOURCE_COLUMNS
from kitaku_maps.importers.common import date_in_name

#: The authored credits of the public sources the importers read.
CREDITS_FILE = Path(__file__).resolve().parent / "source_credits.csv"

#: Which input file gives each source's as-of date (from its name).
DATED_BY = {
    "gsi_shelters": "gsi_shelters",
    "kumamoto_portal": "portal_shelters",
    "kitaku_approx_districts": "gsi_shelters",
}


class _Files(Protocol):
    """Anything with the source files as attributes (e.g. build.SourceFiles)."""

    gsi_shelters: Path
    portal_shelters: Path


def credits_table(files: _Files, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """The sources table: the authored credits (as-of dates from the input
    file names where blank), then ``extra`` rows with new ids, sorted by id."""
    credits = pd.read_csv(CREDITS_FILE, dtype=str, keep_default_na=False)
    for source_id, key in DATED_BY.items():
        blank = (credits["source_id"] == source_id) & (credits["as_of"] == "")
        credits.loc[blank, "as_of"] = date_in_name(Path(getattr(files, key)))

    frames = [credits]
    if extra is not None and len(extra):
        extra = extra.reindex(columns=list(SOURCE_COLUMNS)).fillna("").astype(str)
        frames.append(extra[~extra["source_id"].isin(credits["source_id"])])

    table = pd.concat(frames, ignore_index=True)
    return table.sort_values("source_id", ignore_index=True)[list(SOURCE_COLUMNS)]


def sources_markdown(sources: pd.DataFrame) -> str:
    """``SOURCES.md``: one section per source, from the sources table."""
    lines = [
        "# 出典とクレジット (Sources and credits)",
        "",
        "このデータセットは次の出典を加工して作成しています。"
        "`sources.csv` から自動で書き出したものです。",
        "",
    ]
    for row in sources.fillna("").itertuples(index=False):
        lines += [f"## {row.title_ja}", ""]
        lines += [f"- {label}: {value}" for label, value in _details(row) if value]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _details(row) -> list[tuple[str, str]]:
    """The labelled fields of one source, in display order."""
    return [
        ("クレジット", row.credit_ja),
        ("提供者", row.publisher_ja),
        ("ライセンス", row.licence),
        ("URL", row.url),
        ("時点", row.as_of),
        ("備考", row.notes),
        ("ID", f"`{row.source_id}`"),
    ]
