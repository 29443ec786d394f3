"""What a bundle holds, as plain data: for ``info`` and the data-and-sources page."""

from __future__ import annotations

import pandas as pd

from kitaku_maps import settings
from kitaku_maps.bundle import FILES, Bundle
from kitaku_maps.schemas import SHELTER_FLAGS, STATUSES


def summarise(bundle: Bundle) -> dict:
    """Return the bundle's summary as JSON-ready dicts and lists.

    Areas are in km², computed in the metric CRS (EPSG:6670).
    """
    return {
        "path": str(bundle.path),
        "title_ja": bundle.meta.get("title_ja", ""),
        "ward": {
            "code": str(bundle.meta.get("ward_code", "")),
            "name_ja": bundle.meta.get("ward_name_ja", ""),
            "area_km2": round(float(area_km2(bundle.outline).sum()), 3),
        },
        "districts": district_rows(bundle),
        "wards": ward_rows(bundle),
        "goals": goal_rows(bundle),
        "indicators": indicator_rows(bundle),
        "years": years_covered(bundle),
        "facilities": facility_counts(bundle),
        "shelters": shelter_counts(bundle),
        "files": file_rows(bundle),
        "has_demo": bundle.has_demo,
        "has_approximate_boundaries": bundle.has_approximate_boundaries,
    }


def area_km2(frame) -> pd.Series:
    """Area of each geometry in km², measured in EPSG:6670."""
    return frame.geometry.to_crs(settings.METRIC_CRS).area / 1e6


def district_rows(bundle: Bundle) -> list[dict]:
    """Code, name, school, area (km²) and boundary status of each district."""
    districts = bundle.districts.assign(area_km2=area_km2(bundle.districts).round(3))
    columns = ["district_code", "name_ja", "school_name_ja", "area_km2"]
    return _records(districts[[*columns, "boundary_status"]])


def ward_rows(bundle: Bundle) -> list[dict]:
    """Code, name and area (km²) of each ward of the city."""
    wards = bundle.wards.assign(area_km2=area_km2(bundle.wards).round(3))
    return _records(wards[["ward_code", "name_ja", "area_km2"]])


def goal_rows(bundle: Bundle) -> list[dict]:
    """The goals in order, each with how many indicators it has."""
    counts = bundle.indicators["goal_id"].value_counts()
    goals = bundle.goals.sort_values("order")
    goals = goals.assign(indicators=goals["goal_id"].map(counts).fillna(0).astype(int))
    return _records(goals[["goal_id", "order", "title_ja", "title_en", "indicators"]])


def indicator_rows(bundle: Bundle) -> list[dict]:
    """The catalogue in goal order, with each indicator's count of values by status."""
    statuses = status_counts(bundle.values)
    goal_order = bundle.goals.set_index("goal_id")["order"]
    catalogue = bundle.indicators.assign(
        goal_order=bundle.indicators["goal_id"].map(goal_order)
    ).sort_values(["goal_order", "order"])
    columns = ["indicator_id", "goal_id", "level", "kind", "name_ja", "name_en"]
    rows = _records(catalogue[[*columns, "unit"]])

    for row in rows:
        row["values"] = statuses.get(row["indicator_id"], dict.fromkeys(STATUSES, 0))
    return rows


def status_counts(values: pd.DataFrame) -> dict[str, dict[str, int]]:
    """For each indicator id, how many of its values are official, computed, demo."""
    given = values[values["value"].notna()]
    table = pd.crosstab(given["indicator_id"], given["status"])
    table = table.reindex(columns=list(STATUSES), fill_value=0)
    return {str(i): {s: int(n) for s, n in row.items()} for i, row in table.iterrows()}


def years_covered(bundle: Bundle) -> dict[str, list[int]]:
    """The fiscal years with values, population and initiatives."""
    frames = {
        "values": bundle.values,
        "population": bundle.population,
        "initiatives": bundle.initiatives,
    }
    return {
        name: sorted(int(y) for y in frame["fiscal_year"].dropna().unique())
        for name, frame in frames.items()
    }


def facility_counts(bundle: Bundle) -> list[dict]:
    """Each category in order, with its name and number of facilities."""
    counts = bundle.facilities["category_id"].value_counts()
    categories = bundle.categories.sort_values("order")
    categories = categories.assign(
        count=categories["category_id"].map(counts).fillna(0).astype(int)
    )
    return _records(categories[["category_id", "name_ja", "name_en", "count"]])


def shelter_counts(bundle: Bundle) -> dict:
    """Sites with shelter attributes, and how many suit each hazard type."""
    facilities = bundle.facilities
    flags = [f for f in SHELTER_FLAGS if f in facilities.columns]
    shelters = facilities[facilities[flags].notna().any(axis=1)]
    hazards = bundle.hazards.sort_values("order")

    return {
        "count": len(shelters),
        "designated": _flag_count(shelters, "is_designated_shelter"),
        "emergency_sites": _flag_count(shelters, "is_emergency_site"),
        "welfare": _flag_count(shelters, "is_welfare_shelter"),
        "with_hazard_types": int(
            (shelters[list(hazards["column"])] == 1).any(axis=1).sum()
        ),
        "hazards": [
            {
                "hazard_id": h.hazard_id,
                "name_ja": h.name_ja,
                "count": _flag_count(shelters, h.column),
            }
            for h in hazards.itertuples()
        ],
    }


def file_rows(bundle: Bundle) -> list[dict]:
    """Each data file with its row count, sources and latest as-of date."""
    source_dates = bundle.sources.set_index("source_id")["as_of"]
    rows = []

    for key, name in FILES.items():
        if key in ("meta", "sources"):
            continue
        frame = getattr(bundle, key)
        sources = (
            sorted(frame["source_id"].dropna().unique()) if "source_id" in frame else []
        )
        dates = (
            frame["as_of"] if "as_of" in frame else pd.Series(sources).map(source_dates)
        )
        rows.append(
            {
                "file": name,
                "rows": len(frame),
                "sources": [str(s) for s in sources],
                "as_of": str(dates.dropna().max()) if dates.notna().any() else None,
            }
        )
    return rows


def _flag_count(frame: pd.DataFrame, column: str) -> int:
    """How many rows have 1 in ``column`` (0 if there is no such column)."""
    return int((frame[column] == 1).sum()) if column in frame else 0


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values; missing values become None."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in clean.to_dict("records")
    ]


#: Japanese labels of the ``status`` of values and records, for the app.
STATUS_LABELS_JA = {
    "official": "公表値",
    "computed": "集計値",
    "demo": "デモ（仮の数値）",
}

#: Japanese labels of the indicator levels, for the app.
LEVEL_LABELS_JA = {"district": "校区別", "ward": "区別", "city": "市全体"}


def catalogue_table(bundle: Bundle) -> pd.DataFrame:
    """The indicator catalogue for people: goal title, fields, counts by status."""
    goals = bundle.goals.set_index("goal_id")
    counts = pd.DataFrame.from_dict(status_counts(bundle.values), orient="index")
    counts = counts.reindex(columns=list(STATUSES), fill_value=0)
    catalogue = bundle.indicators.join(counts, on="indicator_id")
    catalogue[list(STATUSES)] = catalogue[list(STATUSES)].fillna(0).astype(int)

    catalogue.insert(1, "goal_title_ja", catalogue["goal_id"].map(goals["title_ja"]))
    catalogue["goal_order"] = catalogue["goal_id"].map(goals["order"])
    catalogue = catalogue.sort_values(["goal_order", "order"], kind="stable")
    return catalogue.drop(columns="goal_order").reset_index(drop=True)
