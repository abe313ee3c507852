"""Macros for the stats part of the site (placeholder until its issue lands)."""


def register(env):
    """Register this part's macros on the mkdocs-macros environment."""
