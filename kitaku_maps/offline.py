"""Leaflet without the internet: scripts and styles from installed packages.

folium loads Leaflet, jQuery, Bootstrap and icon fonts from public CDNs. Our
maps need only Leaflet and Leaflet.markercluster, which the ``xstatic-leaflet``
and ``xstatic-leaflet-markercluster`` packages install. This module copies
them into ``static/vendor/`` (served by Streamlit at ``/app/static/vendor``)
and points folium elements at them; for a standalone HTML file it inlines
them instead, so the file works offline on its own.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster

from kitaku_maps import settings

logger = logging.getLogger(__name__)

#: URL under which Streamlit serves ``settings.STATIC_DIR`` (enableStaticServing).
SERVED_STATIC_URL = "/app/static"

#: Sub-folder of the static folder holding the copied packages.
VENDOR_DIR_NAME = "vendor"

#: Placeholder URL prefix of vendored files in HTML that gets inlined later.
INLINE_PREFIX = "kitaku-vendor:"


@dataclass(frozen=True)
class Asset:
    """One file of an installed package, and its path under ``vendor/``."""

    package_dir: Path
    name: str
    target: str

    @property
    def source(self) -> Path:
        """The installed file."""
        return self.package_dir / self.name


_LEAFLET = Path(xs_leaflet.BASE_DIR)
_CLUSTER = Path(xs_markercluster.BASE_DIR)

#: Scripts Leaflet maps need, in load order: (folium link name, asset).
LEAFLET_JS = (("leaflet", Asset(_LEAFLET, "leaflet.js", "leaflet/leaflet.js")),)
LEAFLET_CSS = (("leaflet_css", Asset(_LEAFLET, "leaflet.css", "leaflet/leaflet.css")),)
CLUSTER_JS = (
    (
        "markerclusterjs",
        Asset(_CLUSTER, "leaflet.markercluster.js", "markercluster/cluster.js"),
    ),
)
CLUSTER_CSS = (
    (
        "markerclustercss",
        Asset(_CLUSTER, "MarkerCluster.css", "markercluster/MarkerCluster.css"),
    ),
    (
        "markerclusterdefaultcss",
        Asset(
            _CLUSTER,
            "MarkerCluster.Default.css",
            "markercluster/MarkerCluster.Default.css",
        ),
    ),
)

#: Images referenced by leaflet.css (layer control icon, default marker).
LEAFLET_IMAGES = tuple(
    Asset(_LEAFLET, f"images/{name}", f"leaflet/images/{name}")
    for name in (
        "layers.png",
        "layers-2x.png",
        "marker-icon.png",
        "marker-icon-2x.png",
        "marker-shadow.png",
    )
)

#: Leaflet's default marker images by ``L.Icon.Default`` option.
DEFAULT_ICON = {
    option: Asset(_LEAFLET, f"images/{name}", f"leaflet/images/{name}")
    for option, name in (
        ("iconUrl", "marker-icon.png"),
        ("iconRetinaUrl", "marker-icon-2x.png"),
        ("shadowUrl", "marker-shadow.png"),
    )
}

ALL_ASSETS = (
    tuple(asset for _, asset in (*LEAFLET_JS, *LEAFLET_CSS, *CLUSTER_JS, *CLUSTER_CSS))
    + LEAFLET_IMAGES
)


def ensure_vendor_assets(static_dir: Path = settings.STATIC_DIR) -> Path:
    """Copy the vendored files into ``static_dir/vendor`` unless already there.

    Each file is written to a temporary name and then moved into place, so a
    concurrent reader never sees half a file. Returns the vendor folder.
    """
    vendor = Path(static_dir) / VENDOR_DIR_NAME
    copied = 0

    for asset in ALL_ASSETS:
        target = vendor / asset.target
        if _is_current(asset.source, target):
            continue
        _copy_atomically(asset.source, target)
        copied += 1

    if copied:
        logger.info("copied %d Leaflet files into %s", copied, vendor)
    return vendor


def served_links(assets, base_url: str = SERVED_STATIC_URL) -> list[tuple[str, str]]:
    """folium ``(name, url)`` links of ``assets`` as served by the app."""
    return [(name, f"{base_url}/{VENDOR_DIR_NAME}/{a.target}") for name, a in assets]


def inline_links(assets) -> list[tuple[str, str]]:
    """folium ``(name, url)`` links with placeholders that ``inline_vendor`` fills."""
    return [(name, f"{INLINE_PREFIX}{a.target}") for name, a in assets]


def default_icon_urls(mode: str, base_url: str = SERVED_STATIC_URL) -> dict:
    """``L.Icon.Default`` option -> full image URL, served or to be inlined.

    Full URLs (with ``L.Icon.Default.imagePath`` set to ``""``) stop Leaflet
    guessing the folder from the stylesheet's link, which drops a slash.
    """
    if mode == "served":
        prefix = f"{base_url}/{VENDOR_DIR_NAME}/"
    elif mode == "inline":
        prefix = INLINE_PREFIX
    else:
        raise ValueError(f"unknown assets mode {mode!r}; expected 'served' or 'inline'")
    return {option: prefix + asset.target for option, asset in DEFAULT_ICON.items()}


def inline_vendor(html: str) -> str:
    """Replace placeholder script and stylesheet links by the files' contents.

    Images inside the CSS and placeholder image URLs (the default marker)
    become data URIs, so the page needs no other file.
    """
    by_target = {asset.target: asset for asset in ALL_ASSETS}
    script = re.compile(rf'<script src="{re.escape(INLINE_PREFIX)}([^"]+)"></script>')
    style = re.compile(
        rf'<link rel="stylesheet" href="{re.escape(INLINE_PREFIX)}([^"]+)"\s*/>'
    )

    def script_tag(match: re.Match) -> str:
        """The script element with the file's text inside."""
        return f"<script>{_read_text(by_target[match.group(1)])}</script>"

    def style_tag(match: re.Match) -> str:
        """The style element with the stylesheet's text inside."""
        asset = by_target[match.group(1)]
        return f"<style>{_css_with_data_uris(asset)}</style>"

    def image_uri(match: re.Match) -> str:
        """The data URI of a vendored image."""
        return _data_uri(by_target[match.group(1)].source)

    html = style.sub(style_tag, script.sub(script_tag, html))
    return re.sub(rf"{re.escape(INLINE_PREFIX)}([\w/.-]+\.png)", image_uri, html)


def _is_current(source: Path, target: Path) -> bool:
    """Whether ``target`` exists with the size and content of ``source``."""
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        return False
    return target.read_bytes() == source.read_bytes()


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` through a temporary file in its folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    os.close(handle)
    shutil.copyfile(source, temp_name)
    os.replace(temp_name, target)


def _read_text(asset: Asset) -> str:
    """The text of a script or stylesheet, safe to put inside its HTML tag."""
    return asset.source.read_text(encoding="utf-8").replace("</script", "<\\/script")


def _css_with_data_uris(asset: Asset) -> str:
    """The stylesheet, comments dropped, each ``url(images/...)`` a data URI."""
    css = re.sub(r"/\*.*?\*/", "", _read_text(asset), flags=re.DOTALL)

    def data_uri(match: re.Match) -> str:
        """``url(data:...)`` of the referenced image (unchanged if missing)."""
        image = asset.source.parent / match.group(1)
        if not image.exists():
            return match.group(0)
        return f"url({_data_uri(image)})"

    return re.sub(r"url\((images/[^)]+)\)", data_uri, css)


def _data_uri(path: Path) -> str:
    """``data:`` URI of a file, its type guessed from its name."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
