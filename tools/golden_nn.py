#!/usr/bin/env python3
# Regenerate with:  python3 tools/golden_nn.py > kona-core/src/test/resources/golden/nn.json
#
# Golden values from PyTorch for dev.kona.nn.GoldenNnTest: each case builds a torch.nn layer (or a
# small Sequential), gives it weights drawn from a fixed seed, runs forward on a fixed input and
# backward from a fixed output gradient, and freezes the module description, the state dict, the
# input, the output gradient, the output, and the gradients of the input and of every parameter.
# The Java test rebuilds the same layer, loads the state dict, and compares. No Python at test time.
import json
import sys

import torch
from torch import nn

from golden_json import tensor

torch.manual_seed(0)


def describe(m):
    """The module as data the Java test can rebuild: a type and the constructor arguments."""
    if isinstance(m, nn.Sequential):
        return {"type": "Sequential", "layers": [describe(c) for c in m]}
    if isinstance(m, nn.Linear):
        return {"type": "Linear", "in": m.in_features, "out": m.out_features, "bias": m.bias is not None}
    if isinstance(m, nn.LeakyReLU):
        return {"type": "LeakyReLU", "negativeSlope": m.negative_slope}
    if isinstance(m, nn.ELU):
        return {"type": "ELU", "alpha": m.alpha}
    if isinstance(m, nn.GELU):
        return {"type": "GELU", "approximate": m.approximate}
    if isinstance(m, (nn.Softmax, nn.LogSoftmax)):
        return {"type": type(m).__name__, "dim": m.dim}
    if isinstance(m, nn.Softplus):
        return {"type": "Softplus", "beta": m.beta, "threshold": m.threshold}
    if isinstance(m, nn.Dropout):
        return {"type": "Dropout", "p": m.p}
    if isinstance(m, nn.Flatten):
        return {"type": "Flatten", "startDim": m.start_dim, "endDim": m.end_dim}
    if isinstance(m, nn.Unflatten):
        return {"type": "Unflatten", "dim": m.dim, "sizes": list(m.unflattened_size)}
    if isinstance(m, (nn.ReLU, nn.SiLU, nn.Sigmoid, nn.Tanh, nn.Identity)):
        return {"type": type(m).__name__}
    raise ValueError(f"no description for {m}")


cases = []


def case(name, module, input_shape, dtype=torch.float32, train=False, input_values=None):
    module = module.to(dtype)
    module.train(train)
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(-0.6, 0.6)
    x = (input_values if input_values is not None else torch.randn(*input_shape) * 1.5).to(dtype).detach().clone()
    x.requires_grad_(True)
    y = module(x)
    grad_out = torch.randn(*y.shape, dtype=dtype)
    y.backward(grad_out)
    cases.append({
        "name": name,
        "module": describe(module),
        "train": train,
        "state": {k: tensor(v) for k, v in module.state_dict().items()},
        "input": tensor(x),
        "gradOutput": tensor(grad_out),
        "output": tensor(y),
        "inputGrad": tensor(x.grad),
        "paramGrads": {k: tensor(p.grad) for k, p in module.named_parameters()},
    })


# Values that visit each activation's interesting regions (negative, zero, the softplus threshold).
act_x = torch.tensor([[-8.0, -3.0, -1.0, -0.25, 0.0, 0.25, 1.0, 3.0, 8.0, 12.0, 25.0, -25.0]]) \
    + torch.randn(3, 12) * 0.01

case("Linear", nn.Linear(5, 3), (4, 5))
case("Linear without bias, 3-D input", nn.Linear(4, 2, bias=False), (2, 3, 4))
case("Linear 1-D input", nn.Linear(6, 3), (6,))
case("Linear float64", nn.Linear(7, 4), (3, 7), dtype=torch.float64)
case("ReLU", nn.ReLU(), None, input_values=act_x)
case("LeakyReLU", nn.LeakyReLU(0.2), None, input_values=act_x)
case("ELU", nn.ELU(0.7), None, input_values=act_x)
case("GELU", nn.GELU(), None, input_values=act_x)
case("GELU tanh", nn.GELU(approximate="tanh"), None, input_values=act_x)
case("SiLU", nn.SiLU(), None, input_values=act_x)
case("Sigmoid", nn.Sigmoid(), None, input_values=act_x)
case("Tanh", nn.Tanh(), None, input_values=act_x)
case("Softplus", nn.Softplus(beta=2.0, threshold=5.0), None, input_values=act_x)
case("Softplus float64", nn.Softplus(), None, input_values=act_x, dtype=torch.float64)
case("Softmax dim 1", nn.Softmax(dim=1), (4, 6))
case("Softmax dim 0", nn.Softmax(dim=0), (4, 6))
case("LogSoftmax dim -1", nn.LogSoftmax(dim=-1), (2, 3, 5))
case("Dropout in eval", nn.Dropout(0.4), (3, 5))
case("Identity", nn.Identity(), (2, 3))
case("Flatten", nn.Flatten(), (2, 3, 2, 2))
case("Flatten 0..1", nn.Flatten(0, 1), (2, 3, 4))
case("Unflatten", nn.Unflatten(1, (3, 4)), (2, 12))
case("MLP 20-16-10", nn.Sequential(
    nn.Flatten(), nn.Linear(20, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 10), nn.LogSoftmax(dim=1)),
    (4, 1, 4, 5))
case("MLP tanh softmax float64", nn.Sequential(
    nn.Linear(8, 12), nn.Tanh(), nn.Linear(12, 6), nn.GELU(), nn.Linear(6, 4), nn.Softmax(dim=-1)),
    (5, 8), dtype=torch.float64)

json.dump({"generator": "tools/golden_nn.py", "torch": torch.__version__, "cases": cases}, sys.stdout, indent=1)
sys.stdout.write("\n")
