"""The explorer's view as URL parameters, and the default view of a bundle.

Everything here is plain data, so the page, the command line and the tests
share it. Unknown or stale values in a URL fall back to defaults (and are
logged) rather than breaking the page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from geo.classify import SCHEMES
from kitaku_maps import karte
from kitaku_maps.bundle import Bundle
from kitaku_maps.maps.basemaps import BASE_MAPS
from kitaku_maps.maps.builder import MapView
from kitaku_maps.maps.facilities import SHELTER_CATEGORY, SHELTER_KINDS, ShelterFilter

logger = logging.getLogger(__name__)

#: Levels the explorer can draw.
MAP_LEVELS = ("district", "ward")

#: Kinds preferred for the first view: a rate or share reads at a glance.
FEATURED_KINDS = ("share", "rate")

#: Layers shown on first open.
DEFAULT_LAYERS = (SHELTER_CATEGORY,)


@dataclass(frozen=True)
class ExplorerState:
    """The map view plus what the page around it shows."""

    goal_id: str
    view: MapView
    district: str | None = None


def indicators_of(
    bundle: Bundle, goal_id: str | None, levels=MAP_LEVELS
) -> pd.DataFrame:
    """Catalogue rows of a goal (all goals for ``None``) at ``levels``, in order."""
    catalogue = bundle.indicators
    goal_order = dict(zip(bundle.goals["goal_id"], bundle.goals["order"], strict=True))
    rows = catalogue[catalogue["level"].isin(levels)]
    if goal_id is not None:
        rows = rows[rows["goal_id"] == goal_id]
    rank = rows["goal_id"].map(goal_order).fillna(len(goal_order) + 1)
    return (
        rows.assign(_goal_rank=rank)
        .sort_values(["_goal_rank", "order"])
        .drop(columns="_goal_rank")
    )


def default_indicator(bundle: Bundle) -> str:
    """The indicator shown on first open.

    The first row marked ``featured`` = 1 when the catalogue has that column;
    otherwise the first district-level share or rate in goal and catalogue
    order (the aging rate in the default catalogue); otherwise the first
    district-level indicator.
    """
    rows = indicators_of(bundle, None, ("district",))
    if rows.empty:
        rows = indicators_of(bundle, None)
    if "featured" in rows.columns:
        featured = rows[pd.to_numeric(rows["featured"], errors="coerce") == 1]
        if len(featured):
            return str(featured["indicator_id"].iloc[0])
    preferred = rows[rows["kind"].isin(FEATURED_KINDS)]
    chosen = preferred if len(preferred) else rows
    return str(chosen["indicator_id"].iloc[0])


def years_of(bundle: Bundle, indicator_id: str) -> list[int]:
    """The distinct fiscal years with values of the indicator, oldest first."""
    return sorted(set(karte.years_of(bundle, indicator_id)))


def default_state(bundle: Bundle) -> ExplorerState:
    """First view: the default indicator, its latest year, shelters shown."""
    indicator_id = default_indicator(bundle)
    info = karte.indicator_info(bundle, indicator_id)
    years = years_of(bundle, indicator_id)
    view = MapView(
        indicator_id=indicator_id,
        fiscal_year=years[-1] if years else 0,
        scheme=str(info["default_scheme"]),
        layers=DEFAULT_LAYERS,
    )
    return ExplorerState(str(info["goal_id"]), view)


def state_from_params(bundle: Bundle, params: Mapping[str, str]) -> ExplorerState:
    """Restore the view from URL parameters; anything unknown keeps its default."""
    state = default_state(bundle)
    known = set(bundle.indicators["indicator_id"])
    indicator_id = _indicator_in(bundle, params)
    if indicator_id in known and _level_of(bundle, indicator_id) in MAP_LEVELS:
        state = _with_indicator(bundle, state, indicator_id)

    view = state.view
    years = years_of(bundle, view.indicator_id)
    view = replace(
        view,
        fiscal_year=_choice(_int(params.get("year")), years, view.fiscal_year),
        scheme=_choice(params.get("scheme"), list(SCHEMES), view.scheme),
        change_from=_choice(_int(params.get("from")), years, None),
        layers=_listed(
            params.get("layers"), set(bundle.categories["category_id"]), view.layers
        ),
        shelters=ShelterFilter(
            hazards=_listed(
                params.get("hazards"), set(bundle.hazards["hazard_id"]), ()
            ),
            kinds=_listed(params.get("kinds"), set(SHELTER_KINDS), ()),
        ),
        base_map=_choice(params.get("base"), list(BASE_MAPS), view.base_map),
    )
    if view.change_from == view.fiscal_year:
        view = replace(view, change_from=None)
    codes = set(bundle.districts["district_code"].astype(str))
    district = params.get("district") if params.get("district") in codes else None
    return ExplorerState(state.goal_id, view, district)


def state_to_params(state: ExplorerState) -> dict[str, str]:
    """The URL parameters of a state (the inverse of ``state_from_params``)."""
    view = state.view
    params = {
        "goal": state.goal_id,
        "indicator": view.indicator_id,
        "year": str(view.fiscal_year),
        "scheme": view.scheme or "",
        "layers": ",".join(view.layers),
        "base": view.base_map,
    }
    optional = {
        "from": str(view.change_from) if view.change_from is not None else "",
        "hazards": ",".join(view.shelters.hazards),
        "kinds": ",".join(view.shelters.kinds),
        "district": state.district or "",
    }
    params.update({key: value for key, value in optional.items() if value})
    return params


def _indicator_in(bundle: Bundle, params: Mapping[str, str]) -> str | None:
    """The URL's indicator, else the first mappable one of the URL's goal."""
    indicator_id = params.get("indicator")
    if indicator_id in set(bundle.indicators["indicator_id"]):
        return indicator_id
    goal_id = params.get("goal")
    rows = indicators_of(bundle, goal_id) if goal_id else bundle.indicators.iloc[0:0]
    return str(rows["indicator_id"].iloc[0]) if len(rows) else None


def _with_indicator(
    bundle: Bundle, state: ExplorerState, indicator_id: str
) -> ExplorerState:
    """``state`` switched to another indicator: its goal, latest year, scheme."""
    info = karte.indicator_info(bundle, indicator_id)
    years = years_of(bundle, indicator_id)
    view = replace(
        state.view,
        indicator_id=indicator_id,
        fiscal_year=years[-1] if years else 0,
        scheme=str(info["default_scheme"]),
        change_from=None,
    )
    return ExplorerState(str(info["goal_id"]), view, state.district)


def _level_of(bundle: Bundle, indicator_id: str) -> str:
    """The level of an indicator in the catalogue."""
    return str(karte.indicator_info(bundle, indicator_id)["level"])


def _choice(value, allowed, default):
    """``value`` when it is one of ``allowed``, else ``default`` (logged)."""
    if value in allowed:
        return value
    if value not in (None, ""):
        logger.warning("ignored URL value %r; expected one of %s", value, list(allowed))
    return default


def _int(text: str | None) -> int | None:
    """``text`` as an integer, or ``None``."""
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _listed(
    text: str | None, allowed: set[str], default: tuple[str, ...]
) -> tuple[str, ...]:
    """A comma-separated list keeping only allowed ids (``default`` when absent)."""
    if text is None:
        return default
    return tuple(item for item in text.split(",") if item in allowed)
