"""The append-only store of submissions: a data-package directory, or a Google Sheet."""
