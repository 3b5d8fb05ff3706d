"""Headless subcommands contributed by features; each module adds its parser to REGISTER."""

from __future__ import annotations

from collections.abc import Callable

REGISTER: list[Callable[..., None]] = []
