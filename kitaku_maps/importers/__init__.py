"""Importers: official file formats -> the dataset bundle (``docs/DATASET.md``).

Each reader returns frames in the bundle's layout (EPSG:4326); the commands
in :mod:`kitaku_maps.importers.commands` write them into a bundle folder.
"""

from kitaku_maps.importers.boundaries import read_districts, read_outline, read_wards
from kitaku_maps.importers.common import assign_districts
from kitaku_maps.importers.schools import read_schools
from kitaku_maps.importers.shelters import (
    merge_shelters,
    read_gsi_shelters,
    read_open_status,
    read_portal_shelters,
)
from kitaku_maps.importers.towns import read_towns

__all__ = [
    "assign_districts",
    "merge_shelters",
    "read_districts",
    "read_gsi_shelters",
    "read_open_status",
    "read_outline",
    "read_portal_shelters",
    "read_schools",
    "read_towns",
    "read_wards",
]
