"""MyST to plain Markdown, for notebooks opened outside the book.

The book's notebooks are written in MyST: exercises are `:::{exercise}` fences, cross-references
are `{ref}` roles, sections carry `(label)=` targets. The book renders them; JupyterLab without
the `jupyterlab-myst` extension, Colab and nbgrader's feedback HTML show them as raw text. The
notebooks students receive (the student edition, `tools/student_edition.py`, and so nbgrader's
release, `tools/assignments.py`) and the slide decks (`tools/slides.py`) therefore carry this
module's plain-Markdown version of every markdown cell. The book itself keeps MyST.

Generic, so that a directive or role added later is converted too:

* every directive, colon fence (`:::{name} argument`) or backtick fence (```` ```{name} ````),
  nested ones included: its options (`:key: value` lines or a `---` YAML block) are dropped
  and its body is converted in turn. `exercise` and `solution` become a heading
  (`### Exercise: Title`; a solution's argument is its exercise's label, shown as that
  exercise's title), `math` display math, `code`/`code-block`/`code-cell` a code fence,
  `figure`/`image` an image, `raw html` its HTML; a directive with neither argument nor body
  (`solution-end`) vanishes; any other (admonitions, `slip`, ...) becomes a block quote headed
  by its name and argument in bold (`> **Slip: title**`);
* every role: `{ref}`, `{numref}`, `{eq}` and `{doc}` become links to the published book (the
  label's page and anchor; the target's title when the role gives no text) or plain text when
  the target is unknown; `{math}` becomes `$...$`; code-like roles (`{kbd}`, `{code}`,
  `{file}`, ...) a code span; icons (`{fa}`) vanish; any other role keeps its text;
* `(label)=` targets, `%` comments, `+++` block breaks and equation labels after `$$`
  are removed; display math inside a block quote is put on one line (Jupyter finds math
  before it reads Markdown, so a `> ` inside a formula would be typeset).

Math stays as `$...$` and `$$...$$`, which every Jupyter renders. Code spans and code fences
are left alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

DIRECTIVE = re.compile(r"^(?P<indent>[ \t]{0,3})(?P<fence>:{3,}|`{3,}|~{3,})\{(?P<name>[\w:.+-]+)\}[ \t]*(?P<argument>.*?)[ \t]*$")
CODE_FENCE = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})(?!\{)")
OPTION = re.compile(r"^:[\w-]+:(?:[ \t].*)?$")
ROLE = re.compile(r"(?<![`\w]){(?P<name>[\w:.+-]+)}`(?P<content>[^`]+)`")
TARGET = re.compile(r"^[ \t]*\([\w:.+-]+\)=[ \t]*$")
COMMENT = re.compile(r"^[ \t]*%")
BLOCK_BREAK = re.compile(r"^[ \t]*\+\+\+")
EQUATION_LABEL = re.compile(r"(\$\$)[ \t]*\([\w:.+-]+\)[ \t]*$", re.M)
ROLE_OR_CODE = re.compile(ROLE.pattern + r"|(?P<ticks>`+)(?!`).*?(?<!`)(?P=ticks)(?!`)", re.S)
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)

HEADINGS = {"exercise": "Exercise", "solution": "Solution", "solution-start": "Solution"}
CODE_DIRECTIVES = {"code", "code-block", "code-cell", "sourcecode", "literalinclude"}
LINK_ROLES = {"ref", "numref", "eq", "doc", "any", "term"}
CODE_ROLES = {"code", "kbd", "file", "samp", "command", "literal", "envvar", "program", "option"}
DROPPED_ROLES = {"fa", "icon", "octicon", "index"}


@dataclass(frozen=True)
class Target:
    """Where a label points in the published book: its page (docname, e.g. "chapters/01_rbf_networks")
    and the title to show."""

    docname: str
    title: str


@dataclass
class Links:
    """What the roles need: the published book's address and the book's labels."""

    base_url: str = ""
    labels: dict[str, Target] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # docname -> page title
    docname: str = ""  # the page being converted, for relative {doc} targets

    def url(self, docname: str, anchor: str = "") -> str:
        if not self.base_url:
            return ""
        return f"{self.base_url.rstrip('/')}/{docname}.html" + (f"#{anchor}" if anchor else "")


def book_links(root: Path, docname: str = "") -> Links:
    """The labels and page titles of the book whose `_config.yml` and `_toc.yml` are in `root`,
    with the published address from `_config.yml` (`html: baseurl:`)."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    links = Links(base_url=str((config.get("html") or {}).get("baseurl") or ""), docname=docname)
    pages = [path for path in sorted(root.glob("*.md")) + sorted((root / "chapters").glob("*"))
             if path.suffix in (".md", ".ipynb")]
    for path in pages:
        name = path.relative_to(root).with_suffix("").as_posix()
        if path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            text = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        else:
            text = path.read_text(encoding="utf-8")
        _collect_labels(text, name, links)
    return links


