"""The Qt user interface: main window, models, views, dialogs, background tasks."""
