"""Parts of the nearest-shelter page: cached indexes, the location button, answers.

The phone-location button is a small ``st.components.v2`` component: the
browser asks for the location only when the button is tapped, and only on a
secure page (https or localhost).
"""

from __future__ import annotations

import re

import streamlit as st

from app_pages.common import cached_bundle
from kitaku_maps.nearest import (
    OPENING_RECORD_NOTE_JA,
    WALK_ASSUMPTION_JA,
    FacilityFinder,
    NearestFacility,
)
from kitaku_maps.places import Place, TownMatcher

#: Tap targets of at least 44 CSS pixels on phones (nothing needs hover).
TAP_CSS = """<style>
[data-testid=stButtonGroup] button{min-height:44px;padding:0 16px}
[data-testid=stNumberInputStepDown],[data-testid=stNumberInputStepUp]{min-width:44px}
[data-testid=stNumberInputContainer],[data-testid=stTextInputRootElement]{height:44px}
.stButton button,.stLinkButton a,.stDownloadButton button{min-height:44px}
</style>"""

_GEOLOCATION_HTML = """
<button type="button" class="geo">📍 現在地から探す</button>
<div class="note" role="status"></div>
"""

_GEOLOCATION_CSS = """
.geo{min-height:48px;width:100%;font-size:1rem;border-radius:.5rem;
 border:1px solid var(--st-border-color, #bbb);background:var(--st-background-color);
 color:var(--st-text-color);cursor:pointer}
.note{font-size:.9rem;margin-top:.25rem}
"""

_GEOLOCATION_JS = """
export default function (component) {
  const { parentElement, setTriggerValue } = component;
  const button = parentElement.querySelector("button.geo");
  const note = parentElement.querySelector(".note");
  button.onclick = () => {
    if (!window.isSecureContext) {
      setTriggerValue("error", "insecure");
      return;
    }
    if (!navigator.geolocation) {
      setTriggerValue("error", "unsupported");
      return;
    }
    note.textContent = "現在地を確かめています…";
    navigator.geolocation.getCurrentPosition(
      (p) => {
        note.textContent = "";
        setTriggerValue("position", {lat: p.coords.latitude,
          lon: p.coords.longitude, accuracy: p.coords.accuracy});
      },
      (e) => {
        note.textContent = "";
        setTriggerValue("error", e.code === 1 ? "denied" : "unavailable");
      },
      {enableHighAccuracy: true, timeout: 10000, maximumAge: 60000}
    );
  };
}
"""

#: Japanese messages for the location errors the button reports.
_OTHER_WAYS_JA = "町名を入力するか、地図をタップしてください。"
GEOLOCATION_ERRORS_JA = {
    "denied": "現在地の利用が許可されませんでした。" + _OTHER_WAYS_JA,
    "unavailable": "現在地を取得できませんでした。" + _OTHER_WAYS_JA,
    "unsupported": "このブラウザーでは現在地を使えません。" + _OTHER_WAYS_JA,
    "insecure": "現在地は https で始まるアドレスで開いたときだけ使えます。"
    + _OTHER_WAYS_JA,
}

_geolocation = st.components.v2.component(
    "kitaku_geolocation",
    html=_GEOLOCATION_HTML,
    css=_GEOLOCATION_CSS,
    js=_GEOLOCATION_JS,
)


def geolocation_button(key: str):
    """Mount the location button; its result has ``position`` or ``error`` once."""
    return _geolocation(
        key=key, on_position_change=lambda: None, on_error_change=lambda: None
    )


@st.cache_resource(show_spinner=False)
def cached_finder(path: str) -> FacilityFinder:
    """The bundle's nearest-facility index, built once per process (read-only)."""
    return FacilityFinder.from_bundle(cached_bundle(path))


@st.cache_resource(show_spinner=False)
def cached_matcher(path: str) -> TownMatcher:
    """The bundle's town matcher, built once per process (read-only)."""
    bundle = cached_bundle(path)
    prefixes = (bundle.meta["city_name_ja"], bundle.meta["ward_name_ja"])
    return TownMatcher(bundle.towns, prefixes)


