"""Pausing the cyclic collector around bulk work hands it back exactly as it was."""

from __future__ import annotations

import gc

import pytest

from scp_desktop.services.bulk import collector_paused


def test_collection_is_paused_inside_and_restored_after() -> None:
    was = gc.isenabled()
    gc.enable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled()
        with pytest.raises(ValueError), collector_paused():
            raise ValueError("a failing import")
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_collection_left_off_when_the_application_runs_it_itself() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
