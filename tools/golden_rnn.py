#!/usr/bin/env python3
# Regenerate with:  python3 tools/golden_rnn.py > kona-core/src/test/resources/golden/rnn.json
#
# Golden values from PyTorch for dev.kona.nn.GoldenRnnTest: each case builds a torch.nn recurrent
# layer (RNN, LSTM, GRU) or cell from a fixed seed, runs it on a fixed input (and initial states,
# when the case gives them), and backpropagates fixed gradients of the output and of the final
# states. It freezes the configuration, the state dict, the inputs, the gradients fed in, and
# torch's outputs, final states and gradients of the input, the initial states and every
# parameter. The Java test rebuilds the layer, loads the state dict and compares. No Python at
# test time.
import json
import sys

import torch
from torch import nn

from golden_json import tensor

torch.manual_seed(5)


cases = []


def layer_case(name, kind, input_size, hidden, seq, batch, num_layers=1, bidirectional=False, batch_first=False,
               bias=True, nonlinearity="tanh", initial_states=False, dtype=torch.float32,
               unbatched=False):
    cls = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[kind]
    kwargs = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias)
    if kind == "RNN":
        kwargs["nonlinearity"] = nonlinearity
    m = cls(input_size, hidden, **kwargs).to(dtype)
    with torch.no_grad():
        for p in m.parameters():
            p.uniform_(-0.5, 0.5)
    d = 2 if bidirectional else 1
    if unbatched:
        shape = (seq, input_size)
        state_shape = (num_layers * d, hidden)
    else:
        shape = (batch, seq, input_size) if batch_first else (seq, batch, input_size)
        state_shape = (num_layers * d, batch, hidden)
    x = (torch.randn(*shape) * 1.2).to(dtype).requires_grad_(True)
    h0 = (torch.randn(*state_shape) * 0.5).to(dtype).requires_grad_(True) if initial_states else None
    c0 = (torch.randn(*state_shape) * 0.5).to(dtype).requires_grad_(True) if initial_states and kind == "LSTM" else None
    if kind == "LSTM":
        out, (hn, cn) = m(x, (h0, c0)) if initial_states else m(x)
    else:
        out, hn = m(x, h0) if initial_states else m(x)
        cn = None
    g_out = torch.randn(*out.shape, dtype=dtype)
    g_hn = torch.randn(*hn.shape, dtype=dtype)
    loss = (out * g_out).sum() + (hn * g_hn).sum()
    g_cn = None
    if cn is not None:
        g_cn = torch.randn(*cn.shape, dtype=dtype)
        loss = loss + (cn * g_cn).sum()
    loss.backward()
    c = {
        "name": name,
        "module": {"type": kind, "inputSize": input_size, "hiddenSize": hidden, "numLayers": num_layers,
                   "bidirectional": bidirectional, "batchFirst": batch_first, "bias": bias,
                   "nonlinearity": nonlinearity},
        "state": {k: tensor(v) for k, v in m.state_dict().items()},
        "input": tensor(x),
        "gradOutput": tensor(g_out),
        "gradHN": tensor(g_hn),
        "output": tensor(out),
        "hN": tensor(hn),
        "inputGrad": tensor(x.grad),
        "paramGrads": {k: tensor(p.grad) for k, p in m.named_parameters()},
    }
    if initial_states:
        c["h0"] = tensor(h0)
        c["h0Grad"] = tensor(h0.grad)
    if cn is not None:
        c["gradCN"] = tensor(g_cn)
        c["cN"] = tensor(cn)
        if initial_states:
            c["c0"] = tensor(c0)
            c["c0Grad"] = tensor(c0.grad)
    cases.append(c)


