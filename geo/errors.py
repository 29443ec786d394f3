"""Exceptions of the geo toolkit."""

from __future__ import annotations


class GeoInputError(ValueError):
    """A geometry file or frame cannot be used as it is.

    ``message_ja`` is the same message in Japanese, for apps.
    """

    def __init__(self, message: str, message_ja: str = "") -> None:
        super().__init__(message)
        self.message_ja = message_ja or message
