"""ReportLab documents built from report data. No database."""
