"""The first docs a contributor reads tell the truth: every file path and every
`module.function` that README.md and CONTRIBUTING.md name in inline code exists.

A span of inline code (`...`, or a Markdown link's target) without spaces is
* a file path when it has a directory part or a file extension (`lecturelib/optim.py`,
  `docs/style.md`): it must exist in the repository, from its root or as the end of a path in
  it (`rbf.py`, `explore/static.py`, `01_rbf_networks.ipynb`), unless it is made by a command
  (under `_build/`, `student/`, `course/`, `.venv/`, or one of MADE_FILES) or a pattern
  (`<idea>`, `*`, `NN_`);
* a dotted name when it is identifiers joined by dots (`optim.REGISTRY`,
  `trajectory.iterate`, `Trajectory.reason`): unless it starts with another package (`torch.`,
  `np.`, `scipy.`, …), its first part must be a module of lecturelib (or a class defined in one)
  and every further part an attribute of what came before.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import lecturelib

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "CONTRIBUTING.md"]
MADE_BY_COMMANDS = ("_build/", "student/", "course/", ".venv", "../")
MADE_FILES = {"nbgrader_config.py", "source/", "index.html", "training-deep-networks-course-pack.zip",
              # an edition's folder (tasks.py edition) and the decks' copy of reveal.js (tasks.py slides)
              "editions/NAME/", "2027-spring/index.html", "changes.html", "edition.json", "editions.js",
              "slides/reveal.js/"}
TOP_LEVEL = {"tasks": ROOT / "tasks.py"}  # the repository's own modules outside lecturelib
EXTERNAL = {"torch", "np", "numpy", "scipy", "sklearn", "matplotlib", "plt", "nn", "F", "math", "os",
            "sys", "nbgrader", "jupyter", "ipywidgets", "playwright", "myst_nb", "sphinx", "pytest",
            "hypothesis", "optax", "d2l", "keras", "model", "optimizer", "loss", "self"}

def spans(text: str) -> set[str]:
    """Inline code spans and Markdown link targets outside fenced code blocks."""
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    found = set(re.findall(r"`([^`\n]+)`", prose)) | set(re.findall(r"\]\(([^)\s]+)\)", prose))
    return {s.strip() for s in found if " " not in s.strip() and "://" not in s}


def is_path(span: str) -> bool:
    return bool(re.fullmatch(r"[\w./-]+", span)) and (
        "/" in span or re.search(r"\.(py|md|ipynb|yml|yaml|txt|json|toml|js|css|cfg|zip|pdf|html|lock)$", span) is not None)


def is_dotted(span: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", span)) and not is_path(span)


PATHS = sorted({(doc, s) for doc in DOCS for s in spans((ROOT / doc).read_text()) if is_path(s)})
NAMES = sorted({(doc, s) for doc in DOCS for s in spans((ROOT / doc).read_text()) if is_dotted(s)})

FILES = [p.relative_to(ROOT) for p in ROOT.rglob("*") if not set(p.relative_to(ROOT).parts[:1]) & {
    ".git", ".venv", "_build", "student", "course", ".hypothesis", ".pytest_cache"}]
FILES = [f"/{f}" for f in FILES] + [f"/{d}" for f in FILES for d in map(str, f.parents) if d != "."]

MODULES = {m.name.rsplit(".", 1)[-1]: m.name for m in pkgutil.walk_packages(lecturelib.__path__, "lecturelib.")}
MODULES["lecturelib"] = "lecturelib"


def classes() -> dict[str, type]:
    """Every class defined in a lecturelib module, by name."""
    found = {}
    for name in MODULES.values():
        for attr, value in vars(importlib.import_module(name)).items():
            if inspect.isclass(value) and value.__module__.startswith("lecturelib"):
                found.setdefault(attr, value)
    return found


def has(obj, attr: str) -> bool:
    if hasattr(obj, attr):
        return True
    fields = getattr(obj, "__dataclass_fields__", {})  # a dataclass field without a default
    return attr in fields


@pytest.mark.parametrize("doc, path", PATHS)
def test_every_file_path_the_docs_name_exists(doc, path):
    if path.startswith(MADE_BY_COMMANDS) or path in MADE_FILES or re.search(r"[<*]|NN_", path) or (
            path.startswith(".") and "/" not in path):  # an extension: "a `.py` file"
        pytest.skip("made by a command, a pattern or an extension")
    wanted = path.rstrip("/")
    assert (ROOT / wanted).exists() or any(str(f).endswith("/" + wanted) for f in FILES), (
        f"{doc} names {path}, which is not in the repository")


@pytest.mark.parametrize("doc, name", NAMES)
def test_every_module_function_the_docs_name_exists(doc, name):
    head, *rest = name.split(".")
    if head in EXTERNAL:
        pytest.skip("another package")
    if head == "lecturelib" and rest and rest[0] in MODULES:  # lecturelib.optim.adam
        head, rest = rest[0], rest[1:]
    if head in TOP_LEVEL:
        spec = importlib.util.spec_from_file_location(head, TOP_LEVEL[head])
        obj = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(obj)
    elif head in MODULES:
        obj = importlib.import_module(MODULES[head])
    else:
        known = classes()
        assert head in known, f"{doc} names {name}: {head} is neither a module nor a class of lecturelib"
        obj = known[head]
    for i, attr in enumerate(rest):
        if not has(obj, attr) and inspect.ismodule(obj) and f"{obj.__name__}.{attr}" in MODULES.values():
            obj = importlib.import_module(f"{obj.__name__}.{attr}")
            continue
        assert has(obj, attr), f"{doc} names {name}, but {'.'.join([head, *rest[:i]])} has no {attr}"
        obj = getattr(obj, attr, None)


def test_the_docs_name_paths_and_functions_at_all():
    """The checks above can fail: they see the names the docs are full of."""
    assert ("CONTRIBUTING.md", "lecturelib/validation.py") in PATHS
    assert ("CONTRIBUTING.md", "optim.REGISTRY") in NAMES and ("CONTRIBUTING.md", "trajectory.iterate") in NAMES
