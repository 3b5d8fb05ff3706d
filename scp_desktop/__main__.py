"""Allows `python -m scp_desktop`."""

from scp_desktop.cli import main

raise SystemExit(main())
