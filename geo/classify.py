"""Classify values for choropleth maps, and pick colour-blind safe palettes.

Classification uses mapclassify (natural breaks, quantiles, equal interval);
missing values get class ``-1`` and their own count. Palettes are ColorBrewer
schemes (via branca), chosen so that the colour meaning "worse" is the same for
every indicator: the darkest colour is always the worse end.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import mapclassify
import numpy as np
from branca.utilities import color_brewer

logger = logging.getLogger(__name__)

#: Classification schemes by name, as the user chooses them.
SCHEMES: dict[str, type[mapclassify.classifiers.MapClassifier]] = {
    "natural_breaks": mapclassify.FisherJenks,
    "quantiles": mapclassify.Quantiles,
    "equal_interval": mapclassify.EqualInterval,
}

#: Values above which natural breaks are computed on this many quantiles.
JENKS_SAMPLE = 200

#: Direction words: which end of a value range is better.
BETTER_VALUES = ("higher", "lower", "neutral")

#: Sequential scheme whose dark end means "worse" (ColorBrewer, colour-blind safe).
WORSE_SCHEME = "OrRd"

#: Sequential scheme for values with no better end (ColorBrewer, colour-blind safe).
NEUTRAL_SCHEME = "PuBu"

#: Diverging scheme for changes: red end worse, blue end better (colour-blind safe).
CHANGE_SCHEME = "RdBu"

#: Diverging scheme for changes with no better direction (colour-blind safe).
NEUTRAL_CHANGE_SCHEME = "PuOr"

#: Fill of missing values: a grey that none of the schemes above contains.
MISSING_COLOR = "#bdbdbd"


@dataclass(frozen=True)
class Classification:
    """Values sorted into classes.

    ``bins`` are the classes' upper bounds (inclusive), ``lower`` the smallest
    value; ``classes`` holds each value's class (``-1`` when missing) in input
    order; ``counts`` the number of values per class; ``missing`` the number of
    missing values.
    """

    scheme: str
    lower: float
    bins: tuple[float, ...]
    classes: np.ndarray
    counts: tuple[int, ...]
    missing: int

    @property
    def k(self) -> int:
        """The number of classes."""
        return len(self.bins)

    def intervals(self) -> list[tuple[float, float]]:
        """Each class as ``(low, high)``; the first low is the smallest value."""
        lows = (self.lower, *self.bins[:-1])
        return list(zip(lows, self.bins, strict=True))


def classify(values: Sequence[float] | np.ndarray, scheme: str, k: int = 5):
    """Sort ``values`` into at most ``k`` classes with the named ``scheme``.

    NaN is missing. With fewer distinct values than ``k`` the number of classes
    drops to the number of distinct values; with none, there are no classes.
    """
    if scheme not in SCHEMES:
        raise ValueError(
            f"unknown classification scheme {scheme!r}; expected one of "
            f"{', '.join(SCHEMES)}"
        )
    array = np.asarray(values, dtype=float)
    present = ~np.isnan(array)
    distinct = np.unique(array[present])

    if len(distinct) <= 1:
        return _single_class(scheme, array, present, distinct)

    classifier = _run_classifier(scheme, array[present], min(k, len(distinct)))
    return _from_classifier(scheme, classifier, array, present)


def classify_diverging(values: Sequence[float] | np.ndarray, k: int = 5):
    """Sort signed changes into ``k`` equal classes symmetric around zero.

    With an odd ``k`` the middle class holds the changes near zero.
    """
    array = np.asarray(values, dtype=float)
    present = ~np.isnan(array)
    extent = float(np.abs(array[present]).max()) if present.any() else 0.0

    if extent == 0.0:
        return _single_class("diverging", array, present, np.unique(array[present]))

    edges = np.linspace(-extent, extent, k + 1)[1:]
    classifier = mapclassify.UserDefined(array[present], list(edges))
    result = _from_classifier("diverging", classifier, array, present)
    return replace(result, lower=-extent)


def palette(k: int, better: str) -> list[str]:
    """Return ``k`` colours, lowest class first, whose dark end is the worse end.

    ``better`` is ``higher``, ``lower`` or ``neutral`` (no worse end: a
    separate light-to-dark scheme).
    """
    _check_better(better)
    if k <= 0:
        return []

    scheme = NEUTRAL_SCHEME if better == "neutral" else WORSE_SCHEME
    colors = _brewer(scheme, k)
    return colors[::-1] if better == "higher" else colors


def diverging_palette(k: int, better: str) -> list[str]:
    """Return ``k`` colours for changes, most negative class first.

    Red marks a change for the worse and blue one for the better; for neutral
    indicators a purple-orange scheme with no judgement.
    """
    _check_better(better)
    if k <= 0:
        return []

    scheme = NEUTRAL_CHANGE_SCHEME if better == "neutral" else CHANGE_SCHEME
    colors = _brewer(scheme, k)
    return colors[::-1] if better == "lower" else colors


def _single_class(scheme, array, present, distinct) -> Classification:
    """One class holding every present value (or no class when none is present)."""
    classes = np.where(present, 0, -1)
    missing = int((~present).sum())
    if len(distinct) == 0:
        return Classification(scheme, np.nan, (), np.full(len(array), -1), (), missing)

    value = float(distinct[0])
    return Classification(
        scheme, value, (value,), classes, (int(present.sum()),), missing
    )


def _run_classifier(scheme: str, present_values: np.ndarray, k: int):
    """Run mapclassify, silencing its warnings (too few values, no numba)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if scheme == "natural_breaks":
            return _natural_breaks(present_values, k)
        return SCHEMES[scheme](present_values, k=k)


