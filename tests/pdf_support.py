"""Read back what LibreOffice printed: a workbook converted to PDF, its pages counted and their text read.

No PDF library: LibreOffice writes plain objects (no object streams), each page's text with a
`/Fn size Tf` font and hex strings of one-byte codes, and every font a `/ToUnicode` map. That is
enough to get each page's text back, which is all a test needs (the footer, a heading, a figure).
"""
from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
_STREAM_START = re.compile(rb"stream\r?\n")
_TEXT_OPS = re.compile(rb"(-?[\d.]+)\s+(-?[\d.]+)\s+Td|/(\w+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj", re.S)


def to_pdf(workbook: Path, out_dir: Path, profile: Path, timeout: int = 180) -> Path:
    """The workbook printed to PDF by LibreOffice Calc (its own profile, so runs never share one)."""
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(out_dir), str(workbook)],
                          capture_output=True, text=True, timeout=timeout)
    pdf = out_dir / (workbook.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice skrev ingen PDF:\n{done.stdout}\n{done.stderr}"
    return pdf


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(number): body for number, body in _OBJECT.findall(data)}


def _stream(objects: dict[int, bytes], number: int) -> bytes:
    """An object's stream data, cut at its /Length (direct or a reference) and inflated."""
    body = objects[number]
    length = re.search(rb"/Length\s+(\d+)(\s+0 R)?", body)
    size = int(objects[int(length.group(1))].strip()) if length.group(2) else int(length.group(1))
    start = _STREAM_START.search(body).end()
    raw = body[start:start + size]
    return zlib.decompress(raw) if b"/FlateDecode" in body else raw


def _ref(body: bytes, key: bytes) -> int | None:
    found = re.search(rb"/" + key + rb"\s+(\d+) 0 R", body)
    return int(found.group(1)) if found else None


def _unicode_map(cmap: bytes) -> dict[int, str]:
    """A font's /ToUnicode map: byte code → text."""
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, start in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = int.from_bytes(bytes.fromhex(start.decode()), "big")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                out[code] = chr(first + offset)
    return out


def _fonts(objects: dict[int, bytes], page: bytes) -> dict[bytes, dict[int, str]]:
    """The page's font names (F1, …) and each one's code → text map."""
    resources = objects[_ref(page, b"Resources")]
    font_dict = _ref(resources, b"Font")
    names = objects[font_dict] if font_dict else resources
    fonts = {}
    for name, number in re.findall(rb"/(\w+)\s+(\d+) 0 R", names):
        font = objects.get(int(number), b"")
        cmap = _ref(font, b"ToUnicode")
        if cmap:
            fonts[name] = _unicode_map(_stream(objects, cmap))
    return fonts


def page_count(pdf: Path) -> int:
    """How many pages the PDF has."""
    return len(_PAGE.findall(pdf.read_bytes()))


def page_texts(pdf: Path) -> list[str]:
    """Each page's text as printed: a line per baseline, top to bottom, its pieces left to right."""
    objects = _objects(pdf.read_bytes())
    return [_page_text(objects, body) for body in objects.values() if _PAGE.search(body)]


def _page_text(objects: dict[int, bytes], page: bytes) -> str:
    fonts, font, pieces, at = _fonts(objects, page), {}, {}, (0.0, 0.0)
    for x, y, font_name, array, single in _TEXT_OPS.findall(_stream(objects, _ref(page, b"Contents"))):
        if x:
            at = (float(x), float(y))
        elif font_name:
            font = fonts.get(font_name, {})
        else:
            codes = b"".join(bytes.fromhex(c.decode()) for c in re.findall(rb"<([0-9A-Fa-f]*)>", array or b"<" + single + b">"))
            pieces.setdefault(round(at[1]), []).append((at[0], "".join(font.get(code, "?") for code in codes)))
    lines = (" ".join(text for _, text in sorted(row)) for _, row in sorted(pieces.items(), reverse=True))
    return "\n".join(" ".join(line.split()) for line in lines)
