"""Chapter 5's benchmark rows: our second-order methods beside SciPy's on the race problems,
to the same gradient tolerance ‖∇f‖_∞ ≤ 1e-5 (iterations, and the best wall time of 5 runs:
the minimum is the least disturbed by other processes)."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from lecturelib import race
from lecturelib.problems import ill_conditioned_quadratic, logistic_regression, rosenbrock

PAIRS = [("BFGS", "BFGS"), ("L-BFGS (m = 10)", "L-BFGS-B"), ("nonlinear CG (PR)", "CG"),
         ("Newton (line search)", "Newton-CG")]


def _best_of(run, repeats=5):
    laps = [run() for _ in range(repeats)]
    return laps[0], min(lap.seconds for lap in laps)


def rows() -> list[tuple[str, str]]:
    # One BLAS thread for both sides: on small problems thread hand-offs (and other processes
    # competing for the cores) otherwise dominate, and SciPy's L-BFGS-B suffered most.
    with threadpool_limits(limits=1):
        return _rows()


def _rows() -> list[tuple[str, str]]:
    problems = {"Rosenbrock-2D": (rosenbrock(), np.array([-1.2, 1.0])),
                "logistic regression": (logistic_regression(), np.zeros(31)),
                "quadratic n = 20, κ = 1e3": (ill_conditioned_quadratic(), np.zeros(20))}
    out = []
    for name, (problem, x0) in problems.items():
        for ours_name, scipy_name in PAIRS:
            ours, ours_s = _best_of(lambda: race.lap(ours_name, problem, x0))
            theirs, theirs_s = _best_of(lambda: race.scipy_lap(scipy_name, problem, x0))
            its = "not reached" if ours.iterations is None else ours.iterations
            out.append((f"{ours_name} vs SciPy {scipy_name} on {name}: iterations, time (ch. 5)",
                        f"{its} vs {theirs.iterations}; {1e3 * ours_s:.1f} ms vs {1e3 * theirs_s:.1f} ms"))
    return out


if __name__ == "__main__":
    for what, result in rows():
        print(f"| {what} | {result} |")
