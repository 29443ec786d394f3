"""Shared fixtures: the default bundle (loaded once) and a small hand-made one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kitaku_maps import settings
from kitaku_maps.bundle import FILES, Bundle
from kitaku_maps.loader import load_bundle

#: Browser fixtures (streamlit server, offline Chromium page) for every page's tests.
pytest_plugins = ["tests.browser_support"]

#: A tiny bundle written by hand after docs/DATASET.md (2 districts, 2 wards).
MINI_BUNDLE = Path(__file__).parent / "fixtures" / "mini_bundle"


def _default_bundle_built() -> bool:
    """Whether ``data/`` holds every file of a bundle."""
    return all((settings.DATA_DIR / name).is_file() for name in FILES.values())


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    """The default dataset in ``data/``, validated once per test session."""
    if not _default_bundle_built():
        pytest.skip(
            f"the default bundle is not built in {settings.DATA_DIR}; "
            "run `python -m kitaku_maps build-data`"
        )
    return load_bundle(settings.DATA_DIR)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A fresh copy of the hand-made bundle that a test may break."""
    target = tmp_path / "bundle"
    shutil.copytree(MINI_BUNDLE, target)
    return target
