"""A local Sphinx extension: every slip on the lecture slides, flagged where it occurs and listed
on one page.

Where a chapter meets a slip, a markdown cell holds a `slip` box:

    :::{slip} Lecture 5, "Adam"
    **Slide:** $\\hat m^{k+1} = m^k / (1 - \\beta_1)$

    **Correct:** $\\hat m_t = m_t / (1 - \\beta_1^{\\,t})$, with the new $m_t$.

    Why, and where the book checks it ({ref}`sec-fo-adam`).
    :::

The title names the lecture and the slide (or topic): `Lecture <number>, <slide or topic>`.
The body holds one paragraph that starts with **Slide:** (what the slide says) and one that
starts with **Correct:** (the correct form), then any explanation. Everything is ordinary MyST
in the body, so math and references render as anywhere else, and a plain Markdown viewer
(Colab, the student edition) shows the same words. The box renders as an admonition of class
`slip` (styled by `slips.css`, light and dark theme) with an anchor `slip-<chapter>-l<lecture>-<topic>`.

The page `errata.md` holds

    ```{errata}
    ```

which the build replaces by a table of every slip box in the book, by lecture: lecture, slide
or topic, what the slide says, the correct form, and a link back to the box in its chapter.
The pattern is sphinx.ext.todo's: the boxes are collected into the environment when a page is
read (`doctree-read`; `env-purge-doc` and `env-merge-info` keep the list right for re-read
pages and parallel reads), and the table is written when the errata page is resolved
(`doctree-resolved`), with links from the builder's `get_relative_uri`, so that they work in the
multi-page `html` build and in the `singlehtml` build that tools/pdf.py prints.

A box without its two paragraphs, or with a title that does not name a lecture, stops the
build with a message that says what is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective, new_document

HERE = Path(__file__).resolve().parent
CSS = HERE / "slips" / "slips.css"
CSS_TARGET = "slips/slips.css"  # inside _static

TITLE = re.compile(r"^Lecture\s+(?P<lecture>\d+)\s*,\s*(?P<topic>\S.*)$")
FIELDS = {"Slide:": "says", "Correct:": "correct"}
COLUMNS = ("Lecture", "Slide or topic", "The slide says", "Correct", "In the book")


class errata_node(nodes.General, nodes.Element):
    """Where the errata table goes; replaced when the page is resolved."""


def chapter_of(docname: str) -> str:
    """'chapters/04_first_order' -> '04'; a page without a number keeps its whole name."""
    match = re.match(r"(\d+)", docname.rsplit("/", 1)[-1])
    return match.group(1) if match else nodes.make_id(docname)


def words(paragraph: nodes.paragraph) -> list[nodes.Node]:
    """The paragraph's children from the first that is not blank text (MyST starts a paragraph
    with an empty one)."""
    children = list(paragraph.children)
    while children and isinstance(children[0], nodes.Text) and not children[0].astext().strip():
        children.pop(0)
    return children


def field(paragraph: nodes.Node) -> str | None:
    """'says' or 'correct' if the paragraph opens with **Slide:** or **Correct:**, else None."""
    if isinstance(paragraph, nodes.paragraph) and words(paragraph):
        first = words(paragraph)[0]
        if isinstance(first, nodes.strong):
            return FIELDS.get(first.astext().strip())
    return None


class Slip(SphinxDirective):
    """One slip on a slide: an admonition of class `slip`, with its facts as attributes."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        where = f"slip {self.arguments[0]!r}"
        title = TITLE.match(self.arguments[0].strip())
        if not title:
            raise self.error(f"{where}: the title must be 'Lecture <number>, <slide or topic>', "
                             'e.g. `:::{slip} Lecture 5, "Adam"`')
        box = nodes.admonition(classes=["slip"])
        self.set_source_info(box)
        self.state.nested_parse(self.content, self.content_offset, box)
        found = {}
        for child in box.children:
            name = field(child)
            if name in found:
                raise self.error(f"{where}: more than one paragraph starts with "
                                 f"**{next(k for k, v in FIELDS.items() if v == name)}**")
            if name:
                found[name] = child
        missing = [label for label, name in FIELDS.items() if name not in found]
        if missing:
            raise self.error(f"{where}: the body needs a paragraph that starts with "
                             + " and one that starts with ".join(f"**{m}**" for m in missing)
                             + " (what the slide says, and the correct form)")
        lecture = int(title["lecture"])
        topic = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", title["topic"].strip())  # "Adam" -> “Adam”
        for name, paragraph in found.items():  # the words after the bold label, for the table
            after_label = nodes.paragraph("", "", *(c.deepcopy() for c in words(paragraph)[1:]))
            box[f"slip_{name}"] = words(after_label)
        box["slip_lecture"], box["slip_topic"] = lecture, topic
        box["slip_docname"] = self.env.docname
        heading = nodes.title(text=f"Slip on the slides — Lecture {lecture}, {topic}")
        heading["classes"].append("slip-title")
        box.insert(0, heading)
        slug = nodes.make_id(f"slip-{chapter_of(self.env.docname)}-l{lecture}-{topic}")
        ids, anchor, n = self.state.document.ids, slug, 1
        while anchor in ids:  # the same slide twice on a page: slip-…-2, slip-…-3
            n += 1
            anchor = f"{slug}-{n}"
        box["ids"].append(anchor)
        ids[anchor] = box
        return [box]


class Errata(SphinxDirective):
    """Placeholder for the errata table."""

    def run(self) -> list[nodes.Node]:
        return [errata_node()]


def is_slip(node: nodes.Node) -> bool:
    return isinstance(node, nodes.admonition) and "slip" in node["classes"] and "slip_lecture" in node


