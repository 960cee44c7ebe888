"""The teaching core needs NumPy (and SciPy, matplotlib) only: importing any lecturelib module
but the torch adapters never imports torch (STYLE: "torch lives in small adapter modules,
visibly apart by path or name"). The naming rule: a module that imports torch at import time
is named `torch_<what it adapts>.py` (`torch_networks`, `torch_optim`, `torch_training`,
`torch_autograd`, `torch_rbf`, `torch_approximation`), and every other module must not.

Every module is imported in a process in which nothing of lecturelib, and no torch, has been
imported before: a fresh interpreter imports the third-party libraries the core uses (NumPy,
SciPy, matplotlib; never torch, checked), then forks one child per module, which imports that
module alone and reports whether torch came with it. Forking saves each child the second it
would spend importing SciPy and matplotlib again (one interpreter per module takes a minute on
a shared machine); a module cannot lean on an earlier one, as in a single process importing
them in turn, since every child starts from the same state. A module added to lecturelib is
checked without being listed here.
"""

import json
import os
import pkgutil
import subprocess
import sys

import pytest

import lecturelib

# Modules another helper is still moving torch out of: xfail until their torch import is gone.
PENDING = {}  # e.g. {"lecturelib.second_order": "helper B"}

MODULES = ["lecturelib"] + sorted(m.name for m in pkgutil.walk_packages(lecturelib.__path__, "lecturelib."))
ADAPTERS = [m for m in MODULES if m.rsplit(".", 1)[-1].startswith("torch_")]
CORE = [m for m in MODULES if m not in ADAPTERS]

FORK_SERVER = r"""
import json, os, sys, traceback
import numpy, scipy.linalg, scipy.optimize, scipy.spatial, scipy.special, matplotlib.pyplot
already = [m for m in sys.modules if m == "torch" or m.startswith("lecturelib")]
if already:
    sys.exit(f"the fork server imported {already} before the children")
results = {}
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        os.dup2(2, 1)  # whatever the import prints must not mix with the answer on stdout
        try:
            __import__(name)
        except BaseException:
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(2)
        os._exit(1 if "torch" in sys.modules else 0)
    results[name] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def imports_torch() -> dict:
    """{module: True if importing it (alone, first) imports torch}, for every module."""
    if not hasattr(os, "fork"):
        pytest.skip("the import check forks (POSIX only)")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", FORK_SERVER, *CORE, *ADAPTERS], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    codes = json.loads(done.stdout)
    failed = {name: code for name, code in codes.items() if code not in (0, 1)}
    assert not failed, f"these modules failed to import: {failed}\n{done.stderr[-3000:]}"
    return {name: code == 1 for name, code in codes.items()}


@pytest.mark.parametrize("module", [
    pytest.param(m, marks=pytest.mark.xfail(reason=PENDING[m], strict=False)) if m in PENDING else m
    for m in CORE
])
def test_importing_a_core_module_does_not_import_torch(module, imports_torch):
    assert not imports_torch[module], (f"`import {module}` imports torch: move the torch code into an "
                                       "adapter module, or import torch inside the function that needs it")


def test_every_torch_adapter_does_import_torch_so_the_check_can_fail(imports_torch):
    """The adapters are named by the rule and do import torch: the check above sees torch."""
    assert {"lecturelib.torch_optim", "lecturelib.torch_networks", "lecturelib.torch_training"} <= set(ADAPTERS)
    assert all(imports_torch[m] for m in ADAPTERS), {m: imports_torch[m] for m in ADAPTERS}