def _collect_labels(text: str, docname: str, links: Links) -> None:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        heading = re.match(r"^(#{1,6})\s+(.+?)\s*#*\s*$", line)
        if heading and heading.group(1) == "#" and docname not in links.titles:
            links.titles[docname] = heading.group(2)
        target = re.match(r"^\(([\w:.+-]+)\)=\s*$", line)
        if target:
            following = next((l for l in lines[i + 1:] if l.strip()), "")
            title = re.match(r"^#{1,6}\s+(.+?)\s*$", following)
            links.labels[target.group(1)] = Target(docname, title.group(1) if title else target.group(1))
        directive = DIRECTIVE.match(line)
        if directive:
            for option in lines[i + 1:]:
                label = re.match(r"^:label:\s*(\S+)\s*$", option)
                if label:
                    links.labels[label.group(1)] = Target(docname, directive.group("argument") or label.group(1))
                if not OPTION.match(option):
                    break


def to_plain_markdown(source: str, links: Links | None = None) -> str:
    """`source` (a markdown cell in MyST) in plain Markdown; see the module's docstring."""
    links = links or Links()
    return "\n".join(_convert_lines(source.splitlines(), links)).strip("\n")


def _convert_lines(lines: list[str], links: Links) -> list[str]:
    out: list[str] = []
    text: list[str] = []  # a run of ordinary lines, whose roles are converted together (a role may wrap)

    def flush():
        if text:
            out.extend(_quoted_display_math(_inline("\n".join(text), links).split("\n")))
            text.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        directive = DIRECTIVE.match(line)
        fence = CODE_FENCE.match(line)
        if directive:
            flush()
            end = _closing(lines, i + 1, directive.group("fence"))
            converted = _directive(directive.group("name"), directive.group("argument"), lines[i + 1:end], links)
            if converted:  # a blank line after it: a quote would otherwise run on into the next line
                out += converted + ([""] if end + 1 < len(lines) and lines[end + 1].strip() else [])
            i = end + 1
        elif fence:
            flush()
            end = _closing(lines, i + 1, fence.group("fence"))
            out += lines[i:end + 1]  # a code block: left as it is
            i = end + 1
        elif TARGET.match(line) or COMMENT.match(line) or BLOCK_BREAK.match(line):
            i += 1
        else:
            text.append(line)
            i += 1
    flush()
    return EQUATION_LABEL.sub(r"\1", "\n".join(out)).split("\n")


