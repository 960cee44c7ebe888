"""Adding an activation takes one catalogue entry and nothing else: a throw-away activation
(tests/throwaway_activation.py, the scaled tanh s·tanh(x)) is registered, and it reaches

* chapter 2's tables and figures: the chapter's own cells, run here as they stand in the
  notebook, print it in the catalogue table and the table of ranges, draw it among the "other"
  activations and check its derivative against its torch version;
* the explorer: a menu entry, its slider shown only while it is chosen, its values on the web
  page, and settings that add up (its own beside the others', not multiplied);
* the tests: a pytest run with the throw-away registered (as a plugin, before collection) runs
  the catalogue's tests on it, and they pass, while the same entry with a slip in ρ′ fails them.
"""

import ast
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest

from lecturelib import activations as act
from throwaway_activation import NAME, WRONG_NAME, scaled_tanh_entry

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "chapters" / "02_activations.ipynb"
SETUP, TABLE, OTHERS, AGAINST_TORCH, RANGES = "90bab464", "act-catalogue-table", "0bca62bf", "f0148628", "8f2183a8"


@pytest.fixture
def registered():
    """The throw-away activation in the catalogue for the length of one test."""
    entry = act.register(scaled_tanh_entry())
    try:
        yield entry
    finally:
        del act.ACTIVATIONS[entry.name]


def run_cells(ids: list[str]) -> dict:
    """Run chapter 2's cells `ids` in order in one namespace, as the notebook has them; return
    each cell's last expression (what Jupyter would show). What the chapter's setup cell
    changes for the whole process (matplotlib's style, torch's threads) is put back after."""
    import matplotlib
    import torch

    sources = {c["id"]: "".join(c["source"]) for c in json.loads(CHAPTER.read_text(encoding="utf-8"))["cells"]}
    namespace, shown, threads = {}, {}, torch.get_num_threads()
    try:
        with matplotlib.rc_context():
            for cell in ids:
                tree = ast.parse(sources[cell])
                last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
                exec(compile(tree, cell, "exec"), namespace)
                shown[cell] = eval(compile(ast.Expression(last.value), cell, "eval"), namespace) if last else None
    finally:
        torch.set_num_threads(threads)
    return shown | {"namespace": namespace}


def test_a_new_activation_reaches_chapter_2s_tables_figures_and_torch_check(registered):
    shown = run_cells([SETUP, TABLE, OTHERS, AGAINST_TORCH, RANGES])
    assert f"| {NAME} | {registered.formula} | {registered.derivative} |" in shown[TABLE].data
    assert [ax.get_title() for ax in shown[OTHERS].axes if ax.get_visible()] == ["Gaussian", "softplus", NAME]
    worst = shown["namespace"]["worst"]  # the cell asserted every entry within 1e-10 of torch
    assert NAME in worst and worst[NAME] < 1e-10
    row = next(line for line in shown[RANGES].data.splitlines() if line.startswith(f"| {NAME} |"))
    smallest, largest = (float(v) for v in row.strip("| ").split(" | ")[2:])
    assert smallest == pytest.approx(-np.tanh(20.0)) and largest == pytest.approx(np.tanh(20.0))


def test_a_new_activation_reaches_the_explorer_with_its_own_slider(registered, book_build):
    from lecturelib.explore import activation_explorer, activation_grid

    explorer = activation_explorer()
    assert explorer.controls["activation"][-1] == NAME
    assert explorer.shown_when["scaled_tanh_scale"] == ("activation", (NAME,))
    assert explorer.labels["scaled_tanh_scale"] == "s" and explorer.controls["scaled_tanh_scale"][0] == 0.5
    explorer.update(activation=NAME, scaled_tanh_scale=2.0)
    x, y = explorer.fig.axes[0].lines[0].get_data()
    np.testing.assert_allclose(y, 2.0 * np.tanh(x), rtol=1e-15)
    assert explorer.fig._suptitle.get_text() == f"{NAME}: s = 2"

    controls, _ = explorer.live().children
    widgets = dict(zip(explorer.controls, controls.children))
    assert widgets["scaled_tanh_scale"].layout.display == "none"
    widgets["activation"].value = NAME
    assert widgets["scaled_tanh_scale"].layout.display != "none" and widgets["prelu_alpha"].layout.display == "none"

    grid = activation_grid()
    assert NAME in grid["grid"]["activation"] and grid["grid"]["scaled_tanh_scale"] == [0.5, 1.0, 2.0]
    assert f"{NAME} s = 0.5, 1, 2" in grid["caption"]
    page = {**grid, "grid": {**grid["grid"], "activation": ["PReLU", NAME], "prelu_alpha": [0.0, 1.0],
                             "depth": [10]}}
    data = explorer.static(**page).data
    assert len(data["settings"]) == 2 + 3, "PReLU's two settings beside the scaled tanh's three"


def run_catalogue_tests(tmp_path) -> dict:
    """The catalogue's tests in a pytest run with both throw-aways registered before collection:
    test id -> "passed" or "failed"."""
    report = tmp_path / "report.xml"
    walking = ["compared_with_torch_or", "parameters_default", "catalogue_table", "families_split",
               "explorer_offers_draws"]  # tests that walk the catalogue inside one test
    command = [sys.executable, "-m", "pytest", "-p", "throwaway_activation", "-p", "no:cacheprovider", "-q",
               "tests/test_activations.py", "tests/test_bad_input_activations_autodiff.py",
               "tests/test_explore_depth_scheme.py", "-k", " or ".join(["scaled"] + walking),
               f"--junitxml={report}"]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)])}
    subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)
    outcomes = {}
    for case in ElementTree.parse(report).iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        skipped = case.find("skipped") is not None
        outcomes[case.get("name")] = "failed" if failed else "skipped" if skipped else "passed"
    return outcomes


def test_a_new_activation_reaches_the_tests_which_pass_it_and_catch_a_slip(tmp_path):
    outcomes = run_catalogue_tests(tmp_path)
    right = {name: o for name, o in outcomes.items() if f"[{NAME}" in name}
    wrong = {name: o for name, o in outcomes.items() if f"[{WRONG_NAME}" in name}
    walking = {name: o for name, o in outcomes.items() if "[" not in name}
    assert set(right.values()) == {"passed"} and set(walking.values()) == {"passed"}, outcomes
    for test in ("test_activation_and_derivative_match_torch", "test_no_overflow_warnings_at_extreme_inputs",
                 "test_activations_at_infinity_are_the_limits_torch_reaches_at_1e100",
                 "test_every_activation_parameter_is_checked_and_named",
                 "test_depth_gradient_is_torch_autograd_of_the_composed_activation"):
        assert any(name.startswith(test + f"[{NAME}") for name in right), f"{test} did not run on {NAME}"
    assert sum(name.startswith("test_activation_and_derivative_match_torch") for name in right) == 4  # default, 3 more
    caught = {name.split("[")[0] for name, o in wrong.items() if o == "failed"}
    assert caught >= {"test_activation_and_derivative_match_torch",
                      "test_activations_at_infinity_are_the_limits_torch_reaches_at_1e100",
                      "test_depth_gradient_is_torch_autograd_of_the_composed_activation"}
    assert NAME not in act.ACTIVATIONS, "the run registered it in its own process only"
