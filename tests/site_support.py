"""Build the handbook and read its pages: the article's text blocks and their LIX."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EDITION = "goteborg-gsf"
MKDOCS = Path(sys.executable).with_name("mkdocs")
# What a build of the handbook reads: a copy of these is a project of its own.
PROJECT_PARTS = ("mkdocs.yml", "docs", "data", "forms", "macros", "overrides", "backoffice")

# The macros package sits at the repository root, beside tests/: the tests import it from there.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def copy_project(target: Path) -> Path:
    """A copy of everything the build reads, to change without touching the repository; returns it."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / part)
    return target


def run_build(project: Path, site_dir: Path, edition: str = DEFAULT_EDITION) -> subprocess.CompletedProcess:
    """Run `mkdocs build --strict` on a project (the repository or a copy); the finished process."""
    env = dict(os.environ, SIP_EDITION=edition, NO_MKDOCS_2_WARNING="1")
    if project != ROOT:
        # A copy's own backoffice (whose config.ROOT is the copy) reads the copy's forms/. SIP_FORMS
        # says the same once backoffice.config reads it.
        env.update(PYTHONPATH=str(project), SIP_FORMS=str(project / "forms"))
    command = [str(MKDOCS) if MKDOCS.exists() else "mkdocs", "build", "--strict", "--quiet",
               "--config-file", str(project / "mkdocs.yml"), "--site-dir", str(site_dir)]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def build_site(target: Path, edition: str = DEFAULT_EDITION, project: Path = ROOT) -> Path:
    """Build the handbook for one edition with `mkdocs build --strict` into target; returns target."""
    result = run_build(project, target, edition)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict ({edition}) misslyckades:\n{result.stdout}\n{result.stderr}")
    return target

# Elements whose end closes a block of text (a heading, a paragraph, a list item, a cell).
BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "div",
              "blockquote", "label", "figcaption", "caption", "pre", "summary"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}


class _ArticleParser(HTMLParser):
    """Collects the text blocks inside <article>, skipping given classes, scripts and styles."""

    def __init__(self, skip_classes):
        super().__init__(convert_charrefs=True)
        self.skip_classes = set(skip_classes)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.in_article = 0
        self.blocks: list[str] = []
        self.current: list[str] = []

    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self.stack)

    def _flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "article":
            self.in_article += 1
        skipped = tag in ("script", "style") or bool(classes & self.skip_classes)
        if tag in BLOCK_TAGS and self.in_article and not self._skipping():
            self._flush()
        self.stack.append((tag, skipped))

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        # Pop up to the matching tag; tolerate sloppy nesting.
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        if tag in BLOCK_TAGS and self.in_article and not self._skipping():
            self._flush()
        if tag == "article":
            self._flush()
            self.in_article -= 1

    def handle_data(self, data):
        if self.in_article and not self._skipping():
            self.current.append(data)


def article_blocks(html_or_path, skip_classes=()) -> list[str]:
    """The text blocks of a page's <article>, in order."""
    html = Path(html_or_path).read_text(encoding="utf-8") if isinstance(html_or_path, Path) else html_or_path
    parser = _ArticleParser(skip_classes)
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.blocks


def article_text(html_or_path, skip_classes=()) -> str:
    """A page's article as one string, blocks separated by newlines."""
    return "\n".join(article_blocks(html_or_path, skip_classes))


WORD = re.compile(r"[^\W\d_]+(?:[-–][^\W\d_]+)*", re.UNICODE)
SENTENCE_END = re.compile(r"[.!?:;]+(?=\s|$)")


def lix(blocks) -> float:
    """LIX = words per sentence + percentage of words longer than six letters.

    A sentence ends at . ! ? : ; and every block (heading, list item, cell) ends one too,
    since headings and list items seldom carry a full stop.
    """
    words = long_words = sentences = 0
    for block in blocks:
        block_words = WORD.findall(block)
        if not block_words:
            continue
        words += len(block_words)
        long_words += sum(1 for word in block_words if len(word.replace("-", "").replace("–", "")) > 6)
        ends = len(SENTENCE_END.findall(block))
        # The block's end closes its last sentence when no punctuation does.
        sentences += ends if block.rstrip()[-1] in ".!?:;" else ends + 1
    if not words:
        return 0.0
    return words / sentences + 100 * long_words / words
