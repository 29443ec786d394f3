"""Tolerant matching of place names (NFKC, optional suffixes).

Names are normalised only to be compared; they are always shown as published.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

#: Suffixes dropped before comparing district names, longest first.
DEFAULT_SUFFIXES: tuple[str, ...] = ("小学校区", "小学校", "校区", "小校区", "小")


def normalise_name(name: str, suffixes: Iterable[str] = DEFAULT_SUFFIXES) -> str:
    """Return the matching key of ``name``: NFKC, no spaces, one suffix dropped.

    >>> normalise_name(" 楡木 小学校 ")
    '楡木'
    >>> normalise_name("ＡＢＣ校区")
    'ABC'
    """
    key = unicodedata.normalize("NFKC", str(name))
    key = "".join(key.split())

    for suffix in sorted(suffixes, key=len, reverse=True):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]

    return key


class NameMatcher:
    """Match names against a known list, tolerantly.

    Parameters
    ----------
    names:
        Mapping of code to the published name, e.g. ``{"D11": "楡木"}``.
    suffixes:
        Suffixes ignored when comparing (``校区``, ``小学校`` ...).
    """

    def __init__(
        self, names: Mapping[str, str], suffixes: Iterable[str] = DEFAULT_SUFFIXES
    ) -> None:
        self.suffixes = tuple(suffixes)
        self.names = dict(names)
        self._by_key: dict[str, str] = {}

        for code, name in self.names.items():
            self._by_key.setdefault(normalise_name(name, self.suffixes), code)
            self._by_key.setdefault(normalise_name(code, ()), code)

    @property
    def known(self) -> list[str]:
        """The published names, in their given order."""
        return list(self.names.values())

    def code_of(self, name: str) -> str | None:
        """Return the code whose name matches ``name``, or ``None``."""
        if name is None:
            return None
        return self._by_key.get(normalise_name(name, self.suffixes))
