"""The torch adapter `autograd`: gradients, Hessians and Hessian-vector products checked against
torch.autograd.functional and SciPy's analytic Rosenbrock derivatives, and its answers to bad input."""

import numpy as np
import pytest
import torch
from bad_input import bad_numbers, clear_answer
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import rosen_der, rosen_hess

from lecturelib import torch_autograd as autograd
from lecturelib import second_order as so


def rosenbrock_torch(t):
    return (1 - t[0]) ** 2 + 100 * (t[1] - t[0] ** 2) ** 2



def loss_torch(t):  # a 5-parameter non-quadratic loss: log-sum-exp plus quartic terms
    return torch.logsumexp(t * torch.arange(1.0, 6.0, dtype=t.dtype), 0) + (t**4).sum() / 4


@given(st.lists(st.floats(-2, 2), min_size=5, max_size=5), st.integers(0, 1000))
@settings(max_examples=25, deadline=None)
def test_hessian_and_hvp_match_torch_autograd_functional(values, seed):
    theta = np.array(values)
    v = np.random.default_rng(seed).normal(size=5)
    t, tv = torch.tensor(theta), torch.tensor(v)
    H_ref = torch.autograd.functional.hessian(loss_torch, t).numpy()
    _, hv_ref = torch.autograd.functional.hvp(loss_torch, t, tv)
    np.testing.assert_allclose(autograd.torch_hessian(loss_torch, theta), H_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(autograd.hessian_vector_product(loss_torch, theta, v), hv_ref.numpy(),
                               rtol=1e-10, atol=1e-10)
    grad = lambda p: autograd.torch_gradient(loss_torch, p)  # noqa: E731
    np.testing.assert_allclose(so.finite_difference_hvp(grad, theta, v), hv_ref.numpy(),
                               rtol=1e-5, atol=1e-5)


def test_torch_hessian_matches_the_analytic_rosenbrock_hessian():
    for point in ([-1.2, 1.0], [0.3, -0.7], [1.0, 1.0]):
        np.testing.assert_allclose(autograd.torch_hessian(rosenbrock_torch, point), rosen_hess(point),
                                   rtol=1e-12)
        np.testing.assert_allclose(autograd.torch_gradient(rosenbrock_torch, point), rosen_der(point),
                                   rtol=1e-12, atol=1e-12)


def test_hessian_of_linear_and_quadratic_functions():
    a = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64)
    np.testing.assert_array_equal(autograd.torch_hessian(lambda t: a @ t, np.ones(3)), np.zeros((3, 3)))
    np.testing.assert_array_equal(autograd.hessian_vector_product(lambda t: a @ t, np.ones(3), np.ones(3)),
                                  np.zeros(3))
    M = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 0.0], [0.0, 0.0, 0.0]])  # the last variable unused
    Mt = torch.tensor(M)
    np.testing.assert_allclose(autograd.torch_hessian(lambda t: 0.5 * t @ Mt @ t, np.ones(3)), M)


def test_hvp_rejects_a_vector_of_the_wrong_shape():
    with pytest.raises(ValueError, match="shape of theta"):
        autograd.hessian_vector_product(loss_torch, np.zeros(5), np.zeros(4))


def test_torch_helpers_answer_bad_functions_clearly():
    with pytest.raises(TypeError, match="f_torch must return a torch tensor with one entry"):
        autograd.torch_gradient(lambda t: t, [1.0, 2.0])
    with pytest.raises(ValueError, match="f_torch raised RuntimeError.*torch operations"):
        autograd.torch_hessian(lambda t: np.sum(t.numpy()), [1.0, 2.0])
    with pytest.raises(ValueError, match="f_torch is not finite"):
        autograd.hessian_vector_product(lambda t: (t / 0).sum(), [1.0, 2.0], [1.0, 0.0])
    np.testing.assert_array_equal(autograd.torch_gradient(lambda t: (0 * t).sum() + 1, [1.0, 2.0]), [0, 0])


careless_arrays = hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3),
                             elements=st.one_of(st.floats(-3, 3), st.sampled_from([np.nan, np.inf, 1e300])))


@given(st.one_of(bad_numbers(), careless_arrays), st.one_of(bad_numbers(), careless_arrays))
@settings(max_examples=60, deadline=None)
def test_hessians_and_hvps_answer_careless_points_and_vectors_clearly(theta, v):
    names = ["theta", "v", "f_torch", "grad"]
    clear_answer(lambda: autograd.torch_gradient(loss_torch, theta), names)
    clear_answer(lambda: autograd.torch_hessian(loss_torch, theta), names)
    clear_answer(lambda: autograd.hessian_vector_product(loss_torch, theta, v), names)
