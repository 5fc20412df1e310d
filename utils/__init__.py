"""Shared helpers for the autoencoder workshop.

Import what you need by name, so every helper is easy to find:

    from utils import config, data, noise, plots

Modules: ``config`` (setup, fast mode), ``data`` (MNIST and the teaching data sets),
``noise`` (corruptions), ``layers`` (custom Keras layers), ``regularizers``, ``vae``,
``metrics``, ``probes``, ``embeddings``, ``anomaly``, ``sequences``, ``plots``,
``saving`` (a .keras save that never destroys the old file), ``checks`` (exercise
checks), ``tuning`` (the "Tune it" helper) and ``validation`` (the input checks every
public helper runs first).
"""

import os

# Quieten TensorFlow's C++ start-up messages before any module imports Keras.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
