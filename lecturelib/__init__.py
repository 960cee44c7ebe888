"""lecturelib: the code behind the 'Training Deep Networks' course book.

One module per idea; the notebooks import from here, never the other way round. The teaching
core needs NumPy and SciPy only. torch lives in the adapters, named by one rule: a module that
imports torch is called `torch_<what it adapts>`; tests/test_imports.py checks that no other
module imports it.

Chapter 1, RBF networks and universal approximation
    kmeans              k-means++ seeding and Lloyd's iterations
    gng                 Growing Neural Gas
    distances           squared distances between points and centres
    rbf                 RBF features, centres and widths, the network, 2-step learning
    rbf_weights         step 2: the output weights (closed form; Newton / IRLS)
    rbf_three_step      step 3 in NumPy: the objective, its gradients by hand, the descent
    torch_rbf           step 3 with gradients by torch autograd (adapter)
    approximation       sigmoid steps and bumps; the sawtooth and why depth helps
    torch_approximation the sawtooth as torch networks, and their training (adapter)
Chapter 2, Activations
    activations         transfer operators, a package: ρ and ρ′ (elementwise), softmax and maxout
                        (vector), and the catalogue ACTIVATIONS that chapter 2, its explorer and
                        the tests read
    losses              ℓ2, binary cross-entropy and cross-entropy, with their gradients
    torch_networks      small torch networks, gradient-flow measurements, classifier training (adapter)
Chapter 3, Automatic differentiation
    autodiff            a reverse-mode scalar engine (micrograd-style)
    forward_mode        dual numbers
    backprop            backpropagation by hand for the two-layer network
    gradcheck           finite differences and gradient checking
    graphs              drawing computational graphs
Chapter 4, First-order methods
    problems            test functions and the lectures' regression data
    optim               the update rules by name, and REGISTRY, the one registry of them
    adaptive            rules with per-parameter step sizes: AdaGrad, RMSProp, Adam, AdamW, …
    optimizer           an update rule with explicit state (init, update, step, eval_point);
                        decoupled weight decay
    torch_optim         the bridge between the rules and torch.optim, both ways (adapter)
    schedules           learning-rate schedules
    linesearch          optimal step, backtracking and strong-Wolfe line searches; steepest and
                        coordinate descent
    trajectory          the one iteration loop (iterate, run, and sweep: one run per learning
                        rate, side by side): record the path, test convergence,
                        detect divergence, say why it stopped
    training            the one training loop (fit): iterate on a loss sampled by minibatches
    landscape           convexity (chord gaps) and multi-start on non-convex problems
Chapter 5, Second-order methods
    second_order        Hessians, Newton and its repairs
    conjugate_gradient  linear and nonlinear conjugate gradients
    quasi_newton        BFGS and L-BFGS
    least_squares       Gauss-Newton and Levenberg-Marquardt
    race                first- against second-order methods, counted and timed
    torch_autograd      gradients, Hessians and Hessian-vector products by torch autograd (adapter)
    torch_training      a network's loss as NumPy functions; training with torch.optim (adapter)
Shared
    plotting            the book's figure style, paths over contours, decision regions
    explore/            explorers: live sliders in a notebook, static explorers on the web page
    exercises/          self-checking exercises, one module of checkers per chapter
    validation          input checks with clear error messages, and Diverged
    formatting          how numbers and points are written in messages
"""

__version__ = "0.1.0"
