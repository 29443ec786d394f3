"""Tests of Kita-ku Maps (a package, so helpers import as ``tests.x``)."""
