#!/usr/bin/env python3
# Regenerate with:  python3 tools/golden_keras_schedules.py > kona-core/src/test/resources/golden/keras_schedules.json
#
# Golden values from Keras 3 for dev.kona.train.schedules.LearningRateScheduleTest: each of
# keras.optimizers.schedules' built-in schedules, with its config (Keras's argument names), called
# at a range of steps. Keras computes in float32, so the test compares with a float32 tolerance.
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
from keras.optimizers import schedules  # noqa: E402

STEPS = [0, 1, 2, 3, 5, 7, 10, 11, 15, 20, 31, 50, 99, 100, 101, 150, 250, 1000]
CONFIGS = [
    ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.96, staircase=False)),
    ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True)),
    ("InverseTimeDecay", dict(initial_learning_rate=0.05, decay_steps=7, decay_rate=0.5, staircase=False)),
    ("InverseTimeDecay", dict(initial_learning_rate=0.05, decay_steps=7, decay_rate=0.5, staircase=True)),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=100, end_learning_rate=1e-4, power=1.0, cycle=False)),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=30, end_learning_rate=0.01, power=0.5, cycle=True)),
    ("PiecewiseConstantDecay", dict(boundaries=[10, 100], values=[1.0, 0.5, 0.1])),
    ("CosineDecay", dict(initial_learning_rate=5e-3, decay_steps=100, alpha=0.0)),
    ("CosineDecay", dict(initial_learning_rate=0.02, decay_steps=150, alpha=0.1)),
    ("CosineDecay", dict(initial_learning_rate=0.0, decay_steps=100, alpha=0.05, warmup_target=0.01, warmup_steps=20)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=10, t_mul=2.0, m_mul=1.0, alpha=0.0)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=12, t_mul=1.0, m_mul=0.5, alpha=0.1)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=8, t_mul=1.5, m_mul=0.9, alpha=0.0)),
]

cases = []
for name, config in CONFIGS:
    schedule = getattr(schedules, name)(**config)
    values = [float(schedule(step)) for step in STEPS]
    cases.append({"name": name + " " + json.dumps(config, sort_keys=True), "schedule": name, "config": config,
                  "values": values})
json.dump({"keras": keras.__version__, "steps": STEPS, "cases": cases}, sys.stdout)
