"""mkdocs-macros entry point: each submodule registers the macros for one part of the site."""
from . import handbook, forms, stats

# Each part may also define the per-page hooks of mkdocs-macros; they run in this order.
PARTS = (handbook, forms, stats)


def define_env(env):
    """Register every macro and variable the pages use."""
    for part in PARTS:
        part.register(env)


def _run_hook(name, env):
    for part in PARTS:
        hook = getattr(part, name, None)
        if hook is not None:
            hook(env)


def on_pre_page_macros(env):
    """Run each part's pre-page hook (before the page's macros are rendered)."""
    _run_hook("on_pre_page_macros", env)


def on_post_page_macros(env):
    """Run each part's post-page hook (the handbook's adds the source note and abbreviations)."""
    _run_hook("on_post_page_macros", env)


def on_post_build(env):
    """Run each part's post-build hook."""
    _run_hook("on_post_build", env)
