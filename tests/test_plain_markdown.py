"""The notebooks students receive carry plain Markdown (tools/plain_markdown.py): no MyST that
plain Jupyter, Colab or nbgrader's feedback would show as raw text.

The check for leftovers is written here, independently of the converter, and generically: any
directive fence (`:::{name}`, ```` ```{name} ````), any role (`{name}`text``) and any `(label)=`
target outside code counts, so a directive added to the book later is caught too."""

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from plain_markdown import Links, Target, book_links, to_plain_markdown  # noqa: E402
from student_edition import strip_markdown, student_notebook  # noqa: E402

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
BASE = "https://example.org/book/"

MYST_DIRECTIVE = re.compile(r"^\s*(?::{3,}|`{3,}|~{3,})\s*\{[^}\n]+\}", re.M)
MYST_TARGET = re.compile(r"^\s*\([\w:.+-]+\)=\s*$", re.M)
FENCED_CODE = re.compile(r"^\s*(`{3,}|~{3,})(?!\s*\{).*?^\s*\1\s*$", re.M | re.S)
# a role, or a code span: whichever starts first (a code span may show a role's syntax)
ROLE_OR_CODE = re.compile(r"(?P<role>\{[A-Za-z][\w:.+-]*\}`)|(?P<ticks>`+).+?(?P=ticks)", re.S)


def myst_leftovers(markdown: str) -> list[str]:
    """Every piece of MyST syntax in `markdown` outside code blocks and code spans."""
    text = FENCED_CODE.sub("", markdown)
    roles = [m.group("role") for m in ROLE_OR_CODE.finditer(text) if m.group("role")]
    return [m.group(0) for pattern in (MYST_DIRECTIVE, MYST_TARGET) for m in pattern.finditer(text)] + roles