def place_from_params(params, matcher: TownMatcher) -> Place | None:
    """Return the place URL parameters name (``town``, or ``lat`` and ``lon``)."""
    if params.get("town"):
        return matcher.match(params["town"]).place
    try:
        lat, lon = float(params["lat"]), float(params["lon"])
    except (KeyError, ValueError):
        return None
    return point_place(lat, lon)


def count_from_params(params, default: int, most: int = 10) -> int:
    """Return the ``n`` URL parameter as 1..``most``, or ``default`` if unreadable."""
    try:
        return min(max(int(params.get("n", default)), 1), most)
    except ValueError:
        return default


def point_place(lat: float, lon: float, name: str = "") -> Place:
    """Return a place that is only a point (lat, lon degrees)."""
    return Place(
        name or f"地図の地点（{lat:.5f}, {lon:.5f}）", lat, lon, source="point"
    )


def view_params(place: Place | None, category: str, hazard: str | None, n: int):
    """Return the URL parameters of a view (town, or lat and lon)."""
    params = {"category": category, "n": str(n)}
    if hazard:
        params["hazard"] = hazard
    if place is not None and place.source == "towns":
        params["town"] = place.name_ja
    elif place is not None:
        params |= {"lat": f"{place.lat:.6f}", "lon": f"{place.lon:.6f}"}
    return params


def markdown_text(text: str) -> str:
    """Return data text with Markdown's special characters escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~$])", r"\\\1", str(text))


def show_answer(rank: int, facility: NearestFacility) -> None:
    """Show one answer as a bordered card with a large link button."""
    with st.container(border=True):
        st.markdown(f"#### {rank}. {markdown_text(facility.name)}")
        if facility.status == "demo":
            st.warning("デモ用のサンプルです。実在の施設ではありません。", icon="⚠️")
        st.markdown(
            f"**{facility.direction}へ {facility.distance_m:,.0f} m**"
            f"（徒歩 約{facility.walk_min}分）"
        )
        if facility.kinds_ja:
            st.markdown("種類: " + "・".join(facility.kinds_ja))
        if facility.hazards:
            hazards = "・".join(markdown_text(h) for h in facility.hazards)
            st.markdown(f"対応する災害: {hazards}")
        if facility.address:
            st.caption(f"住所: {markdown_text(facility.address)}")
        if facility.open_status_ja:
            st.caption(f"開設状況（記録）: {facility.open_status_ja}")
        st.link_button("地理院地図で開く", facility.gsi_url, icon="🗺️", width="stretch")


def show_answers(place: Place | None, found, sources, note_ja: str = "") -> None:
    """The answer as a readable list (cards), the distance assumption, credits.

    ``note_ja`` warns that a nearer facility may lie beyond the data's area.
    """
    if place is None:
        st.info("町名を入力するか、現在地のボタンを押すか、地図をタップしてください。")
        return
    st.subheader(f"{markdown_text(place.name_ja)} から近い順")
    if not found:
        st.warning("条件に合う施設がデータにありません。")
    if note_ja:
        st.warning(note_ja, icon="ℹ️")
    for rank, facility in enumerate(found, start=1):
        show_answer(rank, facility)
    st.caption(WALK_ASSUMPTION_JA)
    recorded = sorted({f.as_of for f in found if f.open_status})
    if recorded:
        st.caption(OPENING_RECORD_NOTE_JA.format(as_of="、".join(recorded)))
    show_credits(place, found, sources)


def show_credits(place: Place, found, sources) -> None:
    """Credit the sources of the answers and of the place's position."""
    ids = {i for f in found for i in f.credit_ids} | {place.source_id}
    used = sources[sources["source_id"].isin(ids)]
    for source in used.itertuples(index=False):
        credit = source.credit_ja or source.title_ja
        as_of = f"（{source.as_of}時点）" if isinstance(source.as_of, str) else ""
        st.caption(f"出典: {markdown_text(credit)}{as_of}")
