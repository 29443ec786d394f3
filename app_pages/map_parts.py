"""Parts of the map explorer page: caches, the URL state, the district panel."""

from __future__ import annotations

import json
import math

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from kitaku_maps import karte, offline, settings
from kitaku_maps.bundle import Bundle
from kitaku_maps.maps import ShelterFilter, WebGeometry, web_geometry
from kitaku_maps.maps.choropleth import IndicatorLayer, format_value, indicator_layer
from kitaku_maps.maps.facilities import (
    SHELTER_CATEGORY,
    FacilityPoints,
    facility_points,
)
from kitaku_maps.maps.legend import RANK_TITLES, average_names
from kitaku_maps.maps.state import ExplorerState, state_from_params, state_to_params

#: The district chart page (issue 5) that the panel links to, and its URL path.
DISTRICT_PAGE = "app_pages/district.py"
DISTRICT_URL = "district"

#: Japanese names of ``missing_reason`` values (docs/DATASET.md).
MISSING_REASONS = {"suppressed": "秘匿（少数のため非公表）", "not_collected": "未集計"}

#: Columns of the trend chart's legend (three names do not fit one line).
TREND_LEGEND_COLUMNS = 2

#: Pixel height of the trend chart, axes and legend included (Streamlit fits
#: the whole chart into it, so less leaves the lines no room).
TREND_HEIGHT = 280

#: session_state key of the last map click handled.
LAST_CLICK = "map_last_click"

#: session_state key holding the explorer's last state across page visits.
SAVED_STATE = "map_saved_state"

#: Loaded bundles whose web geometry is kept (a reload after an import adds one).
BUNDLES_KEPT = 2


def cached_geometry(bundle: Bundle, bundle_path: str) -> WebGeometry:
    """Web geometry of the loaded bundle, prepared once per loaded bundle.

    Cached by the bundle object's identity as well as its folder, so a bundle
    reloaded after an import (same folder, new contents) is prepared afresh.
    """
    return _geometry_entry(bundle, bundle_path, id(bundle))[1]


def cached_layer(
    bundle: Bundle,
    bundle_path: str,
    indicator_id: str,
    fiscal_year: int,
    scheme: str | None,
    change_from: int | None,
) -> IndicatorLayer:
    """The indicator layer of one view (read-only, shared between sessions)."""
    key = (indicator_id, fiscal_year, scheme, change_from)
    return _layer_entry(bundle, bundle_path, id(bundle), key)[1]


def cached_facilities(
    bundle: Bundle, bundle_path: str, layers: tuple, shelters: ShelterFilter
) -> list[FacilityPoints]:
    """Facility points of the chosen layers and shelter filters."""
    return _facilities_entry(bundle, bundle_path, id(bundle), layers, shelters)[1]


# Each cache entry holds the bundle it was computed from: while the entry
# lives, no other bundle can get the same id(), so a reloaded bundle never
# hits an entry of the bundle it replaced.


@st.cache_resource(show_spinner="地図の準備をしています…", max_entries=BUNDLES_KEPT)
def _geometry_entry(
    _bundle: Bundle, bundle_path: str, bundle_id: int
) -> tuple[Bundle, WebGeometry]:
    """The bundle and its web geometry (Leaflet copied into the static folder)."""
    offline.ensure_vendor_assets(settings.STATIC_DIR)
    return _bundle, web_geometry(_bundle)


@st.cache_resource(max_entries=64)
def _layer_entry(
    _bundle: Bundle, bundle_path: str, bundle_id: int, key: tuple
) -> tuple[Bundle, IndicatorLayer]:
    """The bundle and the indicator layer of ``key`` (indicator, year, scheme,
    year compared with)."""
    return _bundle, indicator_layer(_bundle, *key)


@st.cache_resource(max_entries=64)
def _facilities_entry(
    _bundle: Bundle,
    bundle_path: str,
    bundle_id: int,
    layers: tuple,
    shelters: ShelterFilter,
) -> tuple[Bundle, list[FacilityPoints]]:
    """The bundle and the facility points of the chosen layers and filters."""
    return _bundle, facility_points(_bundle, layers, shelters)


