"""The teaching core needs NumPy (and SciPy, matplotlib) only: importing any lecturelib module
but the torch adapters listed below never imports torch (STYLE.md, "lecturelib").

Every module is imported in a process in which nothing of lecturelib, and no torch, has been
imported before: a fresh interpreter imports the third-party libraries the core uses (NumPy,
SciPy, matplotlib; never torch, checked), then forks one child per module, which imports that
module alone and reports whether torch came with it. Forking saves each child the second it
would spend importing SciPy and matplotlib again (one interpreter per module takes a minute on
a shared machine); a module cannot lean on an earlier one, as in a single process importing
them in turn, since every child starts from the same state. A module added to lecturelib is
checked without being listed here: only the adapters are listed, each with its reason.
"""

import json
import os
import pkgutil
import subprocess
import sys

import pytest

import lecturelib

ADAPTERS = {
    "lecturelib.torch_optim": "trains a torch.nn.Module with the rules of optim (torch.optim bridge)",
    "lecturelib.rbf_training": "3-step RBF training: gradients of μ, σ, w by torch autograd",
    "lecturelib.autograd": "Hessians and Hessian-vector products by torch autograd (chapter 5)",
    "lecturelib.training": "trains networks with torch for the race of chapter 5",
    "lecturelib.networks": "small torch networks and their gradient-flow measurements",
    "lecturelib.approximation": "sigmoid bumps and the sawtooth as torch networks (chapter 1)",
}
# Modules another helper is still moving torch out of: xfail until their torch import is gone.
PENDING = {}  # e.g. {"lecturelib.second_order": "helper B"}

MODULES = ["lecturelib"] + sorted(m.name for m in pkgutil.walk_packages(lecturelib.__path__, "lecturelib."))
CORE = [m for m in MODULES if m not in ADAPTERS]
CANARY = "lecturelib.torch_optim"  # an adapter, imported too, to show that the check sees torch

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
    """{module: True if importing it (alone, first) imports torch}, for the core and the canary."""
    if not hasattr(os, "fork"):
        pytest.skip("the import check forks (POSIX only)")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", FORK_SERVER, *CORE, CANARY], capture_output=True, text=True,
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


def test_every_listed_adapter_exists_and_the_check_does_see_torch(imports_torch):
    """The adapters do import torch: the check above can fail."""
    assert set(ADAPTERS) <= set(MODULES), f"no such modules: {set(ADAPTERS) - set(MODULES)}"
    assert imports_torch[CANARY]
