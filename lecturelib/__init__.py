"""lecturelib: the code behind the 'Training Deep Networks' course book.

One module per idea; the notebooks import from here, never the other way round. The teaching
core needs NumPy and SciPy only; torch lives in the adapters marked so below, in networks
and in approximation; tests/test_imports.py checks that no other module imports it.

Chapter 1, RBF networks and universal approximation
    kmeans              k-means++ seeding and Lloyd's iterations
    gng                 Growing Neural Gas
    rbf                 RBF features, widths, 2-step learning, the three heads
    rbf_training        3-step learning by torch autograd (adapter)
    approximation       sigmoid steps and bumps; the sawtooth and why depth helps
Chapter 2, Activations
    activations         transfer operators, a package: ρ and ρ′ (elementwise), softmax and maxout
                        (vector), and the catalogue ACTIVATIONS that chapter 2, its explorer and
                        the tests read
    losses              ℓ2, binary cross-entropy and cross-entropy, with their gradients
Chapter 3, Automatic differentiation
    autodiff            a reverse-mode scalar engine (micrograd-style)
    forward_mode        dual numbers
    backprop            backpropagation by hand for the two-layer network
    gradcheck           finite differences and gradient checking
    graphs              drawing computational graphs
Chapter 4, First-order methods
    problems            test functions and the lectures' regression data
    optim               the update rules by name: SGD, momentum, Nesterov, and RULES
    adaptive            rules with per-parameter step sizes: AdaGrad, RMSProp, Adam, …
    optimizer           an update rule with explicit state (init, update, eval_point)
    torch_optim         the rules on a torch.nn.Module, via torch.optim (adapter)
    schedules           learning-rate schedules
    linesearch          optimal step, backtracking and strong-Wolfe line searches; steepest and
                        coordinate descent
    trajectory          the one iteration loop (iterate, run): record the path, test convergence,
                        detect divergence, say why it stopped
    landscape           convexity (chord gaps) and multi-start on non-convex problems
Chapter 5, Second-order methods
    second_order        Hessians, Newton and its repairs
    conjugate_gradient  linear and nonlinear conjugate gradients
    quasi_newton        BFGS and L-BFGS
    least_squares       Gauss-Newton and Levenberg-Marquardt
    race                first- against second-order methods, counted and timed
    autograd            gradients, Hessians and Hessian-vector products by torch autograd (adapter)
    training            a network's loss as NumPy functions; minibatch training with torch (adapter)
Shared
    networks            small PyTorch networks and gradient-flow measurements
    plotting            the book's figure style
    explore/            explorers: live sliders in a notebook, static explorers on the web page
    exercises/          self-checking exercises, one module of checkers per chapter
    validation          input checks with clear error messages
"""

__version__ = "0.1.0"
