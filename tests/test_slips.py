"""The slip boxes and the errata page (_ext/slips.py): the pure helpers directly, the directives
in a throw-away book built with the book's own command, in the `html` builder and in the
`singlehtml` builder that tools/pdf.py prints."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from docutils import nodes

import tasks

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
import slips  # noqa: E402  (a local Sphinx extension, not a package)


def test_the_chapter_part_of_an_anchor_comes_from_the_page_name():
    assert slips.chapter_of("chapters/04_first_order") == "04"
    assert slips.chapter_of("errata") == "errata"


def test_a_field_is_a_paragraph_that_opens_with_its_bold_label():
    def paragraph(*children):
        return nodes.paragraph("", "", *children)

    slide = paragraph(nodes.Text(""), nodes.strong("Slide:", "Slide:"), nodes.Text(" a formula"))
    assert slips.field(slide) == "says"
    assert slips.field(paragraph(nodes.strong("Correct:", "Correct:"))) == "correct"
    assert slips.field(paragraph(nodes.Text("Slide: not bold"))) is None
    assert slips.field(paragraph(nodes.strong("Wrong:", "Wrong:"))) is None
    assert [c.astext() for c in slips.words(slide)] == ["Slide:", " a formula"]


def test_the_table_orders_by_lecture_then_chapter_then_place_and_counts_by_lecture():
    found = [{"lecture": 5, "docname": "chapters/01_a", "position": 0},
             {"lecture": 3, "docname": "chapters/02_b", "position": 1},
             {"lecture": 3, "docname": "chapters/02_b", "position": 0},
             {"lecture": 3, "docname": "chapters/01_a", "position": 3}]
    ordered = slips.by_lecture(found)
    assert [(s["lecture"], s["docname"][-4:], s["position"]) for s in ordered] == [
        (3, "01_a", 3), (3, "02_b", 0), (3, "02_b", 1), (5, "01_a", 0)]
    assert slips.counts_paragraph(found).astext() == "4 slips in all (Lecture 3: 3; Lecture 5: 1)."


# -- a throw-away book ---------------------------------------------------------------------------

GOOD_NOTEBOOK = r"""# Demo

## Ranges

:::{slip} Lecture 3, Gaussian
**Slide:** $\rho: \mathbb{R} \to [0, 1)$

**Correct:** $\rho: \mathbb{R} \to (0, 1]$

It equals 1 at 0.
:::
"""

GOOD_PAGE = r"""# More

(sec-more-adam)=
## Adam

:::{slip} Lecture 5, "Adam"
**Slide:** $\hat m^{k+1} = m^k/(1 - \beta_1)$

**Correct:** $\hat m_t = m_t/(1 - \beta_1^{\,t})$, see {ref}`sec-more-adam`.

The bias correction uses the $t$-th power.
:::

The same slide again, further down the page:

:::{slip} Lecture 5, "Adam"
**Slide:** "second momentum"

