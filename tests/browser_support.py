"""Browser-test support shared by every page's Playwright tests (a pytest plugin).

Loaded from ``tests/conftest.py`` with ``pytest_plugins``. It provides:

- ``streamlit_url`` (session fixture): starts ``streamlit run streamlit_app.py``
  once per session on a free port, waits for ``/_stcore/health`` and yields the
  base URL, e.g. ``http://127.0.0.1:8765``; skips when the default bundle is
  not built;
- ``chromium`` (session fixture): Debian's ``/usr/bin/chromium`` launched by
  Playwright (never ``playwright install``); skips when it is missing;
- ``offline_page`` (fixture): a factory ``offline_page(url, width=1280,
  height=900) -> OfflinePage`` whose page aborts every request that is not to
  127.0.0.1/localhost, counting what it aborted in ``.blocked``;
- ``map_frame(page)``: the frame of the folium map component once Leaflet has
  drawn interactive paths in it.

Typical use::

    @pytest.mark.browser
    def test_map(streamlit_url, offline_page):
        view = offline_page(f"{streamlit_url}/?indicator=aging_rate")
        frame = map_frame(view.page)
        assert frame.locator("path.leaflet-interactive").count() == 21
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from kitaku_maps import settings
from kitaku_maps.bundle import FILES

#: Debian's Chromium; Playwright's own browsers are never downloaded.
CHROMIUM = Path("/usr/bin/chromium")

#: Launch arguments for Chromium in containers and CI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Hosts a test page may reach; everything else is aborted.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")

#: Seconds to wait for ``streamlit run`` to answer its health check.
STARTUP_SECONDS = 90.0

#: Milliseconds to wait for the map to be drawn in the browser.
MAP_TIMEOUT_MS = 60_000


@dataclass
class OfflinePage:
    """A Playwright page cut off from the internet, and what it tried to reach."""

    page: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_local(url: str) -> bool:
    """Whether ``url`` points at this machine (or is inline data)."""
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    return parsed.hostname in LOCAL_HOSTS


def only_allowed(view: OfflinePage, allowed: Callable[[str], bool]):
    """A route handler: continue ``allowed`` URLs, abort the rest into ``view``."""

    def route(request_route) -> None:
        url = request_route.request.url
        if allowed(url):
            request_route.continue_()
        else:
            view.blocked.append(url)
            request_route.abort()

    return route


def wait_for_health(base_url: str, process: subprocess.Popen, seconds: float) -> None:
    """Poll ``/_stcore/health`` until it answers ``ok`` or the server dies."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer at {base_url} within {seconds} s")


def start_streamlit(port: int, log_path: Path) -> subprocess.Popen:
    """Start ``streamlit run streamlit_app.py`` headless on ``port``."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    log = log_path.open("w", encoding="utf-8")
    return subprocess.Popen(
        command,
        cwd=settings.PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def map_frame(page, timeout_ms: int = MAP_TIMEOUT_MS):
    """The frame of the folium component, once Leaflet drew interactive paths."""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame is page.main_frame:
                continue
            try:
                if frame.locator("path.leaflet-interactive").count() > 0:
                    return frame
            except PlaywrightError:
                continue  # the frame was detached by a rerun
        page.wait_for_timeout(200)
    raise AssertionError("no map with interactive paths appeared in any frame")


@pytest.fixture(scope="session")
def streamlit_url(tmp_path_factory) -> Iterator[str]:
    """Base URL of one ``streamlit run`` shared by the whole test session."""
    missing = [n for n in FILES.values() if not (settings.DATA_DIR / n).is_file()]
    if missing:
        pytest.skip(
            f"the default bundle in {settings.DATA_DIR} lacks {missing}; "
            "run `python -m kitaku_maps build-data` first"
        )
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    process = start_streamlit(port, log_path)
    try:
        wait_for_health(base_url, process, STARTUP_SECONDS)
        yield base_url
    except RuntimeError as error:
        raise RuntimeError(f"{error}; log:\n{log_path.read_text()}") from error
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's Chromium driven by Playwright, launched once per session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; install Debian's `chromium` package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def offline_page(chromium) -> Iterator[Callable[..., OfflinePage]]:
    """Factory of pages that can reach only this machine; closed after the test."""
    contexts = []

    def open_page(url: str, width: int = 1280, height: int = 900) -> OfflinePage:
        """Open ``url`` in a fresh context at the given viewport size."""
        context = chromium.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        view = OfflinePage(page)
        context.route("**/*", only_allowed(view, is_local))
        page.on("pageerror", lambda error: view.errors.append(str(error)))
        page.goto(url)
        return view

    yield open_page
    for context in contexts:
        context.close()
