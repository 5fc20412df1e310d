"""The checks of notebook 05: every wrong answer gets a clear message and a hint.

The right answers are checked here too, and by nbval on the solution notebook.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint
from utils.checks import nb05
from utils.vae import Sampling

# ---- Right answers ------------------------------------------------------------


def sample_z(z_mean, z_log_var, epsilon):
    return z_mean + np.exp(0.5 * z_log_var) * epsilon


def kl_per_example(z_mean, z_log_var):
    return -0.5 * np.sum(1 + z_log_var - z_mean**2 - np.exp(z_log_var), axis=1)


def reconstruction_per_image(x, x_hat):
    return -np.sum(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat), axis=1)


def encoder(
    latent_dim,
    hidden_units=(512, 256),
    seed=0,
    log_var_activation=None,
    mean_activation=None,
    sample=True,
    swapped=False,
    fixed_hidden=False,
    fixed_latent=False,
):
    """The solution's encoder, with switches that make plausible mistakes."""
    inputs = keras.Input((784,))
    hidden = inputs
    for units in (512, 256) if fixed_hidden else hidden_units:
        hidden = keras.layers.Dense(units, activation="relu")(hidden)
    size = 2 if fixed_latent else latent_dim
    z_mean = keras.layers.Dense(size, activation=mean_activation)(hidden)
    z_log_var = keras.layers.Dense(size, activation=log_var_activation)(hidden)
    pair = [z_log_var, z_mean] if swapped else [z_mean, z_log_var]
    z = Sampling(seed=seed)(pair) if sample else z_mean
    return keras.Model(inputs, [z_mean, z_log_var, z])


def two_outputs(latent_dim, hidden_units=(512, 256), seed=0):
    inputs = keras.Input((784,))
    hidden = inputs
    for units in hidden_units:
        hidden = keras.layers.Dense(units, activation="relu")(hidden)
    z_mean = keras.layers.Dense(latent_dim)(hidden)
    return keras.Model(inputs, [z_mean, keras.layers.Dense(latent_dim)(hidden)])


# ---- Plausible wrong answers --------------------------------------------------


def kl_flipped(z_mean, z_log_var):
    return -kl_per_example(z_mean, z_log_var)


def kl_mean_over_dims(z_mean, z_log_var):
    return -0.5 * np.mean(1 + z_log_var - z_mean**2 - np.exp(z_log_var), axis=1)


def kl_no_half(z_mean, z_log_var):
    return 2 * kl_per_example(z_mean, z_log_var)


def kl_no_one(z_mean, z_log_var):
    return -0.5 * np.sum(z_log_var - z_mean**2 - np.exp(z_log_var), axis=1)


def kl_std_for_variance(z_mean, z_log_var):
    return -0.5 * np.sum(1 + z_log_var - z_mean**2 - np.exp(0.5 * z_log_var), axis=1)


def kl_mean_not_squared(z_mean, z_log_var):
    return -0.5 * np.sum(1 + z_log_var - z_mean - np.exp(z_log_var), axis=1)


def kl_over_batch(z_mean, z_log_var):
    return float(np.sum(kl_per_example(z_mean, z_log_var)))


def kl_unreduced(z_mean, z_log_var):
    return -0.5 * (1 + z_log_var - z_mean**2 - np.exp(z_log_var))


def bce_mean_over_pixels(x, x_hat):
    return reconstruction_per_image(x, x_hat) / 784


def bce_swapped(x, x_hat):
    return -np.sum(x_hat * np.log(x) + (1 - x_hat) * np.log(1 - x), axis=1)


