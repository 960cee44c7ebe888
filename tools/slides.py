"""Slides: one reveal.js deck per chapter, made from the book's executed notebooks.

    python3 tasks.py slides        # after the book build (tasks.py book builds the decks too)
    python3 tools/slides.py [--html DIR]

writes `_build/html/slides/<chapter>.html` (one deck per chapter notebook) and the reveal.js they
load, `_build/html/slides/reveal.js/`, so the decks are published with the site. Nothing is
executed: each deck is made from the notebook as the book build executed it
(`_build/jupyter_execute/chapters/<chapter>.ipynb`), so it shows the very figures and explorer
of the web page. There is no second source: the slides are cut from the chapter itself.

* **Slide breaks** come from the chapter's sections: every heading starts a slide. Within a
  section the slide shows what a lecturer writes on the board: the display math, lists, block
  quotes and tables of its text; a section with more than fits (LINES_PER_SLIDE) continues on
  the next slide. Every figure gets a slide of its own, with its alt text as its description;
  the static explorer too, steerable there as on the web page (its script is in its output).
  Code is not shown. The exercises become one slide that lists them (their tasks in the notes),
  without solutions. A cell can override this with Jupyter's own slide metadata
  (`"slideshow": {"slide_type": "slide" | "skip" | "notes"}`, as RISE and JupyterLab set it):
  "slide" or "subslide" starts a slide at that cell, "skip" leaves it out, "notes" puts all of
  it in the speaker notes.
* **Speaker notes** are the section's prose, which is not on the slide (press `s` for the
  speaker view). A figure's notes are its alt text.
* **MyST** is converted to plain Markdown first (tools/plain_markdown.py: exercise titles as
  headings, references as links to the published book), since nbconvert renders Markdown, not
  MyST.
* **Offline**: nbconvert's reveal.js exporter with the template `tools/deck_template/book-deck`,
  which loads reveal.js from `slides/reveal.js/` (copied from the sphinx-revealjs package, which
  bundles reveal.js 5) and MathJax 3 from the book's own vendored copy
  (`_static/vendor/mathjax/`, see _ext/offline_assets.py), with the book's macros
  (`mathjax3_config` in `_config.yml`), instead of jQuery, require.js, mermaid and MathJax 2 from
  CDNs. Keys: arrows or space to move, `s` speaker view, `f` full screen, `Esc` overview.

tests/test_slides.py checks the decks' structure; tests/test_browser.py steps through every
slide of every deck by keyboard in Chromium, offline, and runs axe-core on them.
"""

from __future__ import annotations

import argparse
import copy
import math
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plain_markdown import book_links, to_plain_markdown  # noqa: E402
from student_edition import strip_markdown  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = Path(__file__).resolve().parent / "deck_template"
TEMPLATE = "book-deck"
REVEAL = "reveal.js"  # the folder next to the decks
# The parts of sphinx-revealjs's reveal.js the decks load (the white theme's fonts: WOFF only,
# which is what browsers take from its list).
REVEAL_PARTS = ("LICENSE", "dist/reveal.js", "dist/reveal.css", "dist/theme/white.css",
                "dist/theme/fonts/source-sans-pro/source-sans-pro.css",
                "dist/theme/fonts/source-sans-pro/LICENSE", "plugin/notes/notes.js")
MATHJAX = "_static/vendor/mathjax/es5/tex-mml-chtml.js"  # in the HTML build
WIDTH, HEIGHT = 1280, 720
LINES_PER_SLIDE = 11  # what fits under a heading at the deck's font size (estimated, see _lines)
CHARS_PER_LINE = 72
LEAD_CHARS = 220

CSS = TEMPLATE_DIR / TEMPLATE / "deck.css"  # the decks' style, inlined into each deck


@dataclass
class Slide:
    heading: str  # Markdown heading line, e.g. "## The RBF network"
    body: list[str] = field(default_factory=list)  # Markdown blocks shown on the slide
    outputs: list = field(default_factory=list)  # notebook outputs shown on the slide (a figure, the explorer)
    notes: list[str] = field(default_factory=list)  # Markdown blocks for the speaker notes
    lines: float = 0.0

    @property
    def empty(self) -> bool:
        return not self.body and not self.outputs


def executed_notebooks(build: Path) -> list[Path]:
    return sorted((build / "jupyter_execute" / "chapters").glob("*.ipynb"))


