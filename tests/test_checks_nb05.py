"""The checks of notebook 05: every wrong answer gets a clear message and a hint.

The right answers are checked here too, and by nbval on the solution notebook.
"""

import keras
import numpy as np
import pytest

from tests.check_verdicts import assert_wrong_with_hint
from utils import vae
from utils.checks import nb05
from utils.gan import gan_losses
from utils.vae import Sampling

# ---- Right answers ------------------------------------------------------------


def draw_right(layer, z_mean, z_log_var):
    ops = keras.ops
    epsilon = keras.random.normal(ops.shape(z_mean), seed=layer.seed_generator)
    return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def sampling_class(draw, with_seed_in_config=True):
    """A learner's sampling layer whose call is ``draw(layer, z_mean, z_log_var)``."""

    class Layer(keras.layers.Layer):
        def __init__(self, seed=None, **kwargs):
            super().__init__(**kwargs)
            self.seed = seed
            self.seed_generator = keras.random.SeedGenerator(seed)

        def call(self, inputs):
            z_mean, z_log_var = inputs
            return draw(self, z_mean, z_log_var)

        def get_config(self):
            config = super().get_config()
            return {**config, "seed": self.seed} if with_seed_in_config else config

    return Layer


def ops_kl(z_mean, z_log_var):
    ops = keras.ops
    return -0.5 * ops.sum(
        1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=1
    )


def ops_reconstruction(x, x_hat):
    ops = keras.ops
    x_hat = ops.clip(x_hat, 1e-7, 1 - 1e-7)
    return -ops.sum(x * ops.log(x_hat) + (1 - x) * ops.log(1 - x_hat), axis=1)


def vae_loss(x, x_hat, z_mean, z_log_var, beta=1.0):
    return ops_reconstruction(x, x_hat) + beta * ops_kl(z_mean, z_log_var)


def vae_loss_with_utils(x, x_hat, z_mean, z_log_var, beta=1.0):
    return vae.reconstruction_loss(x, x_hat) + beta * vae.kl_divergence(
        z_mean, z_log_var
    )


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


def decoder(latent_dim):
    codes = keras.Input((latent_dim,))
    return keras.Model(codes, keras.layers.Dense(784, activation="sigmoid")(codes))


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


def draw_without_half(layer, z_mean, z_log_var):
    epsilon = keras.random.normal(keras.ops.shape(z_mean), seed=layer.seed_generator)
    return z_mean + keras.ops.exp(z_log_var) * epsilon


def draw_log_var_as_std(layer, z_mean, z_log_var):
    epsilon = keras.random.normal(keras.ops.shape(z_mean), seed=layer.seed_generator)
    return z_mean + z_log_var * epsilon


def draw_swapped(layer, z_mean, z_log_var):
    return draw_right(layer, z_log_var, z_mean)


def draw_without_epsilon(layer, z_mean, z_log_var):
    return z_mean + keras.ops.exp(0.5 * z_log_var)


def draw_with_a_fixed_seed(layer, z_mean, z_log_var):
    epsilon = keras.random.normal(keras.ops.shape(z_mean), seed=layer.seed)
    return z_mean + keras.ops.exp(0.5 * z_log_var) * epsilon


def draw_unseeded(layer, z_mean, z_log_var):
    epsilon = keras.random.normal(keras.ops.shape(z_mean))
    return z_mean + keras.ops.exp(0.5 * z_log_var) * epsilon


def draw_without_gradient(layer, z_mean, z_log_var):
    return keras.ops.stop_gradient(draw_right(layer, z_mean, z_log_var))


def draw_first_column(layer, z_mean, z_log_var):
    return draw_right(layer, z_mean, z_log_var)[:, :1]


def loss_mean_over_pixels(x, x_hat, z_mean, z_log_var, beta=1.0):
    return ops_reconstruction(x, x_hat) / 784 + beta * ops_kl(z_mean, z_log_var)


