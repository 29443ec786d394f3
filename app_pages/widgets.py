"""Widgets shared by pages: goal -> indicator picker, year slider, layer toggles.

Each widget keeps its value in ``st.session_state[key]``; a page sets that key
before the first run (e.g. from the URL) to choose the initial value. Names
come from the bundle's catalogue, never from code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from kitaku_maps.bundle import Bundle
from kitaku_maps.maps.basemaps import BASE_MAPS
from kitaku_maps.maps.facilities import SHELTER_KINDS
from kitaku_maps.maps.state import MAP_LEVELS, indicators_of

#: Japanese labels of the levels shown next to indicator names.
LEVEL_LABELS = {"district": "校区別", "ward": "区別", "city": "市全体"}

#: Japanese names of the classification schemes.
SCHEME_LABELS = {
    "natural_breaks": "自然な区切り（ジェンクス）",
    "quantiles": "同じ数ずつ（分位数）",
    "equal_interval": "等間隔",
}


@dataclass(frozen=True)
class IndicatorChoice:
    """The goal and indicator a user picked."""

    goal_id: str
    indicator_id: str


def indicator_picker(
    bundle: Bundle, key: str, levels: Sequence[str] = MAP_LEVELS
) -> IndicatorChoice:
    """Pick a goal, then one of its indicators at ``levels``.

    Widget keys: ``{key}_goal`` and ``{key}``. Changing the goal selects the
    goal's first indicator.
    """
    goals = _goals_with_indicators(bundle, levels)
    goal_key = f"{key}_goal"
    _keep_valid(goal_key, list(goals))

    goal_id = st.selectbox(
        "目標（まちづくり方針）",
        list(goals),
        format_func=goals.get,
        key=goal_key,
        on_change=_reset_indicator,
        args=(bundle, key, levels),
    )
    rows = indicators_of(bundle, goal_id, levels)
    names = {
        row.indicator_id: f"{row.name_ja}（{LEVEL_LABELS.get(row.level, row.level)}）"
        for row in rows.itertuples(index=False)
    }
    _keep_valid(key, list(names))

    indicator_id = st.selectbox("指標", list(names), format_func=names.get, key=key)
    return IndicatorChoice(goal_id, indicator_id)


def year_slider(
    years: Sequence[int], key: str, label: str = "年度", latest: bool = True
) -> int | None:
    """A slider over the fiscal years present (a caption when only one).

    A value not among ``years`` becomes the latest year (the earliest when
    ``latest`` is false).
    """
    if not years:
        st.caption("この指標には値がありません。")
        return None
    _keep_valid(key, list(years), default=years[-1] if latest else years[0])
    if len(years) == 1:
        st.caption(f"{label}: {years[0]}年度（この年度のみ）")
        return years[0]
    return st.select_slider(
        label, options=list(years), format_func=lambda y: f"{y}年度", key=key
    )


def scheme_picker(key: str, disabled: bool = False) -> str:
    """Choose how values are split into colour classes (greyed out if ``disabled``)."""
    _keep_valid(key, list(SCHEME_LABELS))
    return st.radio(
        "色分けの方法",
        list(SCHEME_LABELS),
        format_func=SCHEME_LABELS.get,
        key=key,
        horizontal=True,
        disabled=disabled,
    )


def layer_toggles(bundle: Bundle, key: str) -> tuple[str, ...]:
    """Facility categories to show, named as in ``categories.csv``."""
    categories = bundle.categories.sort_values("order")
    names = dict(zip(categories["category_id"], categories["name_ja"], strict=True))
    _keep_valid_many(key, list(names))
    chosen = st.multiselect(
        "施設を表示",
        list(names),
        format_func=names.get,
        key=key,
        placeholder="表示する施設を選ぶ",
    )
    return tuple(chosen)


def shelter_filters(
    bundle: Bundle, key: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Hazards every shown shelter must suit, and shelter kinds to show."""
    hazards = bundle.hazards.sort_values("order")
    hazard_names = dict(zip(hazards["hazard_id"], hazards["name_ja"], strict=True))
    _keep_valid_many(f"{key}_hazards", list(hazard_names))
    _keep_valid_many(f"{key}_kinds", list(SHELTER_KINDS))

    chosen_hazards = st.multiselect(
        "避難所: 対応する災害（選んだすべてに対応する所）",
        list(hazard_names),
        format_func=hazard_names.get,
        key=f"{key}_hazards",
        placeholder="絞り込まない（すべて表示）",
    )
    chosen_kinds = st.multiselect(
        "避難所: 種別",
        list(SHELTER_KINDS),
        format_func=SHELTER_KINDS.get,
        key=f"{key}_kinds",
        placeholder="絞り込まない（すべて表示）",
    )
    return tuple(chosen_hazards), tuple(chosen_kinds)


def base_map_picker(key: str) -> str:
    """Choose the background map."""
    _keep_valid(key, list(BASE_MAPS))
    names = {base_id: base.name_ja for base_id, base in BASE_MAPS.items()}
    return st.selectbox("背景地図", list(names), format_func=names.get, key=key)


def _goals_with_indicators(bundle: Bundle, levels: Sequence[str]) -> dict[str, str]:
    """Goal id -> Japanese title, for goals with an indicator at ``levels``."""
    goals = bundle.goals.sort_values("order")
    used = set(indicators_of(bundle, None, levels)["goal_id"])
    return {
        row.goal_id: row.title_ja
        for row in goals.itertuples(index=False)
        if row.goal_id in used
    }


def _reset_indicator(bundle: Bundle, key: str, levels: Sequence[str]) -> None:
    """After a goal change, select the new goal's first indicator."""
    rows = indicators_of(bundle, st.session_state[f"{key}_goal"], levels)
    if len(rows):
        st.session_state[key] = str(rows["indicator_id"].iloc[0])


def _keep_valid(key: str, options: list, default=None) -> None:
    """Make ``st.session_state[key]`` one of ``options`` before its widget runs."""
    if not options:
        return
    if st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else options[0]


def _keep_valid_many(key: str, options: list) -> None:
    """Drop values of a multiselect's state that are no longer options."""
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
