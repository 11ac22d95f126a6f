#!/usr/bin/env python3
# Regenerate with:  python3 tools/golden_keras_fit.py > kona-core/src/test/resources/golden/keras_fit.json
#
# Golden values from Keras 3 (TensorFlow backend, CPU) for dev.kona.train.KerasFitGoldenTest:
# compile(optimizer by name, "sparse_categorical_crossentropy") and train_on_batch, step by step,
# for each optimizer Kona's compile knows by name, from the same initial weights and batches. The
# model has both of Kona's convolution paths (a 3-channel input, then an 8-channel one), max
# pooling, flatten and two dense layers. One input channel is scaled by 1e-6 so that the
# weights reading it get gradients of about 1e-7, where an optimizer adds epsilon shows.
# Two more cases give the optimizer a learning rate schedule (Kona's OptimizerSpec.withSchedule),
# which must be read at the step count before each step, as Keras's optimizer.iterations.
# Frozen: the data, the initial weights (get_weights() order, Kona's state-dict order), the loss
# train_on_batch returned at each step and the weights after the last step. No Python at test time.
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

rng = np.random.default_rng(11)
STEPS, BATCH, SAMPLES = 12, 8, 32


def arr(a):
    a = np.asarray(a)
    # float32 values in their shortest decimal form (which reads back as the same float32)
    data = [float(str(v)) if a.dtype == np.float32 else float(v) for v in a.reshape(-1)]
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": data}


def model():
    return keras.Sequential([keras.Input((9, 9, 3)), layers.Conv2D(8, 3, activation="relu"),
                             layers.Conv2D(6, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
                             layers.Dense(10, activation="relu"), layers.Dense(3, activation="softmax")])


x = rng.standard_normal((SAMPLES, 9, 9, 3)).astype("float32")
x[..., 2] *= 1e-6
y = rng.integers(0, 3, SAMPLES).astype("int64")
keras.utils.set_random_seed(3)
initial = [w.copy() for w in model().get_weights()]

SCHEDULED = [
    ("sgd_piecewise", "sgd", "PiecewiseConstantDecay", dict(boundaries=[3, 7], values=[0.1, 0.05, 0.01])),
    ("adam_cosine_warmup", "adam", "CosineDecay",
     dict(initial_learning_rate=0.0, decay_steps=8, alpha=0.0, warmup_target=0.01, warmup_steps=3)),
]

cases = []
runs = [(name, name, None, None) for name in ["adam", "adamw", "rmsprop", "sgd", "adagrad"]] + SCHEDULED
for name, optimizer, schedule, config in runs:
    m = model()
    m.set_weights(initial)
    if schedule is None:
        opt = optimizer
    else:
        opt = keras.optimizers.get(optimizer)
        opt = type(opt)(learning_rate=getattr(keras.optimizers.schedules, schedule)(**config))
    m.compile(optimizer=opt, loss="sparse_categorical_crossentropy")
    losses = []
    for s in range(STEPS):
        i = (s * BATCH) % SAMPLES
        losses.append(float(m.train_on_batch(x[i:i + BATCH], y[i:i + BATCH])))
    case = {"name": name, "optimizer": optimizer, "losses": losses, "weights_after": [arr(w) for w in m.get_weights()]}
    if schedule is not None:
        case["schedule"] = {"class": schedule, "config": config}
    cases.append(case)

json.dump({"keras": keras.__version__, "steps": STEPS, "batch": BATCH, "x": arr(x), "y": arr(y),
           "initial_weights": [arr(w) for w in initial], "cases": cases}, __import__("sys").stdout)