def section_title(node: nodes.Node) -> str:
    while node is not None and not isinstance(node, nodes.section):
        node = node.parent
    if node is None or not node.children or not isinstance(node[0], nodes.title):
        return ""
    return node[0].astext()


def collect(app, doctree: nodes.document) -> None:
    """doctree-read: remember every slip box of the page (and whether it shows the errata)."""
    env, docname = app.env, app.env.docname
    if not hasattr(env, "slips"):
        env.slips = []
    slips = env.slips
    for position, box in enumerate(doctree.findall(is_slip)):
        slips.append({"docname": docname, "position": position, "id": box["ids"][0],
                      "lecture": box["slip_lecture"], "topic": box["slip_topic"],
                      "says": box["slip_says"], "correct": box["slip_correct"],
                      "section": section_title(box)})
    if any(doctree.findall(errata_node)):
        if not hasattr(env, "slip_errata_docs"):
            env.slip_errata_docs = set()
        env.slip_errata_docs.add(docname)
        # The table brings math into a page that had none when it was read: load MathJax there.
        env.get_domain("math").data["has_equations"][docname] = True


def purge(app, env, docname: str) -> None:
    env.slips = [s for s in getattr(env, "slips", []) if s["docname"] != docname]
    env.slip_errata_docs = getattr(env, "slip_errata_docs", set()) - {docname}


def merge(app, env, docnames, other) -> None:
    """A parallel reader's environment also holds what the main one had: take only its pages."""
    env.slips = getattr(env, "slips", []) + [s for s in getattr(other, "slips", [])
                                             if s["docname"] in docnames]
    env.slip_errata_docs = getattr(env, "slip_errata_docs", set()) | (
        getattr(other, "slip_errata_docs", set()) & set(docnames))


def outdated(app, env, added, changed, removed) -> list[str]:
    """A changed chapter changes the table: rewrite the errata page too."""
    if added | changed | removed:
        return sorted(getattr(env, "slip_errata_docs", set()) - changed - added)
    return []


def by_lecture(slips: list[dict]) -> list[dict]:
    """Lecture by lecture; within a lecture in the order of the chapters, then of the page."""
    return sorted(slips, key=lambda s: (s["lecture"], s["docname"], s["position"]))


def counts_paragraph(slips: list[dict]) -> nodes.paragraph:
    lectures = sorted({s["lecture"] for s in slips})
    parts = [f"Lecture {n}: {sum(s['lecture'] == n for s in slips)}" for n in lectures]
    text = f"{len(slips)} slips in all ({'; '.join(parts)})."
    return nodes.paragraph(text, text, classes=["slip-counts"])


def cell(*children: nodes.Node) -> nodes.entry:
    return nodes.entry("", nodes.paragraph("", "", *children))


class ErrataTable:
    """doctree-resolved: replace each errata node by the table, its references resolved."""

    def __init__(self, app, doctree: nodes.document, docname: str) -> None:
        self.app, self.builder, self.env, self.docname = app, app.builder, app.env, docname
        for node in list(doctree.findall(errata_node)):
            slips = by_lecture(getattr(self.env, "slips", []))
            node.replace_self([counts_paragraph(slips), self.table(slips)])

    def table(self, slips: list[dict]) -> nodes.table:
        table = nodes.table(classes=["slip-errata"])
        group = nodes.tgroup(cols=len(COLUMNS))
        table += group
        for width in (8, 17, 25, 30, 20):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += nodes.row("", *(nodes.entry("", nodes.paragraph(text=c)) for c in COLUMNS))
        group += head
        body = nodes.tbody()
        for slip in slips:
            body += nodes.row("", cell(nodes.Text(str(slip["lecture"]))),
                              cell(nodes.Text(slip["topic"])),
                              cell(*self.resolved(slip["says"], slip["docname"])),
                              cell(*self.resolved(slip["correct"], slip["docname"])),
                              cell(self.link(slip)))
        group += body
        return table

    def resolved(self, children: list[nodes.Node], source: str) -> list[nodes.Node]:
        """A copy of a box's inline nodes, with their cross-references resolved from here
        (as sphinx.ext.todo does for its list)."""
        holder = nodes.paragraph("", "", *(child.deepcopy() for child in children))
        for xref in holder.findall(addnodes.pending_xref):
            if "refdoc" in xref:
                xref["refdoc"] = self.docname
        document = new_document("")
        document += holder
        self.env.resolve_references(document, self.docname, self.builder)
        document.remove(holder)
        return list(holder.children)

    def link(self, slip: dict) -> nodes.reference:
        chapter = chapter_of(slip["docname"])
        where = f"ch. {int(chapter)}" if chapter.isdigit() else self.env.titles[slip["docname"]].astext()
        text = f"{where}, {slip['section']}" if slip["section"] else where
        uri = self.builder.get_relative_uri(self.docname, slip["docname"]) + "#" + slip["id"]
        return nodes.reference("", text, internal=True, refuri=uri)


def add_css(app) -> None:
    if app.builder.format == "html":
        app.add_css_file(CSS_TARGET)


def copy_css(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / CSS_TARGET
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(CSS.read_bytes())


def setup(app):
    if not CSS.exists():
        raise RuntimeError(f"the slip box style sheet {CSS} is missing")
    app.add_node(errata_node)
    app.add_directive("slip", Slip)
    app.add_directive("errata", Errata)
    app.connect("builder-inited", add_css)
    app.connect("doctree-read", collect)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-outdated", outdated)
    app.connect("doctree-resolved", ErrataTable)
    app.connect("build-finished", copy_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