WRONG_ANSWERS = [
    (nb05.q1, lambda m, v, e: m + np.exp(v) * e, "exp(z_log_var), the variance"),
    (nb05.q1, lambda m, v, e: m + v * e, "not the standard deviation"),
    (nb05.q1, lambda m, v, e: m + np.sqrt(np.abs(v)) * e, "not a square root"),
    (nb05.q1, lambda m, v, e: m + np.exp(0.5 * v), "eps is missing"),
    (nb05.q1, lambda m, v, e: v + np.exp(0.5 * m) * e, "are swapped"),
    (nb05.q1, lambda m, v, e: m[:, :1], "expected z of the shape of z_mean"),
    (nb05.q1, np.zeros(3), "expected the function sample_z"),
    (nb05.q2, kl_flipped, "the sign is flipped"),
    (nb05.q2, kl_mean_over_dims, "you averaged over the latent dimensions"),
    (nb05.q2, kl_no_half, "the factor 0.5 is missing"),
    (nb05.q2, kl_no_one, "the constant 1 inside the sum is missing"),
    (nb05.q2, kl_std_for_variance, "not exp(z_log_var / 2)"),
    (nb05.q2, kl_mean_not_squared, "square z_mean"),
    (nb05.q2, kl_over_batch, "got one number"),
    (nb05.q2, kl_unreduced, "sum the latent dimensions (axis=1)"),
    (nb05.q3, bce_mean_over_pixels, "784 times too small"),
    (nb05.q3, lambda x, x_hat: -reconstruction_per_image(x, x_hat), "sign is flipped"),
    (
        nb05.q3,
        lambda x, x_hat: np.sum((x - x_hat) ** 2, axis=1),
        "that is the squared error",
    ),
    (
        nb05.q3,
        lambda x, x_hat: -np.sum(x * np.log(x_hat), axis=1),
        "(1 - x) log(1 - x_hat), is missing",
    ),
    (nb05.q3, bce_swapped, "the logarithms take the prediction x_hat"),
    (
        nb05.q3,
        lambda x, x_hat: float(reconstruction_per_image(x, x_hat).mean()),
        "got one number",
    ),
    (
        nb05.q3,
        lambda x, x_hat: -(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat)),
        "sum over the pixels (axis=1)",
    ),
    (nb05.q4, two_outputs, "expected three outputs"),
    (
        nb05.q4,
        lambda latent_dim, hidden_units=(512, 256), seed=0: encoder(
            latent_dim, hidden_units, seed, log_var_activation="relu"
        ),
        "z_log_var should be free to be negative",
    ),
    (
        nb05.q4,
        lambda latent_dim, hidden_units=(512, 256), seed=0: encoder(
            latent_dim, hidden_units, seed, mean_activation="sigmoid"
        ),
        "z_mean should be free to take any sign",
    ),
    (
        nb05.q4,
        lambda latent_dim, hidden_units=(512, 256), seed=0: encoder(
            latent_dim, hidden_units, seed, sample=False
        ),
        "z equals z_mean",
    ),
    (
        nb05.q4,
        lambda latent_dim, hidden_units=(512, 256), seed=0: encoder(
            latent_dim, hidden_units, seed, swapped=True
        ),
        "in that order",
    ),
    (
        nb05.q4,
        lambda latent_dim, hidden_units=(512, 256), seed=0: encoder(
            latent_dim, hidden_units, seed, fixed_hidden=True
        ),
        "loop over hidden_units",
    ),
    (
        nb05.q4,
        lambda latent_dim, hidden_units=(512, 256), seed=0: encoder(
            latent_dim, hidden_units, seed, fixed_latent=True
        ),
        "use latent_dim",
    ),
    (
        nb05.q4,
        lambda latent_dim, hidden_units=(256,), seed=0: encoder(
            latent_dim, hidden_units, seed
        ),
        "534,276",
    ),
    (nb05.q4, encoder(2), "pass the function itself"),
    (nb05.q5, "a", "speed is not the reason"),
    (nb05.q5, "c", "z is still random"),
    (nb05.q5, "d", "expected one of ['a', 'b', 'c']"),
    (nb05.q6, "b", "reconstructions get worse, not sharper"),
    (nb05.q6, "c", "β multiplies only the KL term"),
    (nb05.q6, 4, "expected one of ['a', 'b', 'c']"),
]


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(question, answer, message, capsys)


def test_every_question_of_notebook_05_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 7)}
    defined = {name for name in dir(nb05) if name[0] == "q" and name[1:].isdigit()}
    assert tested == defined


def keras_ops_kl(z_mean, z_log_var):
    ops = keras.ops
    # Tensors first: on PyTorch a NumPy array minus a tensor is a TypeError.
    z_mean, z_log_var = ops.convert_to_tensor(z_mean), ops.convert_to_tensor(z_log_var)
    terms = 1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var)
    return ops.convert_to_numpy(-0.5 * ops.sum(terms, axis=1))


@pytest.mark.parametrize(
    "question, answer",
    [
        (nb05.q1, sample_z),
        (nb05.q1, lambda m, v, e: m + np.sqrt(np.exp(v)) * e),
        (nb05.q2, kl_per_example),
        (nb05.q2, keras_ops_kl),
        (nb05.q3, reconstruction_per_image),
        (
            nb05.q3,
            lambda x, x_hat: -np.sum(
                x * np.log(np.clip(x_hat, 1e-7, 1 - 1e-7))
                + (1 - x) * np.log(np.clip(1 - x_hat, 1e-7, 1)),
                axis=-1,
            ),
        ),
        (nb05.q4, encoder),
        (nb05.q5, " B "),
        (nb05.q6, "a"),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    question(answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


def test_unfinished_todo_stops_the_check():
    def unfinished(z_mean, z_log_var, epsilon):
        raise NotImplementedError("q1 is not done yet")

    with pytest.raises(NotImplementedError):
        nb05.q1(unfinished)
