"""The slide decks (tools/slides.py): one per chapter, cut from the notebook the book build
executed, in the built site. The browser half (every slide stepped through by keyboard, offline,
the explorer steered in its slide, axe-core) is in tests/test_browser.py.

The references are the chapters themselves: their formulas, their figures' alt text, their
solutions (which must not be on a slide)."""

import html
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from slides import REVEAL, deck_notebook  # noqa: E402
from student_edition import strip_markdown  # noqa: E402
from test_student_edition import solution_lines  # noqa: E402
from plain_markdown import Links  # noqa: E402

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
MIN_SLIDES = 12

pytestmark = pytest.mark.book


def deck_html(built_book: Path, stem: str) -> str:
    path = built_book / "slides" / f"{stem}.html"
    assert path.exists(), f"no deck {path}: `tasks.py book` (or `tasks.py slides`) makes it"
    return path.read_text(encoding="utf-8")


def slides_of(text: str) -> list[str]:
    """The top-level slides: nbconvert writes each as <section><section>...</section></section>."""
    body = text[text.index('<div class="slides">'):]
    return [s for s in re.split(r"</section></section>", body) if "<section" in s]


def visible(slide: str) -> str:
    """A slide's text without its speaker notes, tags and entities."""
    slide = re.sub(r"<aside class=\"notes\">.*?</aside>", "", slide, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", slide))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_chapter_has_a_deck_with_enough_slides_and_notes(built_book, notebook):
    slides = slides_of(deck_html(built_book, notebook.stem))
    assert len(slides) >= MIN_SLIDES
    with_notes = [s for s in slides if '<aside class="notes">' in s]
    assert len(with_notes) >= len(slides) / 2, "the chapter's prose goes to the speaker notes"
    title = re.search(r"^# (.+)$", nbformat.read(notebook, as_version=4).cells[1].source, re.M).group(1)
    assert title in visible(slides[0])
    assert 'href="../chapters/' + notebook.stem + '.html"' in slides[0], "the title slide links the chapter"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_section_and_display_formula_of_the_chapter_is_on_a_slide(built_book, notebook):
    chapter = nbformat.read(notebook, as_version=4)
    text = "\n\n".join(strip_markdown(c.source) for c in chapter.cells if c.cell_type == "markdown")
    shown = " ".join(visible(s) for s in slides_of(deck_html(built_book, notebook.stem)))
    flat = " ".join(shown.split())
    for heading in re.findall(r"^##+ (.+)$", text, re.M):
        plain = re.sub(r"\{ref\}`([^`<]*?)\s*<[^>]+>`|[*`]", r"\1", heading)
        assert " ".join(plain.split()) in flat, f"no slide for the section {heading!r}"
    formulas = [" ".join(re.sub(r"\n\s*>", " ", f).split()) for f in re.findall(r"\$\$(.+?)\$\$", text, re.S)]
    assert formulas, "a chapter has display math"
    for formula in formulas:
        assert formula in flat, f"a formula is missing from the deck: {formula[:60]}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_and_the_explorer_have_their_slide(built_book, notebook):
    executed = nbformat.read(built_book.parent / "jupyter_execute" / "chapters" / notebook.name, as_version=4)
    alts = [c.metadata["mystnb"]["image"]["alt"] for c in executed.cells if c.cell_type == "code"
            and "image" in c.metadata.get("mystnb", {}) and ".static(" not in c.source
            and any("image/png" in o.get("data", {}) for o in c.outputs)]
    text = deck_html(built_book, notebook.stem)
    slides = slides_of(text)
    shown = {html.unescape(alt) for alt in re.findall(r'<img [^>]*alt="([^"]*)"', text)}
    for alt in alts:
        assert alt in shown, f"a figure is missing: {alt[:60]}"
    images = [s.count("<img ") for s in slides if "lx-explorer" not in s]
    assert max(images) == 1, "one figure per slide"
    explorers = [s for s in slides if 'class="lx-explorer"' in s]
    static_cells = sum(".static(" in c.source for c in executed.cells if c.cell_type == "code")
    # each explorer's element (static.js's comment names the class too)
    assert sum(s.count('<div class="lx-explorer" data-lx-name=') for s in explorers) == static_cells, \
        "every explorer has its slide"
    assert all('class="lx-script"' in s for s in explorers), "each explorer's script runs in the deck"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_solution_no_code_and_nothing_from_the_network(built_book, notebook):
    text = deck_html(built_book, notebook.stem)
    lines = {line.strip() for line in html.unescape(re.sub(r"<[^>]+>", "\n", text)).splitlines()}
    secrets = solution_lines(nbformat.read(notebook, as_version=4))
    assert not secrets & lines, f"solution lines in the deck: {sorted(secrets & lines)[:3]}"
    assert "BEGIN SOLUTION" not in text and 'class="jp-InputArea jp-Cell-inputArea"><div class="jp-CodeMirror' not in text
    loads = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="([^"]+)"', text)
    remote = [url for url in loads if re.match(r"(https?:)?//", url)]
    assert not remote, f"the deck loads {remote[:3]}"
    for url in loads:
        if not url.startswith("data:"):
            assert (built_book / "slides" / url).resolve().exists(), f"the deck loads {url}, which is not in the site"
    assert (built_book / "slides" / REVEAL / "dist" / "reveal.js").exists()


def test_slide_metadata_in_a_notebook_overrides_the_sections():
    def markdown(source, slide_type=None):
        cell = nbformat.v4.new_markdown_cell(source)
        if slide_type:
            cell.metadata["slideshow"] = {"slide_type": slide_type}
        return cell

    notebook = nbformat.v4.new_notebook(cells=[
        markdown("# Title\n\nThe lead."), markdown("## One\n\n$$a = b$$"),
        markdown("$$c = d$$", "slide"), markdown("A secret aside.", "skip"),
        markdown("Said, not shown.", "notes"), markdown("## Two\n\n- a point")])
    deck = deck_notebook(notebook, Links())
    starts = [c.source for c in deck.cells if c.metadata["slideshow"]["slide_type"] == "slide"]
    assert [s.splitlines()[0] for s in starts] == ["# Title", "## One", "## One (continued)", "## Two"]
    assert "$$c = d$$" in starts[2]
    everything = "\n".join(c.source for c in deck.cells)
    assert "A secret aside." not in everything
    notes = [c.source for c in deck.cells if c.metadata["slideshow"]["slide_type"] == "notes"]
    assert any("Said, not shown." in n for n in notes)
    assert not any("Said, not shown." in s for s in starts)
