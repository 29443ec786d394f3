"""Typed, documented defaults of the project in one place."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root (the folder holding ``streamlit_app.py``).
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The default dataset bundle, built by ``python -m kitaku_maps build-data``.
DATA_DIR = Path(os.environ.get("KITAKU_DATA_DIR", PROJECT_ROOT / "data"))

#: The public source files the default dataset is built from.
SOURCE_DATA_DIR = Path(
    os.environ.get("KITAKU_SOURCE_DIR", PROJECT_ROOT.parent / "shared" / "data")
)

#: Geographic CRS of every file on disk and of the map (longitude, latitude).
WEB_CRS = "EPSG:4326"

#: Metric CRS for distances and areas: JGD2011 plane rectangular zone II (m).
METRIC_CRS = "EPSG:6670"

#: Walking speed used for estimated walking times, metres per minute.
WALK_METRES_PER_MINUTE = 80.0

#: Tolerance of the coverage simplification for the web map, metres.
WEB_SIMPLIFY_METRES = 15.0

#: Decimal places kept in web coordinates (1e-5 degrees is about 1 m).
WEB_COORD_DECIMALS = 5

#: Seed of the demonstration-value generator, so build-data is deterministic.
DEMO_SEED = 43105

#: Folder (next to the app) Streamlit serves as ``/app/static``.
STATIC_DIR = PROJECT_ROOT / "static"

#: Whether the app's data-import page may write uploads into DATA_DIR. On by
#: default for local use; set KITAKU_ALLOW_IMPORT=0 on a shared server.
ALLOW_IMPORT = os.environ.get("KITAKU_ALLOW_IMPORT", "1").strip().lower() not in (
    "0",
    "false",
    "no",
    "off",
)

#: First fiscal year of the ward's community-development policy (fiscal
#: 2024-2031): the district chart measures change since this year.
POLICY_BASELINE_YEAR = 2024

#: Counts below this are flagged as too small to compare districts on.
SMALL_COUNT_UNSTABLE_BELOW = 10
