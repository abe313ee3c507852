"""Plain Swedish: the LIX readability of the built pages' main text (issue 3, point 8)."""
import statistics

from site_support import article_blocks, lix

MEDIAN_LIMIT = 40
CHILDREN_LIMIT = 30
CHILDREN_PAGE = "for-barn-och-vardnadshavare/index.html"


def page_lix(built_site, site_pages) -> dict[str, float]:
    """LIX of every page's <article> text, citations and source note included, keyed by path."""
    return {
        str(page.relative_to(built_site)): round(lix(article_blocks(page)), 1)
        for page in site_pages
    }


def _report(values: dict[str, float]) -> str:
    return "\n".join(f"  {value:5.1f}  {path}" for path, value in sorted(values.items(), key=lambda kv: -kv[1]))


def test_median_lix_of_all_pages_is_at_most_40(built_site, site_pages):
    values = page_lix(built_site, site_pages)
    median = statistics.median(values.values())
    assert median <= MEDIAN_LIMIT, f"Median-LIX {median:.1f} > {MEDIAN_LIMIT}. Per sida:\n{_report(values)}"


def test_children_and_guardians_page_has_lix_at_most_30(built_site, site_pages):
    values = page_lix(built_site, site_pages)
    assert CHILDREN_PAGE in values, f"Sidan {CHILDREN_PAGE} byggdes inte. Sidor:\n{_report(values)}"
    assert values[CHILDREN_PAGE] <= CHILDREN_LIMIT, (
        f"LIX för barn- och vårdnadshavarsidan är {values[CHILDREN_PAGE]} > {CHILDREN_LIMIT}. "
        f"Per sida:\n{_report(values)}"
    )


def test_lix_matches_a_hand_count():
    # 6 words, 2 sentences, 1 long word ("samordnad" > 6 letters): 6/2 + 100*1/6 = 19.67.
    assert round(lix(["Du får en samordnad plan.", "Bra"]), 2) == 19.67