def initial_state(bundle: Bundle) -> ExplorerState:
    """The state to open with: the URL's, else this session's last, else default."""
    params = {key: st.query_params[key] for key in st.query_params}
    if not params.get("indicator") and SAVED_STATE in st.session_state:
        params = st.session_state[SAVED_STATE]
    return state_from_params(bundle, params)


def save_state(state: ExplorerState) -> None:
    """Write the state into the URL (shareable) and into the session."""
    params = state_to_params(state)
    st.session_state[SAVED_STATE] = params
    if {key: st.query_params[key] for key in st.query_params} != params:
        st.query_params.from_dict(params)


def empty_layers_note(
    facilities: list[FacilityPoints], shelters: ShelterFilter
) -> None:
    """Say which chosen facility layers have nothing to show, and why."""
    filtered = bool(shelters.hazards or shelters.kinds)
    for points in facilities:
        if points.count:
            continue
        if points.category_id == SHELTER_CATEGORY and filtered:
            st.caption(
                f"選んだ条件に合う{points.name_ja}はありません。"
                "「対応する災害」や「種別」の絞り込みを減らしてください。"
            )
        else:
            st.caption(f"{points.name_ja}のデータはありません。")


def clicked_code(returned: dict | None, known: set[str]) -> str | None:
    """The area code of a new click on an area, from st_folium's return value.

    A click is new when the clicked feature or point differs from the last
    one seen, so clicking the same area again after choosing another in the
    panel selects it again.
    """
    returned = returned or {}
    drawing = returned.get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("code")
    click = (code, json.dumps(returned.get("last_object_clicked"), sort_keys=True))
    if code not in known or st.session_state.get(LAST_CLICK) == click:
        return None
    st.session_state[LAST_CLICK] = click
    return code


def district_panel(bundle: Bundle, layer: IndicatorLayer, code: str) -> None:
    """Value, averages, rank and trend of one area, with a link to its chart."""
    table = layer.table.set_index(layer.table["area_code"].astype(str))
    if code not in table.index:
        st.info("地図の区域をクリックすると、ここに詳しい値が出ます。")
        return
    row = table.loc[code]
    info = layer.info
    series = karte.indicator_series(bundle, str(info["indicator_id"]), code)
    st.subheader(str(row["name_ja"]))

    st.metric(layer.title, headline_value(layer, row))
    lines = change_lines(layer, row) + average_lines(bundle, layer, series)
    if pd.notna(row.get("rank")):
        ranked = int(table["rank"].notna().sum())
        title = RANK_TITLES.get(str(info["better"]), "順位")
        lines.append(f"{title}: {int(row['rank'])}位／{ranked}")
    st.markdown("  \n".join(lines))
    _source_caption(bundle, layer, row)

    trend_chart(bundle, info, series)
    if layer.level == "district":
        chart_page_link(str(row["name_ja"]), code)


def chart_page_link(name: str, code: str) -> None:
    """A link to the district's chart page (a plain URL outside navigation)."""
    label = f"{name}の校区カルテを見る"
    try:
        st.page_link(
            DISTRICT_PAGE,
            label=label,
            icon=":material/description:",
            query_params={"district": code},
        )
    except StreamlitPageNotFoundError:
        st.markdown(f"[{label}]({DISTRICT_URL}?district={code})")


