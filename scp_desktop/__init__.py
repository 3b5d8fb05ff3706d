"""SCP Desktop: a Community Safety Partnership's Annual Partnership Plan, returns and reports."""

__version__ = "0.1.0"
APP_NAME = "SCP Desktop"
