"""Shared helpers for the autoencoder workshop.

Import what you need by name, so every helper is easy to find:

    from utils import config, data, noise, plots

Modules: ``config`` (setup, fast mode), ``data`` (MNIST and the teaching data sets),
``noise`` (corruptions), ``layers`` (custom Keras layers), ``metrics``, ``plots``,
``checks`` (exercise checks) and ``tuning`` (the "Tune it" helper).
"""

import os

# Quieten TensorFlow's C++ start-up messages before any module imports Keras.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
