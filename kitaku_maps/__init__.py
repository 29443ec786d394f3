"""Kita-ku Maps: community statistics of Kumamoto City's North Ward on maps."""

__version__ = "0.1.0"
