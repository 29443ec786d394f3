"""A blank indicator table for ward staff to fill in and import.

The template is the long form that ``import-table`` reads: one row per area
of the indicator's level (districts, or the city's wards), with the area
names as published and the value left blank. It is written as UTF-8 with a
byte-order mark so that Excel opens the Japanese text correctly.
"""

from __future__ import annotations

import io
import logging

import pandas as pd

from kitaku_maps.bundle import Bundle
from kitaku_maps.errors import InputFormatError

logger = logging.getLogger(__name__)

#: The template's headers, all recognised by the table importer.
TEMPLATE_COLUMNS = ("指標", "地域", "年度", "値")

#: Which bundle frame lists the areas of each indicator level.
AREA_FRAMES = {"district": "districts", "ward": "wards"}


def table_template(bundle: Bundle, indicator_id: str, fiscal_year: int) -> bytes:
    """Return the CSV template of one indicator and fiscal year (UTF-8 with BOM).

    ``fiscal_year`` is the starting calendar year (令和6年度 = 2024). Raise
    :class:`InputFormatError` for an unknown indicator or a city-level one,
    which has a single figure and no areas to list.
    """
    level = _level_of(bundle, indicator_id)
    names = getattr(bundle, AREA_FRAMES[level])["name_ja"].astype(str)

    frame = pd.DataFrame(
        {
            "指標": indicator_id,
            "地域": names.to_list(),
            "年度": f"{fiscal_year}年度",
            "値": "",
        },
        columns=list(TEMPLATE_COLUMNS),
    )

    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\r\n")
    logger.info("template of %s for %d: %d rows", indicator_id, fiscal_year, len(frame))
    return buffer.getvalue().encode("utf-8-sig")


def template_levels() -> tuple[str, ...]:
    """The indicator levels a template can be made for."""
    return tuple(AREA_FRAMES)


def _level_of(bundle: Bundle, indicator_id: str) -> str:
    """The indicator's level; raise when it is unknown or has no areas."""
    catalogue = bundle.indicators.set_index("indicator_id")
    if indicator_id not in catalogue.index:
        raise InputFormatError(
            f"indicator {indicator_id!r}: expected one of the catalogue's ids, "
            "found none of that name; see indicators.csv",
            f"指標「{indicator_id}」: 指標一覧（indicators.csv）にある指標が"
            "必要ですが、見つかりませんでした。",
        )
    level = str(catalogue.loc[indicator_id, "level"])
    if level not in AREA_FRAMES:
        raise InputFormatError(
            f"indicator {indicator_id!r}: expected a district or ward indicator, "
            f"found level {level!r}, which has a single figure",
            f"指標「{indicator_id}」: 校区別または区別の指標が必要ですが、"
            "市全体の値が1つだけの指標でした。",
        )
    return level
