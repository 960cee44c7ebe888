"""lecturelib: the code behind the 'Training Deep Networks' course book.

One module per idea; the notebooks import from here, never the other way round.

    activations   transfer operators ρ and their derivatives ρ′ (chapter 2)
    losses        ℓ2, binary cross-entropy and cross-entropy, with their gradients
    networks      small PyTorch networks and gradient-flow measurements
    plotting      the book's figure style
    explore       explorers: live sliders in a notebook, animations in the book
    exercises     self-checking exercises, one module of checkers per chapter
    validation    input checks with clear error messages
"""

__version__ = "0.1.0"