def markdown_of(notebook) -> str:
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def math_of(markdown: str) -> list[str]:
    """Every formula ($$...$$ and $...$), whitespace and block-quote marks normalised."""
    found = re.findall(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", markdown, re.S)
    return sorted(" ".join(re.sub(r"\n\s*>", " ", a or b).split()) for a, b in found)


def test_the_leftover_check_finds_myst_and_ignores_code():
    assert myst_leftovers(":::{slip} A slip\nBody\n:::") == [":::{slip}"]
    assert myst_leftovers("````{note}\nx\n````")
    assert myst_leftovers("See {ref}`sec-a`.") == ["{ref}`"]
    assert myst_leftovers("(sec-a)=\n# A") == ["(sec-a)="]
    assert myst_leftovers("Code `{ref}` and\n```python\n{doc}`x`\n:::{note}\n```\n") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_notebooks_carry_no_myst(path):
    chapter = nbformat.read(path, as_version=4)
    assert myst_leftovers(markdown_of(chapter)), "the chapter itself is MyST (the book keeps it)"
    student = student_notebook(chapter)
    leftovers = myst_leftovers(markdown_of(student))
    assert not leftovers, f"MyST left in the student edition: {leftovers[:5]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercise_titles_become_headings_and_math_is_kept(path):
    chapter = nbformat.read(path, as_version=4)
    student = markdown_of(student_notebook(chapter))
    titles = re.findall(r"^:::\{exercise\}\s*(.+?)\s*$", markdown_of(chapter), re.M)
    assert len(titles) >= 4
    headings = re.findall(r"^#{2,4} Exercise: (.+?)\s*$", student, re.M)
    assert headings == titles
    # every formula of what students get (the chapter without its worked solutions) survives
    expected = math_of("\n\n".join(strip_markdown(c.source) for c in chapter.cells if c.cell_type == "markdown"))
    assert len(expected) > 20
    assert math_of(student) == expected


@pytest.mark.book
def test_links_to_the_book_point_at_pages_and_anchors_that_exist(built_book):
    """Every cross-reference a student notebook links to the published book names a page of the
    built book and an id on that page (the book's own HTML is the reference)."""
    base = book_links(ROOT).base_url
    assert base.startswith("https://")
    links = set()
    for path in NOTEBOOKS:
        text = markdown_of(student_notebook(nbformat.read(path, as_version=4)))
        links |= set(re.findall(rf"\]\({re.escape(base)}([^)#\s]+)(?:#([^)\s]+))?\)", text))
    assert len(links) >= 10, "the chapters cross-reference each other"
    for page, anchor in sorted(links):
        html = built_book / page
        assert html.exists(), f"{base}{page} is not a page of the book"
        if anchor:
            assert f'id="{anchor}"' in html.read_text(encoding="utf-8"), f"{page} has no #{anchor}"


def test_the_published_address_is_the_repositorys_github_pages():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    owner, name = re.match(r"https://github.com/([^/]+)/([^/]+?)/?$", config["repository"]["url"]).groups()
    assert config["html"]["baseurl"] == f"https://{owner}.github.io/{name}/"


LINKS = Links(base_url=BASE, labels={"sec-a": Target("chapters/01_x", "Section A"),
                                     "ex-b": Target("chapters/02_y", "Exercise B")},
              titles={"instructors": "For instructors"}, docname="chapters/01_x")


def test_any_directive_becomes_plain_markdown_with_its_title_and_body():
    source = """Before.

::::{slip} Slide 12 says $\\beta$
:class: warning
The slide writes $\\beta$ where it means $\\beta^t$:

$$
\\hat m_t = \\frac{m_t}{1 - \\beta^t}
$$

:::{note}
A nested note.
:::
::::

```{admonition} Why
:class: tip
Because.
```

:::{some-future-directive}
Its body.
:::
After."""
    plain = to_plain_markdown(source, LINKS)
    assert myst_leftovers(plain) == []
    assert "> **Slip: Slide 12 says $\\beta$**" in plain
    assert "> $$\\hat m_t = \\frac{m_t}{1 - \\beta^t}$$" in plain  # one line inside the quote
    assert "> > **Note**" in plain and "> > A nested note." in plain
    assert "> **Why**" in plain and "> Because." in plain
    assert "> **Some future directive**" in plain and "> Its body." in plain
    assert ":class:" not in plain
    assert plain.startswith("Before.\n\n") and plain.endswith("\n\nAfter.")  # After. is not in the quote


def test_exercises_and_solutions_become_headings():
    source = ":::{exercise} The feature vector\n:label: ex-b\n\nCompute $\\phi(x)$.\n:::\n\n" \
             ":::{solution-start} ex-b\n:class: dropdown\n:::\n\nWorked.\n\n:::{solution-end}\n:::"
    plain = to_plain_markdown(source, LINKS)
    assert plain.splitlines()[0] == "### Exercise: The feature vector"
    assert "Compute $\\phi(x)$." in plain
    assert "### Solution: Exercise B" in plain  # a solution's argument is its exercise's label
    assert myst_leftovers(plain) == []


def test_roles_become_links_to_the_published_book_or_plain_text():
    plain = to_plain_markdown("See {ref}`sec-a`, {ref}`the explorer <sec-a>`, {doc}`../instructors`, "
                              "{ref}`unknown-label`, {math}`x^2`, {kbd}`Ctrl`, {fa}`rocket` and "
                              "{weird}`Shown <target>`.", LINKS)
    assert plain == ("See [Section A](https://example.org/book/chapters/01_x.html#sec-a), "
                     "[the explorer](https://example.org/book/chapters/01_x.html#sec-a), "
                     "[For instructors](https://example.org/book/instructors.html), "
                     "unknown-label, $x^2$, `Ctrl`,  and Shown.")


def test_without_a_published_address_references_are_plain_text():
    plain = to_plain_markdown("See {ref}`sec-a`.", Links(labels=LINKS.labels))
    assert plain == "See Section A."


def test_code_targets_and_comments():
    source = "(sec-a)=\n## A\n% a comment\n+++\nUse `{ref}` here.\n\n```python\n{ref}`kept`\n:::{note}\n```\n" \
             "$$ x = 1 $$ (eq-one)"
    plain = to_plain_markdown(source, LINKS)
    assert plain == "## A\nUse `{ref}` here.\n\n```python\n{ref}`kept`\n:::{note}\n```\n$$ x = 1 $$"


def test_a_role_that_wraps_across_lines_is_converted():
    assert to_plain_markdown("see {ref}`the\nexplorer <sec-a>` here", LINKS) == \
        "see [the\nexplorer](https://example.org/book/chapters/01_x.html#sec-a) here"