**Correct:** second moment
:::
"""

ERRATA = "# Errata for the slides\n\n```{errata}\n```\n"


def write_book(book: Path, notebook_text: str, page_text: str) -> None:
    (book / "chapters").mkdir(parents=True)
    config = {"title": "probe", "only_build_toc_files": True,
              "execute": {"execute_notebooks": "off"},
              "parse": {"myst_enable_extensions": ["amsmath", "colon_fence", "dollarmath"]},
              "sphinx": {"local_extensions": {"slips": str(ROOT / "_ext")}}}
    (book / "_config.yml").write_text(yaml.safe_dump(config))
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/01_demo\n"
                                   "  - file: chapters/02_more\n  - file: errata\n")
    (book / "intro.md").write_text("# Probe\n\nA landing page.\n")
    (book / "errata.md").write_text(ERRATA)
    (book / "chapters" / "02_more.md").write_text(page_text)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(notebook_text),
                                               nbformat.v4.new_code_cell("print(1)")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, book / "chapters" / "01_demo.ipynb")


def build(book: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(tasks.build_command(book) + list(extra), cwd=book, env=tasks.environment(),
                          capture_output=True, text=True)


def errata_rows(html: str) -> list[str]:
    [table] = re.findall(r'<table class="slip-errata.*?</table>', html, re.S)
    return re.findall(r"<tr.*?</tr>", table, re.S)[1:]


def cells(row: str) -> list[str]:
    return re.findall(r"<td>(.*?)</td>", row, re.S)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    book = tmp_path_factory.mktemp("slips") / "book"
    write_book(book, GOOD_NOTEBOOK, GOOD_PAGE)
    result = build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return book


@pytest.mark.slow
def test_boxes_render_with_a_title_an_anchor_and_their_math(book):
    page = (book / "_build" / "html" / "chapters" / "02_more.html").read_text()
    boxes = re.findall(r'<div class="slip admonition" id="([^"]+)">\s*<p class="slip-title admonition-title">'
                       r"Slip on the slides — Lecture 5, “Adam”</p>", page)
    assert boxes == ["slip-02-l5-adam", "slip-02-l5-adam-2"]  # two boxes, two anchors
    assert r"\(\hat m_t = m_t/(1 - \beta_1^{\,t})\)" in page
    assert (book / "_build" / "html" / "_static" / "slips" / "slips.css").exists()
    assert "_static/slips/slips.css" in page


@pytest.mark.slow
def test_errata_table_lists_every_box_by_lecture_with_math_and_working_links(book):
    html = book / "_build" / "html"
    errata = (html / "errata.html").read_text()
    assert "3 slips in all (Lecture 3: 1; Lecture 5: 2)." in errata
    rows = errata_rows(errata)
    assert [re.sub(r"<.*?>", "", cells(row)[0]) for row in rows] == ["3", "5", "5"]
    assert "Gaussian" in cells(rows[0])[1] and "“Adam”" in cells(rows[1])[1]
    assert r'<span class="math notranslate nohighlight">\(\rho: \mathbb{R} \to (0, 1]\)</span>' in cells(rows[0])[3]
    # a reference inside a box is resolved from the errata page
    assert 'href="chapters/02_more.html#sec-more-adam"' in cells(rows[1])[3]
    assert "mathjax" in errata.lower(), "the page must load MathJax for the table's math"
    for row in rows:
        target, anchor = re.search(r'href="([^"#]+)#([^"]+)">ch\. \d, ', cells(row)[4]).groups()
        assert f'id="{anchor}"' in (html / target).read_text(), (target, anchor)


@pytest.mark.slow
def test_errata_links_work_in_the_single_page_build_that_the_pdf_prints(book):
    result = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(book),
                             "--builder", "singlehtml", "-W", "-n", "--keep-going"],
                            cwd=book, env=tasks.environment(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    single = book / "_build" / "singlehtml"
    [page] = [p for p in single.glob("*.html") if "slip-errata" in p.read_text()]
    text = page.read_text()
    links = re.findall(r'href="([^"]*)#(slip-[^"]+)"', text)
    assert len(links) == 3
    for target, anchor in links:
        assert target in ("", page.name), f"a link leaves the single page: {target}#{anchor}"
        assert text.count(f'id="{anchor}"') == 1


@pytest.mark.slow
def test_a_box_without_its_fields_or_its_lecture_stops_the_build_and_says_why(tmp_path):
    book = tmp_path / "book"
    write_book(book, GOOD_NOTEBOOK.replace("**Correct:**", "Correct:"),
               GOOD_PAGE.replace('Lecture 5, "Adam"\n**Slide:** $\\hat', 'Slides 5, "Adam"\n**Slide:** $\\hat'))
    result = build(book)
    said = result.stdout + result.stderr
    assert result.returncode != 0
    assert "needs a paragraph that starts with **Correct:**" in said and "01_demo.ipynb" in said
    assert "the title must be 'Lecture <number>, <slide or topic>'" in said and "02_more.md" in said
