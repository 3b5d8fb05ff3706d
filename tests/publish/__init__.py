"""Tests of the documents written to publish (.docx and HTML)."""
