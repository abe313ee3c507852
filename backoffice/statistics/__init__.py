"""The follow-up statistics: pure figures from rows, then sheets, workbook, Google Sheet and aggregates."""
