"""Map symbols drawn as inline SVG, so no icon font is fetched from anywhere."""

from __future__ import annotations

import html
import re

#: SVG shapes on an 18 x 18 canvas, by the symbol names of ``categories.csv``.
SHAPES = {
    "circle": '<circle cx="9" cy="9" r="6.5"/>',
    "square": '<rect x="3" y="3" width="12" height="12"/>',
    "triangle": '<polygon points="9,1.5 16.5,15.5 1.5,15.5"/>',
    "diamond": '<polygon points="9,1 17,9 9,17 1,9"/>',
    "star": (
        '<polygon points="9,1 11.1,6.6 17,6.8 12.4,10.5 14,16.3 9,13 '
        '4,16.3 5.6,10.5 1,6.8 6.9,6.6"/>'
    ),
    "house": '<polygon points="9,1 17,8 17,17 1,17 1,8"/>',
    "cross": '<polygon points="6,1 12,1 12,6 17,6 17,12 12,12 12,17 6,17 6,12 '
    '1,12 1,6 6,6"/>',
}

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")

#: Colour used when a category's colour is not a ``#rrggbb`` value.
FALLBACK_COLOR = "#444444"


def symbol_svg(symbol: str, color: str, size: int = 18) -> str:
    """An inline SVG of ``symbol`` filled with ``color`` (``#rrggbb``).

    Unknown symbols fall back to a circle and bad colours to dark grey, so a
    typo in ``categories.csv`` never breaks the map.
    """
    shape = SHAPES.get(symbol, SHAPES["circle"])
    fill = color if _COLOR.fullmatch(str(color)) else FALLBACK_COLOR
    return (
        f'<svg width="{size}" height="{size}" '
        f'viewBox="0 0 18 18"><g fill="{html.escape(fill)}" stroke="#fff" '
        f'stroke-width="1.5">{shape}</g></svg>'
    )
