"""The two losses of a generative adversarial network (GAN), written with ``keras.ops``.

Goodfellow et al. (2014), "Generative Adversarial Nets": a discriminator D scores images
with the probability that they are real, and a generator G maps noise z to images. The
discriminator minimises -E[log D(x)] - E[log(1 - D(G(z)))] (their equation 1, negated);
the generator, instead of minimising E[log(1 - D(G(z)))], which saturates while D rejects
its images, minimises -E[log D(G(z))] (the non-saturating loss of their section 3).
With binary cross-entropy these are "real images labelled 1, generated images labelled 0"
for D, and "generated images labelled 1" for G.
"""

import numpy as np
from keras import ops

# Probabilities are clipped to [EPSILON, 1 - EPSILON] before the logarithm (Keras's own
# binary cross-entropy clips at the same 1e-7), so a score of exactly 0 or 1 gives a large
# but finite loss.
EPSILON = 1e-7


def _check_scores(scores, name):
    """Raise a clear ValueError unless ``scores`` is a non-empty (n,) or (n, 1) array in [0, 1]."""
    if scores is None or isinstance(scores, (str, bytes)):
        raise ValueError(
            f"Expected `{name}` to be an array of probabilities. "
            f"Received: {type(scores).__name__}"
        )
    try:
        array = np.asarray(ops.convert_to_numpy(scores))
    except Exception as error:  # a symbolic tensor inside a traced function: no values
        if hasattr(scores, "shape") and not isinstance(scores, (list, tuple)):
            return
        raise ValueError(
            f"Expected `{name}` to be an array of probabilities. "
            f"Received: {type(scores).__name__} ({error})"
        ) from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == bool
    ):
        raise ValueError(
            f"Expected `{name}` to be an array of probabilities. Received: dtype={array.dtype}"
        )
    if not (array.ndim == 1 or (array.ndim == 2 and array.shape[1] == 1)) or array.size == 0:
        raise ValueError(
            f"Expected `{name}` of shape (n,) or (n, 1) with n >= 1, one score per image. "
            f"Received: shape={array.shape}"
        )
    array = array.astype("float64")
    if not np.all(np.isfinite(array)) or array.min() < 0.0 or array.max() > 1.0:
        raise ValueError(
            f"Expected `{name}` to hold probabilities in [0, 1] (a sigmoid's output, "
            f"not logits). Received: min={array.min():.4g}, max={array.max():.4g}"
            + ("" if np.all(np.isfinite(array)) else ", with NaN or infinite values")
        )


def gan_losses(real_scores, fake_scores):
    """Return (discriminator_loss, generator_loss), the two GAN losses of one batch.

    discriminator_loss = -mean(log D(x)) - mean(log(1 - D(G(z))))
    generator_loss = -mean(log D(G(z)))   (non-saturating)

    Both from Goodfellow et al. (2014), "Generative Adversarial Nets", equation 1 and
    section 3. Each mean is over its own batch, so the two batches may differ in size.
    Scores are clipped to [1e-7, 1 - 1e-7] first. At the game's equilibrium, D = 1/2
    everywhere, the discriminator's loss is log 4 (about 1.386) and the generator's
    log 2. Differentiable: written with ``keras.ops`` on every backend.

    Args:
        real_scores: D's probabilities that real images are real, shape (n,) or (n, 1),
            floats in [0, 1].
        fake_scores: D's probabilities that generated images are real, shape (m,) or
            (m, 1), floats in [0, 1].

    Returns:
        A tuple of two float scalar tensors (shape ()), in nats:
        (discriminator_loss, generator_loss).

    Raises:
        ValueError: for scores that are not numbers, another shape, an empty batch, or
            values outside [0, 1] (NaN and logits included).
    """
    _check_scores(real_scores, "real_scores")
    _check_scores(fake_scores, "fake_scores")
    real = ops.clip(ops.cast(ops.convert_to_tensor(real_scores), "float32"), EPSILON, 1.0 - EPSILON)
    fake = ops.clip(ops.cast(ops.convert_to_tensor(fake_scores), "float32"), EPSILON, 1.0 - EPSILON)
    discriminator_loss = -ops.mean(ops.log(real)) - ops.mean(ops.log(1.0 - fake))
    generator_loss = -ops.mean(ops.log(fake))
    return discriminator_loss, generator_loss