def loss_kl_flipped(x, x_hat, z_mean, z_log_var, beta=1.0):
    return ops_reconstruction(x, x_hat) - beta * ops_kl(z_mean, z_log_var)


def loss_without_kl(x, x_hat, z_mean, z_log_var, beta=1.0):
    return ops_reconstruction(x, x_hat)


def loss_beta_on_everything(x, x_hat, z_mean, z_log_var, beta=1.0):
    return beta * vae_loss(x, x_hat, z_mean, z_log_var)


def loss_ignoring_beta(x, x_hat, z_mean, z_log_var, beta=1.0):
    return vae_loss(x, x_hat, z_mean, z_log_var)


def loss_unclipped(x, x_hat, z_mean, z_log_var, beta=1.0):
    ops = keras.ops
    reconstruction = -ops.sum(x * ops.log(x_hat) + (1 - x) * ops.log(1 - x_hat), axis=1)
    return reconstruction + beta * ops_kl(z_mean, z_log_var)


def loss_squared_error(x, x_hat, z_mean, z_log_var, beta=1.0):
    return keras.ops.sum((x - x_hat) ** 2, axis=1) + beta * ops_kl(z_mean, z_log_var)


def loss_kl_without_half(x, x_hat, z_mean, z_log_var, beta=1.0):
    return ops_reconstruction(x, x_hat) + 2 * beta * ops_kl(z_mean, z_log_var)


def loss_one_number(x, x_hat, z_mean, z_log_var, beta=1.0):
    return keras.ops.mean(vae_loss(x, x_hat, z_mean, z_log_var, beta))


def loss_in_numpy(x, x_hat, z_mean, z_log_var, beta=1.0):
    x, x_hat, z_mean, z_log_var = (np.asarray(a) for a in (x, x_hat, z_mean, z_log_var))
    return reconstruction_per_image(
        x, np.clip(x_hat, 1e-7, 1 - 1e-7)
    ) + beta * kl_per_example(z_mean, z_log_var)


def gan_losses_right(real_scores, fake_scores):
    ops = keras.ops
    real = ops.clip(ops.convert_to_tensor(real_scores), 1e-7, 1 - 1e-7)
    fake = ops.clip(ops.convert_to_tensor(fake_scores), 1e-7, 1 - 1e-7)
    return -ops.mean(ops.log(real)) - ops.mean(ops.log(1 - fake)), -ops.mean(ops.log(fake))


def _np_scores(real_scores, fake_scores, clip=True):
    real, fake = np.asarray(real_scores, "float64"), np.asarray(fake_scores, "float64")
    if clip:
        real, fake = np.clip(real, 1e-7, 1 - 1e-7), np.clip(fake, 1e-7, 1 - 1e-7)
    return real, fake


def gan_losses_numpy(real_scores, fake_scores):
    real, fake = _np_scores(real_scores, fake_scores)
    return -np.mean(np.log(real)) - np.mean(np.log(1 - fake)), -np.mean(np.log(fake))


def gan_minimax_generator(real_scores, fake_scores):
    real, fake = _np_scores(real_scores, fake_scores)
    return -np.mean(np.log(real)) - np.mean(np.log(1 - fake)), np.mean(np.log(1 - fake))


def gan_generator_on_real(real_scores, fake_scores):
    real, fake = _np_scores(real_scores, fake_scores)
    return -np.mean(np.log(real)) - np.mean(np.log(1 - fake)), -np.mean(np.log(real))


def gan_swapped(real_scores, fake_scores):
    real, fake = _np_scores(real_scores, fake_scores)
    return -np.mean(np.log(1 - real)) - np.mean(np.log(fake)), -np.mean(np.log(fake))


def gan_joined_batch(real_scores, fake_scores):
    real, fake = _np_scores(real_scores, fake_scores)
    joined = np.concatenate([np.log(real), np.log(1 - fake)])
    return -np.mean(joined), -np.mean(np.log(fake))