def cell_case(name, kind, input_size, hidden, batch, steps, bias=True, nonlinearity="tanh", dtype=torch.float32):
    """A cell run for a few steps from given states; the loss weighs every step's states."""
    cls = {"RNNCell": nn.RNNCell, "LSTMCell": nn.LSTMCell, "GRUCell": nn.GRUCell}[kind]
    kwargs = dict(bias=bias)
    if kind == "RNNCell":
        kwargs["nonlinearity"] = nonlinearity
    m = cls(input_size, hidden, **kwargs).to(dtype)
    with torch.no_grad():
        for p in m.parameters():
            p.uniform_(-0.5, 0.5)
    x = (torch.randn(steps, batch, input_size) * 1.2).to(dtype).requires_grad_(True)
    h0 = (torch.randn(batch, hidden) * 0.5).to(dtype).requires_grad_(True)
    c0 = (torch.randn(batch, hidden) * 0.5).to(dtype).requires_grad_(True) if kind == "LSTMCell" else None
    h, cst = h0, c0
    hs, cs = [], []
    for t in range(steps):
        if kind == "LSTMCell":
            h, cst = m(x[t], (h, cst))
            cs.append(cst)
        else:
            h = m(x[t], h)
        hs.append(h)
    hs = torch.stack(hs)
    g_h = torch.randn(*hs.shape, dtype=dtype)
    loss = (hs * g_h).sum()
    c = {"name": name,
         "module": {"type": kind, "inputSize": input_size, "hiddenSize": hidden, "bias": bias, "nonlinearity": nonlinearity},
         "state": {k: tensor(v) for k, v in m.state_dict().items()},
         "input": tensor(x), "h0": tensor(h0), "gradH": tensor(g_h), "h": tensor(hs)}
    if kind == "LSTMCell":
        cs = torch.stack(cs)
        g_c = torch.randn(*cs.shape, dtype=dtype)
        loss = loss + (cs * g_c).sum()
        c.update({"c0": tensor(c0), "gradC": tensor(g_c), "c": tensor(cs)})
    loss.backward()
    c.update({"inputGrad": tensor(x.grad), "h0Grad": tensor(h0.grad),
              "paramGrads": {k: tensor(p.grad) for k, p in m.named_parameters()}})
    if kind == "LSTMCell":
        c["c0Grad"] = tensor(c0.grad)
    cases.append(c)


layer_case("RNN tanh, 2 layers, bidirectional, h0", "RNN", 4, 6, 5, 3, num_layers=2, bidirectional=True,
           initial_states=True)
layer_case("RNN relu, 2 layers, batchFirst, h0", "RNN", 5, 4, 6, 2, num_layers=2, batch_first=True,
           nonlinearity="relu", initial_states=True)
layer_case("RNN tanh, no bias, zero state", "RNN", 3, 5, 4, 2, bias=False)
layer_case("LSTM, 2 layers, bidirectional, h0 c0", "LSTM", 4, 6, 5, 3, num_layers=2, bidirectional=True,
           initial_states=True)
layer_case("LSTM, batchFirst, zero states", "LSTM", 5, 7, 6, 2, batch_first=True)
layer_case("LSTM, 2 layers, batchFirst, bidirectional, no bias, h0 c0", "LSTM", 3, 4, 4, 2, num_layers=2,
           bidirectional=True, batch_first=True, bias=False, initial_states=True)
layer_case("LSTM, unbatched, h0 c0", "LSTM", 4, 5, 6, 1, num_layers=2, unbatched=True, initial_states=True)
layer_case("LSTM float64, 2 layers, bidirectional", "LSTM", 3, 4, 5, 2, num_layers=2, bidirectional=True,
           initial_states=True, dtype=torch.float64)
layer_case("GRU, 2 layers, bidirectional, h0", "GRU", 4, 6, 5, 3, num_layers=2, bidirectional=True,
           initial_states=True)
layer_case("GRU, batchFirst, no bias, zero state", "GRU", 5, 4, 6, 2, batch_first=True, bias=False)
layer_case("GRU, 2 layers, batchFirst, h0", "GRU", 3, 5, 4, 3, num_layers=2, batch_first=True, initial_states=True)
cell_case("RNNCell tanh", "RNNCell", 4, 5, 3, 3)
cell_case("RNNCell relu, no bias", "RNNCell", 4, 5, 3, 3, bias=False, nonlinearity="relu")
cell_case("LSTMCell", "LSTMCell", 4, 5, 3, 3)
cell_case("GRUCell", "GRUCell", 4, 5, 3, 3)
cell_case("GRUCell, no bias", "GRUCell", 3, 4, 2, 3, bias=False)

json.dump({"generator": "tools/golden_rnn.py", "torch": torch.__version__, "cases": cases}, sys.stdout, indent=1)
sys.stdout.write("\n")