def _closing(lines: list[str], start: int, fence: str) -> int:
    """The index of the line that closes `fence` (the end of `lines` if none does)."""
    closing = re.compile(rf"^[ \t]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    for j in range(start, len(lines)):
        if closing.match(lines[j]):
            return j
    return len(lines)


def _split_options(body: list[str]) -> list[str]:
    """The body without its options: leading `:key: value` lines, or a leading `---` YAML block."""
    if body and body[0].strip() == "---":
        for j in range(1, len(body)):
            if body[j].strip() == "---":
                return body[j + 1:]
    j = 0
    while j < len(body) and OPTION.match(body[j]):
        j += 1
    return body[j:]


def _option(body: list[str], key: str) -> str:
    for line in body:
        match = re.match(rf"^:{key}:\s*(.*)$", line)
        if match:
            return match.group(1).strip()
        if not OPTION.match(line):
            break
    return ""


def _directive(name: str, argument: str, body: list[str], links: Links) -> list[str]:
    content = _split_options(body)
    kind = name.split(":")[-1].lower()
    if kind in CODE_DIRECTIVES:
        return [f"```{argument}"] + content + ["```"]
    if kind == "math":
        return ["$$"] + content + ["$$"]
    if kind == "raw":
        return content if argument.strip().lower() == "html" else []
    converted = _convert_lines(content, links)
    while converted and not converted[0].strip():
        converted.pop(0)
    while converted and not converted[-1].strip():
        converted.pop()
    if kind in ("figure", "image"):
        alt = _option(body, "alt") or "figure"
        return [f"![{alt}]({argument})", ""] + converted
    if not argument and not converted:
        return []
    if kind in HEADINGS:
        title = argument
        if kind != "exercise" and argument in links.labels:
            title = links.labels[argument].title
        title = _inline(title, links)
        return [f"### {HEADINGS[kind]}" + (f": {title}" if title else ""), ""] + converted
    if kind == "admonition":
        heading = _inline(argument, links) or "Note"
    else:
        heading = kind.replace("-", " ").capitalize() + (f": {_inline(argument, links)}" if argument else "")
    return [f"> **{heading}**", ">"] + [f"> {line}".rstrip() for line in _one_line_display_math(converted)]


def _quoted_display_math(lines: list[str]) -> list[str]:
    """Display math inside a block quote put on one line (the book's own quotes have some)."""
    out, i = [], 0
    while i < len(lines):
        if not lines[i].lstrip().startswith(">"):
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].lstrip().startswith(">"):
            j += 1
        quote = [re.sub(r"^\s*> ?", "", line) for line in lines[i:j]]
        out += [f"> {line}".rstrip() for line in _one_line_display_math(quote)]
        i = j
    return out


def _one_line_display_math(lines: list[str]) -> list[str]:
    """Display math on one line each, so that a block quote's `> ` does not end up inside it."""
    text = "\n".join(lines)
    text = re.sub(r"\$\$(.+?)\$\$", lambda m: "$$" + " ".join(m.group(1).split()) + "$$", text, flags=re.S)
    text = re.sub(r"\\begin\{(\w+\*?)\}(.+?)\\end\{\1\}",
                  lambda m: f"\\begin{{{m.group(1)}}} " + " ".join(m.group(2).split()) + f" \\end{{{m.group(1)}}}",
                  text, flags=re.S)
    return text.split("\n")


def _inline(text: str, links: Links) -> str:
    """Roles converted; code spans left alone (whichever starts first wins, as in Markdown)."""
    def replace(match):
        if match.group("name") is None:
            return match.group(0)
        return _role(match.group("name"), match.group("content"), links)

    return ROLE_OR_CODE.sub(replace, text)


def _role(name: str, content: str, links: Links) -> str:
    kind = name.split(":")[-1].lower()
    explicit = EXPLICIT.match(content)
    text, target = (explicit.group("text"), explicit.group("target")) if explicit else ("", content.strip())
    if kind == "math":
        return f"${content}$"
    if kind in CODE_ROLES:
        return f"`{text or target}`"
    if kind in DROPPED_ROLES:
        return ""
    if kind in ("sub", "sup"):
        return f"<{kind}>{content}</{kind}>"
    if kind == "abbr":
        return f"{text} ({target})" if text else target
    if kind == "doc":
        docname = _resolve_doc(target, links.docname)
        url = links.url(docname)
        title = text or links.titles.get(docname, target)
        return f"[{title}]({url})" if url else title
    if kind in LINK_ROLES:
        found = links.labels.get(target)
        title = text or (found.title if found else target)
        url = links.url(found.docname, target) if found else ""
        return f"[{title}]({url})" if url else title
    return text or target


def _resolve_doc(target: str, current: str) -> str:
    target = target.removesuffix(".md").removesuffix(".ipynb")
    if target.startswith("/"):
        return target.lstrip("/")
    parts = current.split("/")[:-1] + target.split("/")
    resolved: list[str] = []
    for part in parts:
        if part == "..":
            if resolved:
                resolved.pop()
        elif part and part != ".":
            resolved.append(part)
    return "/".join(resolved)