def gan_signs_flipped(real_scores, fake_scores):
    real, fake = _np_scores(real_scores, fake_scores)
    return np.mean(np.log(real)) + np.mean(np.log(1 - fake)), np.mean(np.log(fake))


def gan_unclipped(real_scores, fake_scores):
    real, fake = _np_scores(real_scores, fake_scores, clip=False)
    with np.errstate(divide="ignore"):
        return -np.mean(np.log(real)) - np.mean(np.log(1 - fake)), -np.mean(np.log(fake))


def gan_per_example(real_scores, fake_scores):
    real, fake = _np_scores(real_scores, fake_scores)
    return -np.log(real), -np.log(fake)


def gan_one_loss(real_scores, fake_scores):
    return gan_losses_numpy(real_scores, fake_scores)[0]


WRONG_ANSWERS = [
    (nb05.q1, sampling_class(draw_without_half), "the 0.5 is missing"),
    (nb05.q1, sampling_class(draw_log_var_as_std), "not the standard deviation"),
    (nb05.q1, sampling_class(draw_swapped), "are swapped"),
    (nb05.q1, sampling_class(draw_without_epsilon), "eps is missing"),
    (nb05.q1, sampling_class(draw_with_a_fixed_seed), "two calls of one layer"),
    (nb05.q1, sampling_class(draw_unseeded), "two layers built with the same seed"),
    (nb05.q1, sampling_class(draw_without_gradient), "no gradient reached"),
    (
        nb05.q1,
        sampling_class(draw_right, with_seed_in_config=False),
        "get_config must return seed",
    ),
    (nb05.q1, sampling_class(draw_first_column), "expected z of the shape of z_mean"),
    (nb05.q1, Sampling(seed=0), "received an instance"),
    (nb05.q1, draw_right, "expected the class GaussianSampling"),
    (nb05.q2, kl_flipped, "the sign is flipped"),
    (nb05.q2, kl_mean_over_dims, "you averaged over the latent dimensions"),
    (nb05.q2, kl_no_half, "the factor 0.5 is missing"),
    (nb05.q2, kl_no_one, "the constant 1 inside the sum is missing"),
    (nb05.q2, kl_std_for_variance, "not exp(z_log_var / 2)"),
    (nb05.q2, kl_mean_not_squared, "square z_mean"),
    (nb05.q2, kl_over_batch, "got one number"),
    (nb05.q2, kl_unreduced, "sum the latent dimensions (axis=1)"),
    (nb05.q3, loss_mean_over_pixels, "784 times too small"),
    (nb05.q3, loss_kl_flipped, "the KL term has the wrong sign"),
    (nb05.q3, loss_without_kl, "the KL term is missing"),
    (nb05.q3, loss_beta_on_everything, "beta multiplies only the KL term"),
    (nb05.q3, loss_ignoring_beta, "use the beta argument"),
    (nb05.q3, loss_unclipped, "clip x_hat"),
    (nb05.q3, loss_squared_error, "that is the squared error"),
    (nb05.q3, loss_kl_without_half, "the factor 0.5 is missing"),
    (nb05.q3, loss_one_number, "got one number"),
    (nb05.q3, loss_in_numpy, "no gradient reached"),
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
    (nb05.q5, "b", "z is still random"),
    (nb05.q5, "d", "expected one of ['a', 'b', 'c']"),
    (nb05.q6, "b", "reconstructions get worse, not sharper"),
    (nb05.q6, "c", "β multiplies only the KL term"),
    (nb05.q6, 4, "expected one of ['a', 'b', 'c']"),
    (nb05.q7, "a", "this run says (b)"),
    (nb05.q7, "c", "this run says (b)"),
    (nb05.q7, "d", "this run says (b)"),
    (nb05.q7, "e", "expected one of ['a', 'b', 'c', 'd']"),
    (nb05.q8, "vae_20d", "expected a trained utils.vae.VAE"),
    (nb05.q9, gan_minimax_generator, "is the minimax one"),
    (nb05.q9, gan_generator_on_real, "uses the scores of the real images"),
    (nb05.q9, gan_swapped, "real and generated are swapped"),
    (nb05.q9, gan_joined_batch, "one mean over the joined batch"),
    (nb05.q9, gan_signs_flipped, "each loss is minus a mean of logs"),
    (nb05.q9, gan_unclipped, "clip the scores"),
    (nb05.q9, gan_per_example, "as one number"),
    (nb05.q9, gan_one_loss, "expected a pair"),
    (nb05.q9, gan_losses_numpy(np.full(2, 0.5), np.full(2, 0.5)), "expected a function"),
]