def _natural_breaks(values: np.ndarray, k: int):
    """Fisher-Jenks breaks, exact up to ``JENKS_SAMPLE`` values.

    Beyond that, the breaks are computed on ``JENKS_SAMPLE`` evenly spaced
    quantiles of the values, then applied to every value: an approximation
    that stays deterministic and fast without numba (mapclassify's k-means
    ``NaturalBreaks`` is neither).
    """
    sample = values
    if len(values) > JENKS_SAMPLE:
        sample = np.quantile(values, np.linspace(0, 1, JENKS_SAMPLE))
    k = min(k, len(np.unique(sample)))
    bins = np.array(mapclassify.FisherJenks(sample, k=k).bins, dtype=float)
    bins[-1] = values.max()
    return mapclassify.UserDefined(values, list(bins))


def _from_classifier(scheme, classifier, array, present) -> Classification:
    """Turn a mapclassify result into a Classification over the full array."""
    bins = _unique_bins(np.asarray(classifier.bins, dtype=float))
    present_values = array[present]
    present_classes = np.searchsorted(bins, present_values, side="left")

    classes = np.full(len(array), -1)
    classes[present] = present_classes
    counts = np.bincount(present_classes, minlength=len(bins))
    logger.debug("classified %d values into %d classes", present.sum(), len(bins))

    return Classification(
        scheme=scheme,
        lower=float(present_values.min()),
        bins=tuple(float(b) for b in bins),
        classes=classes,
        counts=tuple(int(c) for c in counts),
        missing=int((~present).sum()),
    )


def _unique_bins(bins: np.ndarray) -> np.ndarray:
    """Drop repeated upper bounds (quantiles of tied values repeat them)."""
    return np.unique(bins)


def _brewer(scheme: str, k: int) -> list[str]:
    """The ColorBrewer scheme with ``k`` colours; a single class gets the middle."""
    if k == 1:
        return [color_brewer(scheme, 3)[1]]
    if k == 2:
        three = color_brewer(scheme, 3)
        return [three[0], three[2]]
    return list(color_brewer(scheme, k))


def _check_better(better: str) -> None:
    """Raise when ``better`` is not one of the known direction words."""
    if better not in BETTER_VALUES:
        raise ValueError(
            f"unknown direction {better!r}; expected one of {', '.join(BETTER_VALUES)}"
        )
