#!/usr/bin/env python3
# Regenerate with:  python3 tools/golden_keras_layers.py > kona-core/src/test/resources/golden/keras_layers.json
#
# Golden values from Keras 3 (TensorFlow backend, CPU) for dev.kona.train.KerasLayersGoldenTest.
# "cases": one Keras layer each, built for a fixed input, its weights set explicitly (uniform
# values from a fixed seed, in get_weights() order, which is the order of Kona's state dict), run
# on a fixed input in inference or training mode; frozen: the layer's arguments, the weights, the
# input, the output, the output shape from compute_output_shape and the parameter counts (for
# BatchNormalization in training mode also the moving statistics after the call). "models": the
# per-layer output shapes and parameter counts of model.summary() for a few models Kona builds the
# same way. No Python at test time.
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

rng = np.random.default_rng(7)


def arr(a):
    a = np.asarray(a)
    dtype = {"float32": "float32", "float64": "float64", "int64": "int64", "int32": "int32"}[str(a.dtype)]
    return {"dtype": dtype, "shape": list(a.shape), "data": [float(v) for v in a.reshape(-1).tolist()]}


def shape(s):
    return [-1 if d is None else int(d) for d in s]


cases = []


def case(name, kind, args, layer, inputs, training=False, int_input=False):
    if not isinstance(inputs, list):
        inputs = [inputs]
    if kind == "MultiHeadAttention":
        layer(*inputs)  # builds
    else:
        layer.build(inputs[0].shape)
    weights = []
    for w in layer.get_weights():
        weights.append(rng.uniform(-0.5, 0.5, size=w.shape).astype(w.dtype))
    # BatchNormalization: a positive moving variance (weights: gamma, beta, moving_mean, moving_variance)
    if kind == "BatchNormalization":
        weights[3] = np.abs(weights[3]) + 0.5
    layer.set_weights(weights)
    out = layer(*inputs, training=training) if kind != "MultiHeadAttention" else layer(inputs[0], inputs[1], *inputs[2:],
                                                                                          training=training)
    out_shape = layer.compute_output_shape(*[(None,) + tuple(i.shape[1:]) for i in inputs])
    c = {
        "name": name, "kind": kind, "args": args, "training": training,
        "inputs": [arr(i) for i in inputs],
        "weights": [arr(w) for w in weights],
        "output": arr(keras.ops.convert_to_numpy(out)),
        "output_shape": shape(out_shape),
        "trainable_params": int(sum(np.prod(w.shape) for w in layer.trainable_weights)),
        "non_trainable_params": int(sum(np.prod(w.shape) for w in layer.non_trainable_weights)),
    }
    if kind == "BatchNormalization":
        c["after"] = [arr(keras.ops.convert_to_numpy(w)) for w in layer.weights]
    cases.append(c)


def x(*s):
    return rng.normal(size=s).astype("float32")


case("conv2d_valid_relu", "Conv2D", {"filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
     "dilation_rate": [1, 1], "groups": 1, "activation": "relu", "use_bias": True},
     layers.Conv2D(4, 3, activation="relu"), x(2, 7, 6, 3))
case("conv2d_same_stride2", "Conv2D", {"filters": 5, "kernel_size": [3, 2], "strides": [2, 2], "padding": "same",
     "dilation_rate": [1, 1], "groups": 1, "activation": "linear", "use_bias": True},
     layers.Conv2D(5, (3, 2), strides=2, padding="same"), x(2, 7, 6, 3))
case("conv2d_dilated_groups", "Conv2D", {"filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
     "dilation_rate": [2, 2], "groups": 2, "activation": "tanh", "use_bias": False},
     layers.Conv2D(4, 3, padding="same", dilation_rate=2, groups=2, activation="tanh", use_bias=False), x(2, 8, 7, 4))
case("conv1d_same", "Conv1D", {"filters": 3, "kernel_size": [4], "strides": [1], "padding": "same",
     "dilation_rate": [1], "groups": 1, "activation": "linear", "use_bias": True},
     layers.Conv1D(3, 4, padding="same"), x(2, 9, 5))
case("conv1d_strided", "Conv1D", {"filters": 6, "kernel_size": [3], "strides": [2], "padding": "valid",
     "dilation_rate": [1], "groups": 1, "activation": "relu", "use_bias": True},
     layers.Conv1D(6, 3, strides=2, activation="relu"), x(2, 10, 4))
case("maxpool_valid", "MaxPooling2D", {"pool_size": [2, 2], "strides": [2, 2], "padding": "valid"},
     layers.MaxPooling2D(2), x(2, 7, 6, 3))
case("maxpool_same_odd", "MaxPooling2D", {"pool_size": [3, 3], "strides": [2, 2], "padding": "same"},
     layers.MaxPooling2D(3, strides=2, padding="same"), x(2, 8, 7, 3))
