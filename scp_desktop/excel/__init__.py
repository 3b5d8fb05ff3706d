"""Reading and writing workbooks (openpyxl). Parse results only: no database."""