# One full-mode run of sections 4 and 7: the 20-D model's KL is 4.4 times the 2-D one's.
LOSSES_20D = {"reconstruction": 80.29, "kl": 25.47, "total": 105.76}
LOSSES_2D = {"reconstruction": 147.02, "kl": 5.72, "total": 152.75}


class WithRunResults:
    """``question`` called as the notebook calls it: the answer, then what the run made."""

    def __init__(self, question):
        self.question, self.name = question, question.name
        self.hint_text = question.hint_text

    def __call__(self, answer):
        if self.question is nb05.q7:
            return self.question(answer, LOSSES_20D, LOSSES_2D)
        images = np.random.default_rng(0).uniform(size=(300, 784)).astype("float32")
        return self.question(answer, images)


def as_called(question):
    return WithRunResults(question) if question in (nb05.q7, nb05.q8) else question


@pytest.mark.parametrize("question, answer, message", WRONG_ANSWERS)
def test_wrong_answers_get_a_message_and_a_hint(question, answer, message, capsys):
    assert_wrong_with_hint(as_called(question), answer, message, capsys)


def test_every_question_of_notebook_05_has_wrong_answers_tested():
    tested = {question.name for question, _, _ in WRONG_ANSWERS}
    assert tested == {f"q{n}" for n in range(1, 10)}
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
        (nb05.q1, sampling_class(draw_right)),
        (nb05.q1, Sampling),
        (nb05.q2, kl_per_example),
        (nb05.q2, keras_ops_kl),
        (nb05.q3, vae_loss),
        (nb05.q3, vae_loss_with_utils),
        (nb05.q4, encoder),
        (nb05.q5, " C "),
        (nb05.q6, "a"),
        (nb05.q7, " B "),
        (nb05.q9, gan_losses_right),
        (nb05.q9, gan_losses_numpy),
        (nb05.q9, gan_losses),
    ],
)
def test_right_answers_pass(question, answer, capsys):
    as_called(question)(answer)
    printed = capsys.readouterr().out
    assert printed.startswith(f"✅ {question.name} passed"), printed


def test_unfinished_todo_stops_the_check():
    def unfinished(layer, z_mean, z_log_var):
        raise NotImplementedError("q1 is not done yet")

    with pytest.raises(NotImplementedError):
        nb05.q1(sampling_class(unfinished))


def test_a_short_training_misses_the_challenge_and_says_by_how_much(capsys):
    keras.utils.set_random_seed(0)
    model = vae.VAE(encoder(20, hidden_units=(16,)), decoder(20), beta=1.0)
    as_called(nb05.q8)(model)
    printed = capsys.readouterr().out
    assert printed.startswith("❌ q8 not yet: test loss"), printed
    assert "not yet below" in printed


def test_the_hints_give_no_solution_line():
    from utils.checks import solution_code

    for name in (f"q{n}" for n in range(1, 9)):
        question = getattr(nb05, name)
        assert len(question.hints) >= 2
        for line in solution_code("05", name).splitlines():
            line = line.strip()
            if len(line) >= 25:
                assert all(line not in hint for hint in question.hints), (name, line)