def trend_chart(bundle: Bundle, info: pd.Series, series: pd.DataFrame) -> None:
    """A small line chart of the area's values over the years, with averages.

    ``series`` is ``karte.indicator_series`` of the area. Year labels stay
    level and the legend wraps, so both read in a narrow side panel.
    """
    if series["value"].notna().sum() < 2:
        return
    names = {
        "value": "この区域",
        "ward_average": f"{bundle.meta['ward_name_ja']}平均",
        "city_average": f"{bundle.meta['city_name_ja']}平均",
    }
    long = series.melt("fiscal_year", var_name="series", value_name="v").dropna()
    long["series"] = long["series"].map(names)
    legend = alt.Legend(orient="bottom", columns=TREND_LEGEND_COLUMNS, labelLimit=0)
    chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("fiscal_year:O", title="年度", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("v:Q", title=str(info["unit"]), scale=alt.Scale(zero=False)),
            color=alt.Color("series:N", title=None, legend=legend),
        )
        .properties(height=TREND_HEIGHT)
    )
    st.altair_chart(chart, width="stretch")


def average_lines(
    bundle: Bundle, layer: IndicatorLayer, series: pd.DataFrame
) -> list[str]:
    """Ward and city averages as markdown lines; a missing one says so.

    When the city has no figure for the shown year, the line names the
    latest year that has one (``series`` is ``karte.indicator_series``).
    """
    signed = layer.change_from is not None
    lines = []
    for column, name in average_names(layer, bundle).items():
        value = layer.averages.get(column, math.nan)
        if math.isnan(value):
            lines.append(f"{name}: {_no_average_text(layer, series, column)}")
        else:
            lines.append(f"{name}: **{format_value(value, layer.info, signed)}**")
    return lines


def _no_average_text(layer: IndicatorLayer, series: pd.DataFrame, column: str) -> str:
    """'2024年度の値なし', with the latest year that has a value, if any."""
    if layer.change_from is not None:
        return "値なし"
    text = f"{layer.fiscal_year}年度の値なし"
    known = series.dropna(subset=[column])
    if known.empty:
        return text
    latest = known.iloc[-1]
    value = format_value(float(latest[column]), layer.info)
    return f"{text}（{int(latest['fiscal_year'])}年度は{value}）"


def headline_value(layer: IndicatorLayer, row: pd.Series) -> str:
    """The area's value; in the change view only the change (both years below)."""
    if layer.change_from is None:
        return str(row["label"])
    return format_value(row["value"], layer.info, signed=True)


def change_lines(layer: IndicatorLayer, row: pd.Series) -> list[str]:
    """'2019年度: 21.0% → 2024年度: 21.4%' in the change view, else nothing."""
    if layer.change_from is None:
        return []
    before = format_value(row["value_before"], layer.info)
    after = format_value(row["value_after"], layer.info)
    return [f"{layer.change_from}年度: {before} → {layer.fiscal_year}年度: {after}"]


def _source_caption(bundle: Bundle, layer: IndicatorLayer, row: pd.Series) -> None:
    """Where the value comes from, as of when, and whether it is demo."""
    parts = []
    source = _source_of(bundle, layer, str(row["area_code"]))
    if row.get("status") == "demo":
        parts.append("デモ用の仮の数値（実際の統計ではありません）")
    elif source:
        parts.append(f"出典: {source}")
    if isinstance(row.get("as_of"), str) and row.get("as_of"):
        parts.append(f"{row['as_of']}時点")
    if isinstance(row.get("missing_reason"), str) and row.get("missing_reason"):
        reason = MISSING_REASONS.get(row["missing_reason"], row["missing_reason"])
        parts.append(f"値がない理由: {reason}")
    if parts:
        st.caption("・".join(parts))


def _source_of(bundle: Bundle, layer: IndicatorLayer, code: str) -> str:
    """The title of the source of the area's shown value, or ''."""
    values = karte.area_values(
        bundle, str(layer.info["indicator_id"]), layer.level, layer.fiscal_year
    )
    source_ids = values.loc[values["area_code"] == code, "source_id"].dropna()
    if source_ids.empty:
        return ""
    source_id = str(source_ids.iloc[0])
    titles = dict(
        zip(
            bundle.sources["source_id"].astype(str),
            bundle.sources["title_ja"].astype(str),
            strict=True,
        )
    )
    return titles.get(source_id, source_id)
