"""Accessible documents for publishing: the reports as Word (.docx) and as one HTML file."""
