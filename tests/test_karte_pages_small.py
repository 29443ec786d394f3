"""Both karte pages on the tiny hand-made bundle: few districts, gaps, no crash.

Runs without the default dataset (``tests/fixtures/mini_bundle``: 2 districts,
a suppressed value, a ward survey), so CI checks the pages' edge cases.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import app_pages.common as common
from kitaku_maps import settings
from kitaku_maps.loader import load_bundle
from tests.conftest import MINI_BUNDLE


@pytest.fixture
def mini_app(monkeypatch):
    """Make the pages load the mini bundle; restore the cache afterwards."""
    monkeypatch.setattr(common, "load_bundle", lambda path: load_bundle(MINI_BUNDLE))
    common.cached_bundle.clear()
    yield
    common.cached_bundle.clear()


def _run(page: str, district: str | None = None) -> AppTest:
    path = settings.PROJECT_ROOT / "app_pages" / f"{page}.py"
    app = AppTest.from_file(str(path), default_timeout=120)
    if district:
        app.query_params["district"] = district
    return app.run()


def test_district_page_with_two_districts_and_a_suppressed_value(mini_app):
    app = _run("district", "D02")

    assert not app.exception, app.exception
    assert not app.error, [error.value for error in app.error]
    texts = " ".join(m.value for m in app.markdown)
    assert "高齢化率の2024年度の値はありません（秘匿）" in texts
    assert any(
        "北区全体の値" in " ".join(f.value.get("備考", [])) for f in app.dataframe
    )


def test_analysis_page_explains_what_cannot_be_computed(mini_app):
    app = _run("analysis")

    assert not app.exception, app.exception
    infos = " ".join(i.value for i in app.info)
    assert "相関係数は計算しません" in infos
    assert "地域的な偏りは計算できません" in infos
