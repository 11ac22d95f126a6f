#!/usr/bin/env python3
# Regenerate with:  python3 tools/golden_ops.py > kona-core/src/test/resources/golden/ops.json
#
# Golden values from PyTorch for dev.kona.GoldenOpsTest: inputs and torch outputs for a few
# representative cases (numerically delicate ones: large softmax inputs, infinite logsumexp rows,
# saturated sigmoid, stable sort with NaN and ties...). The file is frozen in the repository; the
# Java tests never run Python. Non-finite numbers are written as the strings "nan", "inf", "-inf"
# so that the file stays standard JSON.
import json
import sys

import torch
import torch.nn.functional as F

from golden_json import tensor

torch.manual_seed(0)

cases = []


def case(name, op, inputs, outputs, **args):
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    cases.append({"name": name, "op": op, "args": args,
                  "inputs": [tensor(t) for t in inputs], "outputs": [tensor(t) for t in outputs]})


inf, nan = float("inf"), float("nan")
f32, f64 = torch.float32, torch.float64

x = torch.cat([torch.tensor([-6., -3., -1., -0.5, 0., 0.5, 1., 3., 6.]), torch.randn(20) * 3])
case("gelu exact", "gelu", [x], F.gelu(x))
case("gelu exact float64", "gelu", [x.double()], F.gelu(x.double()))
case("gelu tanh", "geluTanh", [x], F.gelu(x, approximate="tanh"))
case("silu", "silu", [x], F.silu(x))

s = torch.tensor([[1000., 999., 998.], [-1000., 0., 1000.], [1., 2., 3.], [-inf, 0., 1.]])
case("softmax large values", "softmax", [s], torch.softmax(s, -1), dim=-1)
case("softmax large values float64", "softmax", [s.double()], torch.softmax(s.double(), -1), dim=-1)
case("softmax along dim 0", "softmax", [s[:, :2]], torch.softmax(s[:, :2], 0), dim=0)
case("logSoftmax large values", "logSoftmax", [s], torch.log_softmax(s, -1), dim=-1)

l = torch.tensor([[-inf, -inf, -inf], [inf, 1., -inf], [1000., 1000., 0.], [-1000., -1001., -inf], [0.5, -0.5, 2.]])
case("logsumexp with infinite rows", "logsumexp", [l], torch.logsumexp(l, 1), dim=1)

sg = torch.tensor([-100., -20., -1., 0., 1., 20., 100., -88.5, 88.5])
case("sigmoid saturation", "sigmoid", [sg], torch.sigmoid(sg))
case("sigmoid saturation float64", "sigmoid", [sg.double()], torch.sigmoid(sg.double()))
case("tanh saturation", "tanh", [sg], torch.tanh(sg))

sp = torch.tensor([-100., -20., -2., -0.5, 0., 0.5, 2., 4.9, 5.1, 19., 21., 100.])
case("softplus default", "softplus", [sp], F.softplus(sp), beta=1.0, threshold=20.0)
case("softplus beta 2 threshold 5", "softplus", [sp], F.softplus(sp, beta=2.0, threshold=5.0), beta=2.0, threshold=5.0)
case("elu alpha 1", "elu", [sp], F.elu(sp), alpha=1.0)
case("elu alpha 0.5", "elu", [sp], F.elu(sp, alpha=0.5), alpha=0.5)

v = torch.randn(4, 6)
case("var dim 1 correction 1", "var", [v], torch.var(v, dim=1, correction=1), dims=[1], correction=1.0, keepDim=False)
case("var dims 0 correction 0 keepdim", "var", [v], torch.var(v, dim=0, correction=0, keepdim=True), dims=[0],
     correction=0.0, keepDim=True)
case("std all", "std", [v], torch.std(v), dims=[], correction=1.0, keepDim=False)
case("std float64 dim 1", "std", [v.double()], torch.std(v.double(), dim=1), dims=[1], correction=1.0, keepDim=False)

case("norm 2", "norm", [v], torch.linalg.vector_norm(v, 2), p=2.0, dims=[], keepDim=False)
case("norm 1 dim 1", "norm", [v], torch.linalg.vector_norm(v, 1, dim=1), p=1.0, dims=[1], keepDim=False)
case("norm inf dim 0", "norm", [v], torch.linalg.vector_norm(v, inf, dim=0), p="inf", dims=[0], keepDim=False)

a = torch.randn(2, 3, 4)
b = torch.randn(4, 5)
case("matmul batched", "matmul", [a, b], a @ b)
c = torch.randn(2, 1, 3, 4)
d = torch.randn(3, 4, 2)
case("matmul broadcast batch", "matmul", [c, d], c @ d)
case("matmul float64 vector", "matmul", [a.double(), b[:, 0].double().contiguous()], a.double() @ b[:, 0].double())

st = torch.tensor([[3., nan, 1., 3., -inf, 1., 0., -0., inf, nan], [2., 2., 2., 1., 1., 5., -1., 5., 0., 2.]])
r = torch.sort(st, dim=1, stable=True)
case("sort stable with NaN and ties", "sort", [st], [r.values, r.indices], dim=1, descending=False)
r = torch.sort(st, dim=1, descending=True, stable=True)
case("sort stable descending", "sort", [st], [r.values, r.indices], dim=1, descending=True)
si = torch.tensor([4, -1, 4, 0, 2, -1, 7])
r = torch.sort(si, stable=True)
case("sort int64 stable", "sort", [si], [r.values, r.indices], dim=0, descending=False)

# topk of ties is unspecified in PyTorch, so these rows hold distinct values.
tk = torch.tensor([[0.5, nan, -2., 7., 3., -inf, 1.], [9., 8., -7., 6., 5.5, 4., inf]])
r = torch.topk(tk, 3, dim=1)
case("topk largest with NaN", "topk", [tk], [r.values, r.indices], k=3, dim=1, largest=True)
r = torch.topk(tk, 2, dim=1, largest=False)
case("topk smallest", "topk", [tk], [r.values, r.indices], k=2, dim=1, largest=False)

cs = torch.randn(3, 5)
case("cumsum dim 1", "cumsum", [cs], torch.cumsum(cs, 1), dim=1)
case("cumprod dim 0", "cumprod", [cs], torch.cumprod(cs, 0), dim=0)

json.dump({"generator": "tools/golden_ops.py", "torch": torch.__version__, "cases": cases}, sys.stdout, indent=1)
sys.stdout.write("\n")
