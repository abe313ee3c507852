"""Read a built page as a reader would check it: each block of text with the headings it stands under,
and each numbered list with the prose before it (for "no 1. a." and "a count that matches its list")."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from site_support import BLOCK_TAGS, VOID_TAGS

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Never read as the page's claims: citations name a document, the source note lists them.
SKIPPED = {"sip-kalla", "sip-kallnot"}
NUMBER_WORDS = {"två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9, "tio": 10,
                "elva": 11, "tolv": 12}
COUNT = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r"|\d+) (steg|moment|frågor|punkter|skäl)\b", re.IGNORECASE)


@dataclass
class Block:
    """A block of an article's text, with what stands above it: its headings and each one's first block."""

    tag: str
    text: str
    context: str = ""


@dataclass
class OrderedList:
    """A numbered list: its items' own text, whether it sits in another numbered list, the section's prose."""

    items: list = field(default_factory=list)
    nested: bool = False
    prose: str = ""


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.in_article = 0
        self.blocks: list[Block] = []
        self.current: list[str] = []
        self.lists: list[OrderedList] = []
        self.open_lists: list[tuple[str, OrderedList | None]] = []
        self.item_text: list[list[str]] = []
        self.section_prose: list[str] = []

    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self.stack)

    def _flush(self, tag: str) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(Block(tag, text))
            if tag in HEADINGS:
                self.section_prose = [text]
            elif not self.open_lists:
                self.section_prose.append(text)
        self.current = []

    def _block_tag(self) -> str:
        return next((tag for tag, _ in reversed(self.stack) if tag in BLOCK_TAGS), "")

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "article":
            self.in_article += 1
        skipped = tag in ("script", "style") or bool(classes & SKIPPED)
        if self.in_article and not self._skipping():
            if tag in BLOCK_TAGS:
                self._flush(self._block_tag())
            if tag in ("ol", "ul"):
                self._open_list(tag)
            elif tag == "li" and self.open_lists and self.open_lists[-1][1] is not None:
                self.item_text.append([])
        self.stack.append((tag, skipped))

    def _open_list(self, tag: str) -> None:
        inside_ol = any(kind == "ol" for kind, _ in self.open_lists)
        found = None
        if tag == "ol":
            found = OrderedList(nested=inside_ol, prose=" ".join(self.section_prose))
            self.lists.append(found)
        self.open_lists.append((tag, found))

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        closing_block = self._block_tag() if tag in BLOCK_TAGS else ""
        skipping = self._skipping()
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        if not self.in_article or skipping:
            return
        if tag in BLOCK_TAGS:
            self._flush(closing_block or tag)
        if tag == "li" and self.open_lists and self.open_lists[-1][1] is not None and self.item_text:
            self.open_lists[-1][1].items.append(" ".join("".join(self.item_text.pop()).split()))
        elif tag in ("ol", "ul") and self.open_lists:
            self.open_lists.pop()
        if tag == "article":
            self.in_article -= 1

    def handle_data(self, data):
        if self.in_article and not self._skipping():
            self.current.append(data)
            # Text belongs to the innermost open item only (a nested list's text is its own).
            if self.item_text and self.open_lists and self.open_lists[-1][1] is not None:
                self.item_text[-1].append(data)


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def blocks_in_context(html: str) -> list[Block]:
    """The article's blocks, each with its context: every heading above it and that heading's lead block."""
    blocks = _terms_with_definitions(read(html).blocks)
    heads: dict[int, list[str]] = {}
    for block in blocks:
        if block.tag in HEADINGS:
            level = int(block.tag[1])
            heads = {lvl: texts for lvl, texts in heads.items() if lvl < level}
            heads[level] = [block.text]
            continue
        for texts in heads.values():
            if len(texts) == 1:
                texts.append(block.text)  # the first block under a heading says what the section is
        block.context = " ".join(text for lvl in sorted(heads) for text in heads[lvl])
    return [block for block in blocks if block.tag not in HEADINGS]


def _terms_with_definitions(blocks: list[Block]) -> list[Block]:
    """A definition list's term read together with its definition (a glossary entry is one statement)."""
    joined: list[Block] = []
    for block in blocks:
        if block.tag == "dd" and joined and joined[-1].tag == "dt":
            joined[-1] = Block("dd", f"{joined[-1].text} {block.text}")
        else:
            joined.append(block)
    return joined


def ordered_lists(html: str) -> list[OrderedList]:
    """Every numbered list in the article."""
    return read(html).lists


def stated_counts(prose: str) -> list[tuple[int, str]]:
    """The counts prose states ("åtta steg", "sex moment"), as numbers with their phrase."""
    found = []
    for match in COUNT.finditer(prose):
        word = match.group(1).casefold()
        found.append((int(word) if word.isdigit() else NUMBER_WORDS[word], match.group(0)))
    return found
