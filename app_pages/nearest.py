"""近くの避難所・施設: the nearest shelters for the disaster at hand, or facilities.

Where: a typed town, the phone's location (asked for on a tap) or a tap on the
map. The view lives in the URL: ``lat``/``lon`` or ``town``, ``hazard``,
``category``, ``n``.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from app_pages import nearest_parts as parts
from app_pages.common import bundle_or_stop, facility_banner
from app_pages.map_parts import cached_geometry
from kitaku_maps import settings
from kitaku_maps.errors import KitakuError
from kitaku_maps.handout import SHELTER_KINDS_JA, app_base_url, make_handout
from kitaku_maps.nearest import (
    ANY_HAZARD,
    DEFAULT_COUNT,
    SHELTER_CATEGORY,
)
from kitaku_maps.nearest_map import nearest_map
from kitaku_maps.places import Place, PlaceLookupError, search_gsi_address

DATA = str(settings.DATA_DIR)
PLACE = "nearest_place"


def choose_town(matcher) -> None:
    """Type a town: one match sets the place; several offer buttons; none explain."""
    examples = "、".join(p.name_ja for p in matcher.places[:2])
    text = st.text_input(
        "町名・住所で探す", key="nearest_town", placeholder=f"例: {examples}"
    )
    if not text or text == st.session_state.get("nearest_town_done"):
        return

    match = matcher.match(text)
    if match.found:
        st.session_state[PLACE] = match.place
        st.session_state["nearest_town_done"] = text
        return

    (st.info if match.candidates else st.warning)(match.message_ja)
    candidates = match.candidates or online_candidates(text)
    for i, place in enumerate(candidates):
        if st.button(place.name_ja, key=f"nearest_candidate_{i}", width="stretch"):
            st.session_state[PLACE] = place
            st.session_state["nearest_town_done"] = text
            st.rerun()


def online_candidates(text: str) -> list[Place]:
    """Offer the GSI address search for ``text``; keep its answer for this text."""
    asked, found = st.session_state.get("nearest_gsi", ("", []))
    if asked == text:
        return found
    if not st.button("国土地理院の住所検索で探す（インターネット接続が必要）"):
        return []
    try:
        found = search_gsi_address(text)
    except PlaceLookupError as error:
        st.warning(error.message_ja)
        return []
    if not found:
        st.warning(f"住所検索でも「{text}」は見つかりませんでした。")
    st.session_state["nearest_gsi"] = (text, found)
    return found


def choose_by_location() -> None:
    """The phone-location button: on a tap, the browser's position is the place."""
    result = parts.geolocation_button("nearest_geolocation")
    if result.position:
        lat, lon = result.position["lat"], result.position["lon"]
        st.session_state[PLACE] = parts.point_place(lat, lon, "現在地")
    elif result.error:
        st.warning(parts.GEOLOCATION_ERRORS_JA.get(result.error, result.error))


def choose_what(bundle, finder) -> tuple[str, str | None, int]:
    """Return the category, the hazard (or None) and how many to list."""
    categories = bundle.categories.sort_values("order")
    ids = categories["category_id"].tolist()
    names = dict(zip(ids, categories["name_ja"], strict=True))
    wanted = st.query_params.get("category", SHELTER_CATEGORY)
    category = st.selectbox(
        "探すもの",
        ids,
        index=ids.index(wanted) if wanted in ids else 0,
        format_func=names.get,
        key="nearest_category",
    )

    hazard = None
    if category == SHELTER_CATEGORY:
        options = [*finder.hazard_names, ANY_HAZARD]
        labels = {**finder.hazard_names, ANY_HAZARD: "災害を問わない"}
        wanted = st.query_params.get("hazard", ANY_HAZARD)
        hazard = st.pills(
            "どの災害に備えますか",
            options,
            format_func=labels.get,
            default=wanted if wanted in options else ANY_HAZARD,
            key="nearest_hazard",
        )
        st.caption("　".join(SHELTER_KINDS_JA))
        if hazard not in (None, ANY_HAZARD) and finder.shelters_without_hazards:
            st.caption(
                f"対応する災害の種類が登録されていない避難所が"
                f"{finder.shelters_without_hazards}か所あります。"
                "「災害を問わない」を選ぶと表示されます。"
            )

    count = parts.count_from_params(st.query_params, DEFAULT_COUNT)
    n = st.number_input("表示する数", 1, 10, count, key="nearest_n")
    return category, hazard, int(n)


def show_map(bundle, place, found) -> None:
    """The map of the place and the answers; a tap on it chooses a new place."""
    fmap = nearest_map(bundle, cached_geometry(bundle, DATA), place, found)
    state = st_folium(
        fmap,
        key="nearest_map",
        height=420,
        use_container_width=True,
        returned_objects=["last_clicked"],
    )
    clicked = (state or {}).get("last_clicked")
    if clicked and clicked != st.session_state.get("nearest_last_click"):
        st.session_state["nearest_last_click"] = clicked
        st.session_state[PLACE] = parts.point_place(clicked["lat"], clicked["lng"])
        st.rerun()


def show_handout(bundle, finder, place: Place, hazard: str | None, n: int) -> None:
    """Offer the printable one-page PDF of this place.

    Its QR code opens this view at the address the user is on, read here:
    the PDF is made later, outside this script run.
    """
    base_url = app_base_url(st.context.url)
    st.download_button(
        "印刷用の避難所メモ（A4・PDF）",
        data=lambda: make_handout(bundle, finder, place, hazard, n, base_url),
        file_name="nearest_shelters.pdf",
        mime="application/pdf",
        icon="🖨️",
        width="stretch",
        on_click="ignore",
    )


def main() -> None:
    """The page: where, what, the answer as a list, the map, the handout."""
    st.title("近くの避難所・施設")
    st.html(parts.TAP_CSS)
    bundle = bundle_or_stop()
    facility_banner(bundle)
    finder, matcher = parts.cached_finder(DATA), parts.cached_matcher(DATA)
    if PLACE not in st.session_state:
        place = parts.place_from_params(st.query_params, matcher)
        st.session_state[PLACE] = place
        if place is not None and place.source == "towns":
            st.session_state["nearest_town"] = place.name_ja
            st.session_state["nearest_town_done"] = place.name_ja

    st.subheader("どこから探しますか")
    choose_town(matcher)
    choose_by_location()
    st.caption("下の地図をタップしても場所を選べます。")
    category, hazard, n = choose_what(bundle, finder)

    place = st.session_state[PLACE]
    params = parts.view_params(place, category, hazard, n)
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    found, note = [], ""
    if place is not None:
        try:
            found = finder.nearest(place.lat, place.lon, category, hazard, n)
            note = finder.beyond_area_note_ja(place.lat, place.lon, found)
        except KitakuError as error:
            st.error(error.message_ja)

    answers, drawn = st.columns([1, 1])
    with answers:
        parts.show_answers(place, found, bundle.sources, note)
    with drawn:
        show_map(bundle, place, found)
    if place is not None and category == SHELTER_CATEGORY:
        show_handout(bundle, finder, place, hazard, n)


main()
