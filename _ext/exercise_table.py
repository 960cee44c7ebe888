"""A local Sphinx extension: the instructors' exercise table, read from the notebooks.

    ```{exercise-table}
    ```

    ```{exercise-table}
    :by: assignment
    ```

The first lists every exercise once (chapter, exercise, learning goal, time, points); the
second sums them per chapter, which is one nbgrader assignment. Each exercise's facts live in
its notebook, on the locked nbgrader test cell that checks it:

    "metadata": {"exercise": {"label": "ex-act-sigmoid-prime", "goal": "...", "minutes": 10},
                 "nbgrader": {"grade": true, "points": 2, "grade_id": "ex-act-sigmoid-prime-check", ...}}

Points follow one rule, `MINUTES_PER_POINT`: 1 point per 5 minutes of estimated time. A test cell
whose points break the rule, a repeated label, or a missing field stops the build with a message
that names the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

MINUTES_PER_POINT = 5


@dataclass(frozen=True)
class Exercise:
    """One exercise, as its notebook's test cell describes it."""

    notebook: str  # the notebook's stem, e.g. "02_activations" (also the nbgrader assignment)
    chapter: int  # the number the stem starts with
    label: str  # the sphinx-exercise label, e.g. "ex-act-sigmoid-prime"
    goal: str
    minutes: int
    points: float

    @property
    def answer_id(self) -> str:
        return f"{self.label}-answer"

    @property
    def check_id(self) -> str:
        return f"{self.label}-check"


def points_for(minutes: int) -> int:
    """The documented rule: 1 point per `MINUTES_PER_POINT` minutes of estimated time."""
    if not isinstance(minutes, int) or minutes <= 0 or minutes % MINUTES_PER_POINT:
        raise ValueError(f"an exercise's minutes must be a positive multiple of {MINUTES_PER_POINT}, "
                         f"got {minutes!r}")
    return minutes // MINUTES_PER_POINT


def read_exercises(path: Path) -> list[Exercise]:
    """The exercises of one notebook, in order, from its nbgrader test cells."""
    found = []
    for cell in nbformat.read(path, as_version=4).cells:
        grading = cell.metadata.get("nbgrader", {})
        if not grading.get("grade"):
            continue
        facts = cell.metadata.get("exercise", {})
        where = f"{path.name}, test cell {grading.get('grade_id')!r}"
        missing = {"label", "goal", "minutes"} - set(facts)
        if missing:
            raise ValueError(f"{where}: metadata.exercise lacks {sorted(missing)}")
        if grading.get("points") != points_for(facts["minutes"]):
            raise ValueError(f"{where}: {facts['minutes']} minutes make {points_for(facts['minutes'])} points "
                             f"(1 per {MINUTES_PER_POINT} min), the cell says {grading.get('points')}")
        found.append(Exercise(notebook=path.stem, chapter=int(re.match(r"\d+", path.stem).group()),
                              label=facts["label"], goal=facts["goal"], minutes=facts["minutes"],
                              points=grading["points"]))
    return found


def book_exercises(chapters: Path) -> list[Exercise]:
    """Every exercise of every notebook in `chapters`; a label may appear only once."""
    exercises = [e for path in sorted(chapters.glob("*.ipynb")) for e in read_exercises(path)]
    labels = [e.label for e in exercises]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise ValueError(f"exercise labels used more than once: {repeated}")
    return exercises


def exercise_rows(exercises: list[Exercise]) -> list[str]:
    rows = ["| Chapter | Exercise | Learning goal | Time | Points |", "|---|---|---|---|---|"]
    rows += [f"| {e.chapter} | {{ref}}`{e.label}` | {e.goal} | {e.minutes} min | {e.points:g} |" for e in exercises]
    return rows


def assignment_rows(exercises: list[Exercise]) -> list[str]:
    rows = ["| Chapter | nbgrader assignment | Exercises | Time | Points |", "|---|---|---|---|---|"]
    for notebook in dict.fromkeys(e.notebook for e in exercises):
        mine = [e for e in exercises if e.notebook == notebook]
        rows.append(f"| {{doc}}`chapters/{notebook}` | `{notebook}` | {len(mine)} | "
                    f"{sum(e.minutes for e in mine)} min | {sum(e.points for e in mine):g} |")
    return rows


class ExerciseTable(SphinxDirective):
    """The table, written as MyST Markdown and parsed in place."""

    option_spec = {"by": lambda value: directives.choice(value, ("exercise", "assignment"))}

    def run(self) -> list[nodes.Node]:
        chapters = Path(self.env.srcdir) / "chapters"
        for path in chapters.glob("*.ipynb"):
            self.env.note_dependency(str(path))
        try:
            exercises = book_exercises(chapters)
        except ValueError as error:
            raise self.error(f"exercise-table: {error}") from None
        if not exercises:
            raise self.error(f"exercise-table: no nbgrader test cells in {chapters}/*.ipynb")
        rows = assignment_rows(exercises) if self.options.get("by") == "assignment" else exercise_rows(exercises)
        container = nodes.container()
        self.state.nested_parse(StringList(rows, source=self.get_source_info()[0]), self.content_offset, container)
        return container.children


def setup(app):
    app.add_directive("exercise-table", ExerciseTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
