"""Where licscan's cache lives: $LICSCAN_CACHE_DIR, else platformdirs' user cache folder,
which on Linux is the folder licscan always used ($XDG_CACHE_HOME/licscan or
~/.cache/licscan)."""

from __future__ import annotations

import sys

import pytest

from licscan.sources.cache import DiskCache, default_cache_dir


def test_licscan_cache_dir_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("LICSCAN_CACHE_DIR", "~/ours")
    assert default_cache_dir() == tmp_path / "ours"
    assert DiskCache().root == tmp_path / "ours"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux folders")
def test_on_linux_the_folder_has_not_moved(monkeypatch, tmp_path):
    monkeypatch.delenv("LICSCAN_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "licscan"
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert default_cache_dir() == tmp_path / ".cache" / "licscan"
    assert DiskCache().root == tmp_path / ".cache" / "licscan"
