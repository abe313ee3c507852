"""mkdocs-macros entry point: each submodule registers the macros for one part of the site."""
from . import handbook, forms, stats


def define_env(env):
    """Register every macro and variable the pages use."""
    for part in (handbook, forms, stats):
        part.register(env)