def _blocks(text: str) -> list[str]:
    """Markdown split at blank lines, keeping display math and code fences whole."""
    blocks, current = [], []
    open_math = open_fence = False
    for line in text.split("\n"):
        if not line.strip() and not open_math and not open_fence:
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
        if line.lstrip().startswith(("```", "~~~")):
            open_fence = not open_fence
        open_math ^= line.count("$$") % 2 == 1
    if current:
        blocks.append("\n".join(current))
    return blocks


def _kind(block: str) -> str:
    first = block.lstrip()
    if first.startswith("#"):
        return "heading"
    if first.startswith(("$$", "\\begin")):
        return "math"
    if re.match(r"([-*+]|\d+[.)])\s", first):
        return "list"
    if first.startswith(">"):
        return "quote"
    if first.startswith("|"):
        return "table"
    if first.startswith(("```", "~~~", "<")):
        return "other"
    return "prose"


def _lines(block: str, kind: str) -> float:
    """How many lines of the slide `block` takes (a rough estimate)."""
    if kind == "math":
        rows = block.count("\\\\") + 1
        return 1.0 + 1.2 * rows + (1.0 if "\\frac" in block or "\\sum" in block else 0.0)
    if kind == "table":
        return 0.8 * block.count("\n") + 1
    text = re.sub(r"\$[^$]*\$", "xxxxx", block)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    paragraphs = [p for p in re.split(r"\n(?=\s*(?:[-*+]|\d+[.)])\s)", text)]
    return sum(max(1, math.ceil(len(" ".join(p.split())) / CHARS_PER_LINE)) for p in paragraphs) + 0.3


def _heading_lines(heading: str) -> float:
    """Body lines a heading takes (a chapter title is set large, and long ones wrap)."""
    if not heading:
        return 0.0
    large = heading.startswith("# ")
    return (2.0 if large else 0.6) * math.ceil(len(heading) / (34 if large else 52)) + (1.0 if large else 0.0)


def _table_row_lines(row: str) -> float:
    return 1.3 if "\\frac" in row or "^" in row else 1.0


def _list_items(block: str) -> list[str]:
    return [item.rstrip() for item in re.split(r"\n(?=(?:[-*+]|\d+[.)])\s)", block)]


def _first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    match = re.match(r"(.+?[.!?:])(\s+[A-Z(]|$)", flat)
    return match.group(1) if match else flat


class DeckBuilder:
    """Cuts a chapter's executed notebook into slides (see the module's docstring)."""

    def __init__(self):
        self.slides: list[Slide] = []
        self.heading = ""
        self.exercises = False
        self._open = None  # the list or table that the next item continues

    @property
    def current(self) -> Slide:
        return self.slides[-1]

    def new_slide(self, heading: str | None = None) -> Slide:
        """A slide under `heading`, or a continuation of the current section's ("(continued)")."""
        if heading is None:
            heading = self.heading
            if self.slides and self.slides[-1].heading.split(" (continued")[0] == heading:
                heading += " (continued)"
        self.slides.append(Slide(heading, lines=_heading_lines(heading)))
        return self.current

    def show(self, block: str, kind: str) -> None:
        """Put `block` on the current slide, or on a continuation slide when it is full; a list
        or a table that does not fit continues there too (a table with its header again)."""
        header = []
        if kind == "list":
            items = _list_items(block)
        elif kind == "table":
            rows = block.split("\n")
            header, items = rows[:2], rows[2:]
        else:
            items = [block]
        for i, item in enumerate(items):
            size = _lines(item, kind) if kind != "table" else _table_row_lines(item)
            slide = self.current
            if slide.outputs or (slide.body and slide.lines + size > LINES_PER_SLIDE):
                slide = self.new_slide()
            if i > 0 and slide.body and slide.body[-1] is self._open:
                slide.body[-1] = self._open = slide.body[-1] + "\n" + item
            else:
                slide.body.append("\n".join(header + [item]))
                self._open = slide.body[-1]
                size += _table_row_lines(header[0]) if header else 0
            slide.lines += size
        self._open = None

    def markdown(self, text: str) -> None:
        for block in _blocks(text):
            kind = _kind(block)
            if kind == "heading":
                first, _, rest = block.partition("\n")
                level = len(first) - len(first.lstrip("#"))
                title = first.lstrip("#").strip()
                if self.exercises and title.startswith("Exercise"):
                    name = title.split(":", 1)[-1].strip()
                    self.show(f"- {name}", "list")
                    self.current.notes.append(f"**{name}.**")
                else:
                    self.exercises = level == 2 and title.lower().startswith("exercise")
                    self.heading = "## " + title if level > 1 else "# " + title
                    self.new_slide(self.heading)
                    if level == 1:
                        self.current.lines += 1  # the line under the title that names the book
                if rest.strip():
                    self.markdown(rest)
            elif kind == "prose":
                slide = self.current
                if slide.heading == self.heading and not slide.body and not slide.outputs and not slide.notes:
                    lead = _first_sentence(block)  # a section's first sentence leads its first slide
                    if len(lead) <= LEAD_CHARS and "$$" not in lead:
                        self.show(lead, "prose")
                slide.notes.append(block)
                for display in re.findall(r"\$\$.+?\$\$", block, re.S):
                    self.show(display, "math")
            else:
                self.show(block, kind)

    def figure(self, output, alt: str) -> None:
        slide = self.current if self.current.empty and self.slides else self.new_slide()
        slide.outputs.append(output)
        if alt:
            slide.notes.append(f"*Figure:* {alt}")

    def finish(self) -> list[Slide]:
        for slide in self.slides:
            if slide.empty and slide.notes:  # prose only: its first sentence leads the slide
                slide.body.append(_first_sentence(slide.notes[0]))
        return [s for s in self.slides if not s.empty or s.heading]


