"""The configuration files agree with each other and with what the book promises."""

import re
from pathlib import Path

import yaml

import tasks

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def requirements(path):
    """name -> full requirement line, for the package lines of a requirements file."""
    lines = [line.split("#")[0].strip() for line in (ROOT / path).read_text().splitlines()]
    return {re.split(r"[<>=!~\[ ]", line)[0].lower(): line for line in lines if line and not line.startswith("-")}


def test_notebooks_execute_on_every_build_so_no_output_is_stale():
    assert CONFIG["execute"]["execute_notebooks"] == "force"
    command = tasks.build_command()
    assert "--all" in command, "without --all Sphinx skips unchanged pages and keeps their old outputs"
    for flag in ("-W", "-n", "--keep-going"):
        assert flag in command


def test_build_excludes_environment_caches_and_output():
    patterns = CONFIG["exclude_patterns"]
    for folder in (".venv", "_build", ".pytest_cache", "docs"):
        assert any(p.startswith(folder) for p in patterns), f"{folder} must be excluded from the book"
    assert CONFIG["only_build_toc_files"], "a page is in the book only when _toc.yml lists it"


def test_launch_buttons_and_repository_come_from_one_url():
    url = CONFIG["repository"]["url"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url)
    assert CONFIG["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert CONFIG["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert CONFIG["html"]["use_repository_button"]
    assert url in (ROOT / "README.md").read_text(), "the README's Binder/Colab links use the same URL"


def test_exercise_and_toggle_extensions_are_enabled():
    assert {"sphinx_exercise", "sphinx_togglebutton"} <= set(CONFIG["sphinx"]["extra_extensions"])


def test_exercise_table_extension_is_registered_and_nbgrader_is_pinned():
    assert CONFIG["sphinx"]["local_extensions"]["exercise_table"] == "_ext"
    assert (ROOT / "_ext" / "exercise_table.py").exists()
    assert requirements("requirements.txt")["nbgrader"] == "nbgrader==0.9.6"


def test_generated_course_and_student_edition_stay_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "student/" in ignored and "/course/" in ignored


def test_torch_is_pinned_to_the_cpu_build():
    assert requirements("requirements.txt")["torch"] == "torch==2.13.0"
    assert requirements("binder/requirements.txt")["torch"] == "torch==2.13.0+cpu"
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in (ROOT / "binder/requirements.txt").read_text()


def test_binder_installs_every_runtime_requirement_of_the_book():
    book_only = {"jupyter-book", "sphinx-exercise", "sphinx-togglebutton", "django-static-mathjax",
                 "pytest", "nbval", "hypothesis", "playwright", "nbgrader", "nbconvert", "sphinx-revealjs",
                 "axe-playwright-python", "pypdf"}
    ours = {name: line for name, line in requirements("requirements.txt").items() if name not in book_only}
    binder = requirements("binder/requirements.txt")
    for name, line in ours.items():
        if name == "torch":
            continue
        assert binder.get(name) == line, f"binder/requirements.txt should have `{line}`"
    assert "pip install --no-deps -e ." in (ROOT / "binder/postBuild").read_text()


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "python3 tasks.py test" in readme and "python3 tasks.py book" in readme
    assert "python3 tasks.py test" in (ROOT / ".ci/run").read_text()
