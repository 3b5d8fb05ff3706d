"""Allows `python -m scp_desktop`."""

import multiprocessing

from scp_desktop.cli import main

# A bundled application starts its workbook readers by running itself again: this lets such a
# start read workbooks instead of opening another window.
multiprocessing.freeze_support()
raise SystemExit(main())