case("avgpool_same_odd", "AveragePooling2D", {"pool_size": [2, 2], "strides": [2, 2], "padding": "same"},
     layers.AveragePooling2D(2, padding="same"), x(2, 7, 5, 3))
case("avgpool_valid_stride1", "AveragePooling2D", {"pool_size": [3, 2], "strides": [1, 1], "padding": "valid"},
     layers.AveragePooling2D((3, 2), strides=1), x(2, 6, 5, 2))
case("gap", "GlobalAveragePooling2D", {}, layers.GlobalAveragePooling2D(), x(2, 5, 4, 3))
case("batchnorm_inference", "BatchNormalization", {}, layers.BatchNormalization(), x(4, 3, 3, 5))
case("batchnorm_training", "BatchNormalization", {}, layers.BatchNormalization(), x(4, 3, 3, 5), training=True)
case("batchnorm_dense_training", "BatchNormalization", {}, layers.BatchNormalization(), x(8, 6), training=True)
case("layernorm", "LayerNormalization", {}, layers.LayerNormalization(), x(2, 3, 6))
case("embedding", "Embedding", {"input_dim": 10, "output_dim": 4},
     layers.Embedding(10, 4), rng.integers(0, 10, size=(2, 5)).astype("int64"))
case("simple_rnn_last", "SimpleRNN", {"units": 5, "return_sequences": False, "go_backwards": False},
     layers.SimpleRNN(5), x(2, 4, 3))
case("simple_rnn_backwards_seq", "SimpleRNN", {"units": 5, "return_sequences": True, "go_backwards": True},
     layers.SimpleRNN(5, return_sequences=True, go_backwards=True), x(2, 4, 3))
case("lstm_seq", "LSTM", {"units": 4, "return_sequences": True, "go_backwards": False},
     layers.LSTM(4, return_sequences=True), x(2, 5, 3))
case("lstm_backwards_last", "LSTM", {"units": 4, "return_sequences": False, "go_backwards": True},
     layers.LSTM(4, go_backwards=True), x(2, 5, 3))
case("gru_seq", "GRU", {"units": 4, "return_sequences": True, "go_backwards": False},
     layers.GRU(4, return_sequences=True), x(2, 5, 3))
case("gru_last", "GRU", {"units": 6, "return_sequences": False, "go_backwards": False},
     layers.GRU(6), x(3, 4, 2))
case("mha_cross", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "value_dim": 4},
     layers.MultiHeadAttention(2, 3, value_dim=4), [x(2, 4, 5), x(2, 6, 7)])
case("mha_key_value", "MultiHeadAttention", {"num_heads": 3, "key_dim": 2, "value_dim": 2},
     layers.MultiHeadAttention(3, 2), [x(2, 3, 4), x(2, 5, 6), x(2, 5, 3)])


def model_case(name, model):
    rows = []
    for layer in model.layers:
        rows.append({"name": layer.name, "class": layer.__class__.__name__, "output_shape": shape(layer.output.shape),
                     "params": int(layer.count_params())})
    return {"name": name, "layers": rows,
            "trainable": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
            "non_trainable": int(sum(np.prod(w.shape) for w in model.non_trainable_weights))}


models = []
keras.utils.clear_session()
models.append(model_case("mnist_cnn", keras.Sequential([
    keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.Conv2D(64, 3, activation="relu"),
    layers.MaxPooling2D(2), layers.Dropout(0.25), layers.Flatten(), layers.Dense(128, activation="relu"),
    layers.Dropout(0.5), layers.Dense(10, activation="softmax")])))
keras.utils.clear_session()
models.append(model_case("conv_bn_gap", keras.Sequential([
    keras.Input((32, 32, 3)), layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False), layers.BatchNormalization(),
    layers.Conv2D(32, 3, padding="same", groups=2), layers.AveragePooling2D(2, padding="same"),
    layers.MaxPooling2D(3, strides=2, padding="same"), layers.GlobalAveragePooling2D(), layers.Dense(10)])))
keras.utils.clear_session()
models.append(model_case("text_rnn", keras.Sequential([
    keras.Input((20,)), layers.Embedding(1000, 16), layers.Conv1D(24, 5, padding="same", activation="relu"),
    layers.SimpleRNN(8, return_sequences=True), layers.GRU(12, return_sequences=True), layers.LSTM(10),
    layers.LayerNormalization(), layers.Dense(1)])))
keras.utils.clear_session()
q = keras.Input((8, 16))
v = keras.Input((12, 24))
out = layers.MultiHeadAttention(4, 8, value_dim=6)(q, v)
models.append(model_case("mha", keras.Model([q, v], out)))

json.dump({"keras": keras.__version__, "cases": cases, "models": models}, __import__("sys").stdout)
