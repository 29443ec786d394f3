"""Leaflet comes from installed packages: copied for the app, inlined for files."""

from __future__ import annotations

from kitaku_maps import offline


def test_vendor_files_are_copied_once(tmp_path):
    vendor = offline.ensure_vendor_assets(tmp_path)
    leaflet = vendor / "leaflet" / "leaflet.js"
    first = leaflet.stat().st_mtime_ns

    offline.ensure_vendor_assets(tmp_path)

    assert leaflet.read_bytes() == offline.LEAFLET_JS[0][1].source.read_bytes()
    assert (vendor / "markercluster" / "cluster.js").exists()
    assert (vendor / "leaflet" / "images" / "layers.png").exists()
    assert leaflet.stat().st_mtime_ns == first


def test_served_links_point_at_the_app_static_folder():
    links = dict(offline.served_links(offline.LEAFLET_JS + offline.CLUSTER_JS))

    assert links["leaflet"] == "/app/static/vendor/leaflet/leaflet.js"
    assert links["markerclusterjs"] == "/app/static/vendor/markercluster/cluster.js"


def test_inlining_replaces_links_by_contents_and_images_by_data_uris():
    js = offline.inline_links(offline.LEAFLET_JS)[0][1]
    css = offline.inline_links(offline.LEAFLET_CSS)[0][1]
    html = f'<script src="{js}"></script><link rel="stylesheet" href="{css}"/>'

    inlined = offline.inline_vendor(html)

    assert offline.INLINE_PREFIX not in inlined
    assert "L.version" in inlined or "Leaflet" in inlined
    assert "url(data:image/png;base64," in inlined
    assert "url(images/" not in inlined