def deck_notebook(executed: nbformat.NotebookNode, links, chapter_url: str = "") -> nbformat.NotebookNode:
    """The notebook nbconvert turns into the deck: one markdown cell per slide (plus the cell
    of its figure or explorer), its notes in a "notes" cell."""
    builder = DeckBuilder()
    builder.new_slide("")
    for cell in executed.cells:
        tags = cell.metadata.get("tags", [])
        override = cell.metadata.get("slideshow", {}).get("slide_type", "")
        if "remove-cell" in tags or override == "skip":
            continue
        if override in ("slide", "subslide") and not builder.current.empty:
            builder.new_slide()
        if cell.cell_type == "markdown":
            text = to_plain_markdown(strip_markdown(cell.source), links)
            if override == "notes":
                builder.current.notes.append(text)
            else:
                builder.markdown(text)
        elif cell.cell_type == "code" and "remove-output" not in tags and override != "notes":
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "text/html" in data and 'class="lx-explorer"' in data["text/html"]:
                    builder.figure(nbformat.from_dict({"output_type": "display_data", "metadata": {},
                                                       "data": {"text/html": data["text/html"]}}), "")
                elif "image/png" in data:
                    shown = nbformat.from_dict({"output_type": "display_data",
                                                "metadata": {"image/png": {"alt": alt}},
                                                "data": {"image/png": data["image/png"]}})
                    builder.figure(shown, alt)
    slides = builder.finish()
    title = next((s.heading.lstrip("# ") for s in slides if s.heading.startswith("# ")), "Slides")
    cells = []
    for number, slide in enumerate(slides):
        body = list(slide.body)
        if number == 0:
            body.insert(0, f"*Training Deep Networks* · [the chapter in the book]({chapter_url})"
                        if chapter_url else "*Training Deep Networks*")
        text = "\n\n".join([slide.heading] + body if slide.heading else body)
        cell = nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": "slide"}})
        if number == 0:
            cell.metadata["slideshow"]["data"] = {"state": "deck-title"}
        cells.append(cell)
        if slide.outputs:
            code = nbformat.v4.new_code_cell("", metadata={"slideshow": {"slide_type": "-"}})
            code.outputs = slide.outputs
            cells.append(code)
        if slide.notes:
            cells.append(nbformat.v4.new_markdown_cell("\n\n".join(slide.notes),
                                                       metadata={"slideshow": {"slide_type": "notes"}}))
    deck = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(executed.metadata))
    deck.metadata.pop("widgets", None)
    deck.metadata["title"] = title
    return deck


