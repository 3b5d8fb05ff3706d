"""SCP Desktop: a Community Safety Partnership's Annual Partnership Plan, returns and reports."""

import logging

__version__ = "0.1.0"
APP_NAME = "SCP Desktop"

# Quiet until the log file is configured (scp_desktop.logs): records never reach the console.
logging.getLogger(__name__).addHandler(logging.NullHandler())
