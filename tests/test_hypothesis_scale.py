"""The oldest-dependencies lane draws a fifth of each property's examples (tests/conftest.py,
LECTURELIB_HYPOTHESIS_SCALE): counted here on a property run by its own pytest, with this
conftest, with and without the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")
PROPERTY = '''
from pathlib import Path

from hypothesis import given, settings, strategies as st


@settings(max_examples=50, database=None)
@given(st.integers())
def test_counted(x):
    with open(Path(__file__).with_name("calls.txt"), "a") as calls:
        calls.write(".")
'''


def run_with(folder: Path, scale: str | None) -> tuple[subprocess.CompletedProcess, int]:
    """pytest on the property above, with this conftest and the variable set to `scale`: the
    run and the number of examples drawn."""
    folder.mkdir()
    (folder / "conftest.py").write_text(CONFTEST.read_text())
    (folder / "test_counted.py").write_text(PROPERTY)
    env = {k: v for k, v in os.environ.items() if k != "LECTURELIB_HYPOTHESIS_SCALE"}
    if scale is not None:
        env["LECTURELIB_HYPOTHESIS_SCALE"] = scale
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
                         cwd=folder, env=env, capture_output=True, text=True)
    calls = folder / "calls.txt"
    return run, len(calls.read_text()) if calls.exists() else 0


def test_the_scale_draws_that_fraction_of_the_examples(tmp_path):
    full, drawn = run_with(tmp_path / "full", None)
    assert full.returncode == 0 and drawn == 50, full.stdout
    fifth, drawn = run_with(tmp_path / "fifth", "0.2")
    assert fifth.returncode == 0 and drawn == 10, fifth.stdout


@pytest.mark.parametrize("scale", ["1.5", "many"])
def test_a_scale_outside_0_to_1_stops_the_run_and_says_what_is_allowed(tmp_path, scale):
    run, drawn = run_with(tmp_path / "bad", scale)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR and drawn == 0
    assert f"LECTURELIB_HYPOTHESIS_SCALE must be a number in (0, 1], got {scale!r}" in run.stderr, run.stderr
