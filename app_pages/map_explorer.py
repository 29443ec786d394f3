"""地図で見る: choropleth of an indicator by district, with facility layers.

The view lives in the URL (st.query_params), so a copied link reopens it.
Panning and zooming never rerun the script; a click on an area reruns only
the map fragment, which fills the side panel.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from app_pages import map_parts, widgets
from app_pages.common import bundle_or_stop, data_banner
from kitaku_maps import karte
from kitaku_maps.bundle import Bundle
from kitaku_maps.maps import MapView, ShelterFilter, build_map
from kitaku_maps.maps.builder import selection_layer
from kitaku_maps.maps.facilities import SHELTER_CATEGORY
from kitaku_maps.maps.state import ExplorerState, years_of

#: Widget key of the indicator picker (its goal selectbox is ``map_indicator_goal``).
INDICATOR_KEY = "map_indicator"

#: What a map click sends back (pan and zoom send nothing, so never rerun).
RETURNED_OBJECTS = ["last_active_drawing", "last_object_clicked"]

#: st_folium's key; session_state holds its last returned value under it.
MAP_KEY = "explorer_map"

#: Height of the map in pixels.
MAP_HEIGHT = 540

#: Why the scheme cannot be chosen in the change view.
CHANGE_SCHEME_NOTE = (
    "変化の表示では、増減の向きが分かるよう0を中心に同じ幅で色分けします。"
)


def restore_widgets(state: ExplorerState) -> None:
    """Put a restored state into the widgets' keys (first run of the page only)."""
    view = state.view
    st.session_state.update(
        {
            f"{INDICATOR_KEY}_goal": state.goal_id,
            INDICATOR_KEY: view.indicator_id,
            "map_year": view.fiscal_year,
            "map_scheme": view.scheme,
            "map_change": view.change_from is not None,
            "map_from": view.change_from,
            "map_layers": list(view.layers),
            "map_shelter_hazards": list(view.shelters.hazards),
            "map_shelter_kinds": list(view.shelters.kinds),
            "map_base": view.base_map,
            "map_prev_indicator": view.indicator_id,
        }
    )
    if state.district:
        st.session_state["map_district"] = state.district


def controls(bundle: Bundle) -> MapView:
    """The goal, indicator, year, change, scheme, layer and base-map controls."""
    left, right = st.columns([3, 2])
    with left:
        choice = widgets.indicator_picker(bundle, INDICATOR_KEY)
    reset_scheme_on_new_indicator(bundle, choice.indicator_id)

    years = years_of(bundle, choice.indicator_id)
    with right:
        year = widgets.year_slider(years, "map_year")
        change_from = change_controls(years, year)

    layers = widgets.layer_toggles(bundle, "map_layers")
    with st.expander("色分け・避難所の絞り込み・背景地図"):
        scheme = widgets.scheme_picker("map_scheme", disabled=change_from is not None)
        if change_from is not None:
            st.caption(CHANGE_SCHEME_NOTE)
        hazards, kinds = (), ()
        if SHELTER_CATEGORY in layers:
            hazards, kinds = widgets.shelter_filters(bundle, "map_shelter")
        base_map = widgets.base_map_picker("map_base")

    return MapView(
        indicator_id=choice.indicator_id,
        fiscal_year=year or 0,
        scheme=scheme,
        change_from=change_from,
        layers=layers,
        shelters=ShelterFilter(hazards=hazards, kinds=kinds),
        base_map=base_map,
    )


def reset_scheme_on_new_indicator(bundle: Bundle, indicator_id: str) -> None:
    """A newly chosen indicator starts with its own default classification."""
    if st.session_state.get("map_prev_indicator") == indicator_id:
        return
    info = karte.indicator_info(bundle, indicator_id)
    st.session_state["map_scheme"] = str(info["default_scheme"])
    st.session_state["map_change"] = False
    st.session_state["map_prev_indicator"] = indicator_id


def change_controls(years: list[int], year: int | None) -> int | None:
    """The change view switch and the year to compare with."""
    earlier = [y for y in years if y != year]
    if not earlier:
        return None
    if not st.toggle("2つの年度の変化を見る", key="map_change"):
        return None
    return widgets.year_slider(
        earlier, "map_from", label="比べる年度（この年度から）", latest=False
    )


@st.fragment
def map_and_panel(bundle: Bundle, state: ExplorerState) -> None:
    """The map and the side panel; a click reruns only this fragment.

    The click is read from the map's last returned value before the map is
    drawn, so the chosen area's outline is passed along with the map.
    """
    path = str(bundle.path)
    view = state.view
    geometry = map_parts.cached_geometry(bundle, path)
    layer = map_parts.cached_layer(
        bundle, path, view.indicator_id, view.fiscal_year, view.scheme, view.change_from
    )
    facilities = map_parts.cached_facilities(bundle, path, view.layers, view.shelters)
    fmap = build_map(bundle, geometry, view, layer=layer, facilities=facilities)

    codes = [str(c) for c in layer.table["area_code"]]
    key = "map_district" if layer.level == "district" else "map_ward"

    clicked = map_parts.clicked_code(st.session_state.get(MAP_KEY), set(codes))
    if clicked:
        st.session_state[key] = clicked

    map_parts.empty_layers_note(facilities, view.shelters)
    map_column, panel_column = st.columns([3, 2])
    with panel_column:
        code = area_picker(layer, codes, key)
    with map_column:
        st_folium(
            fmap,
            key=MAP_KEY,
            height=MAP_HEIGHT,
            use_container_width=True,
            returned_objects=RETURNED_OBJECTS,
            feature_group_to_add=selection_layer(layer, geometry, code),
        )

    with panel_column:
        if code:
            map_parts.district_panel(bundle, layer, code)
        else:
            st.info("地図の区域をクリックするか、上で選ぶと、詳しい値が出ます。")

    district = code if layer.level == "district" else state.district
    map_parts.save_state(replace(state, district=district))


def area_picker(layer, codes: list[str], key: str) -> str | None:
    """A selectbox of the layer's areas, kept in step with map clicks."""
    names = dict(zip(codes, layer.table["name_ja"].astype(str), strict=True))
    if st.session_state.get(key) not in names:
        st.session_state[key] = None
    return st.selectbox(
        "区域を選ぶ",
        codes,
        format_func=names.get,
        key=key,
        placeholder="地図をクリックまたはここで選択",
    )


def page() -> None:
    """The map explorer page."""
    bundle = bundle_or_stop()
    data_banner(bundle)

    if INDICATOR_KEY not in st.session_state:
        restore_widgets(map_parts.initial_state(bundle))
    view = controls(bundle)
    goal_id = st.session_state[f"{INDICATOR_KEY}_goal"]
    district = st.session_state.get("map_district")

    state = ExplorerState(goal_id, view, district)
    map_parts.save_state(state)
    map_and_panel(bundle, state)


page()
