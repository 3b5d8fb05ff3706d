"""Meetings window: meetings, their agendas and papers, and making the meeting pack."""

from scp_desktop.ui.meetings.dialog import MeetingsDialog

__all__ = ["MeetingsDialog"]