def unique_ids(html: str) -> str:
    """The deck's HTML with every repeated heading id (a section's continuation slides repeat its
    heading) made unique, together with the heading's own anchor link."""
    seen: dict[str, int] = {}

    def rename(match):
        name = match.group(2)
        seen[name] = seen.get(name, 0) + 1
        new = name if seen[name] == 1 else f"{name}-{seen[name]}"
        return match.group(0).replace(f'id="{name}"', f'id="{new}"').replace(f'href="#{name}"', f'href="#{new}"')

    return re.sub(r'(<h[1-6] id=")([^"]+)(".*?</h[1-6]>)', rename, html, flags=re.S)


def copy_reveal(target: Path) -> None:
    """The parts of reveal.js the decks load, from the sphinx-revealjs package."""
    source = Path(str(files("sphinx_revealjs"))) / "_static" / "revealjs"
    fonts = sorted((source / "dist/theme/fonts/source-sans-pro").glob("*.woff"))
    missing = [part for part in REVEAL_PARTS if not (source / part).exists()]
    if missing or not fonts:
        raise RuntimeError(f"reveal.js not found in sphinx-revealjs at {source} (missing {missing or 'fonts'}): "
                           "is sphinx-revealjs installed (requirements.txt)?")
    if target.exists():
        shutil.rmtree(target)
    for path in [source / part for part in REVEAL_PARTS] + fonts:
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, out)


def mathjax_config(book: Path) -> dict:
    """MathJax 3's configuration for the decks: `$` for inline math, as in the notebooks, and
    the book's own macros (`sphinx: config: mathjax3_config` in _config.yml)."""
    import yaml

    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8")) or {}
    ours = ((config.get("sphinx") or {}).get("config") or {}).get("mathjax3_config") or {}
    tex = {"inlineMath": [["$", "$"], ["\\(", "\\)"]], "displayMath": [["$$", "$$"], ["\\[", "\\]"]],
           "processEscapes": True, "processEnvironments": True}
    tex.update(ours.get("tex", {}))
    return {**ours, "tex": tex, "options": {"ignoreHtmlClass": "tex2jax_ignore|lx-explorer"}}


def make_decks(book: Path = ROOT, html: Path | None = None) -> list[Path]:
    """Write one deck per executed chapter into `<html>/slides/`; return their paths."""
    from nbconvert import SlidesExporter

    build = book / "_build"
    html = html or build / "html"
    notebooks = executed_notebooks(build)
    if not notebooks:
        raise FileNotFoundError(f"no executed notebooks in {build / 'jupyter_execute' / 'chapters'}: "
                                "build the book first (python3 tasks.py book)")
    if not (html / MATHJAX).exists():
        raise FileNotFoundError(f"{html / MATHJAX} is missing: the decks use the HTML build's MathJax; "
                                "build the book first (python3 tasks.py book)")
    out = html / "slides"
    if out.exists():
        shutil.rmtree(out)
    copy_reveal(out / REVEAL)
    exporter = SlidesExporter(template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATE_DIR)],
                              reveal_url_prefix=REVEAL, reveal_theme="white", reveal_width=str(WIDTH), reveal_height=str(HEIGHT),
                              exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    deck_resources = {"css": CSS.read_text(encoding="utf-8"), "mathjax_url": f"../{MATHJAX}", "mathjax_config": mathjax_config(book)}
    written = []
    for path in notebooks:
        links = book_links(book, docname=f"chapters/{path.stem}")
        deck = deck_notebook(nbformat.read(path, as_version=4), links, chapter_url=f"../chapters/{path.stem}.html")
        body, _ = exporter.from_notebook_node(deck, resources={"deck": deck_resources,
                                                               "metadata": {"name": deck.metadata["title"]}})
        target = out / f"{path.stem}.html"
        target.write_text(unique_ids(body), encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write one reveal.js deck per chapter into _build/html/slides/.")
    parser.add_argument("--book", type=Path, default=ROOT, help="the book's folder (default: this checkout)")
    args = parser.parse_args()
    start = time.perf_counter()
    try:
        decks = make_decks(args.book.resolve())
    except (FileNotFoundError, RuntimeError) as error:
        print(f"No slides: {error}", file=sys.stderr)
        sys.exit(1)
    counts = [Path(d).read_text(encoding="utf-8").count("<section") for d in decks]
    print(f"Wrote {len(decks)} slide decks to {decks[0].parent} ({', '.join(map(str, counts))} slides; "
          f"{time.perf_counter() - start:.1f} s)", flush=True)
