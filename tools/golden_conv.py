#!/usr/bin/env python3
# Regenerate with:  python3 tools/golden_conv.py > kona-core/src/test/resources/golden/conv.json
#
# Golden values from PyTorch for dev.kona.nn.GoldenConvTest: convolution and pooling layers (and a
# small CNN), each given weights drawn from a fixed seed, run forward on a fixed input and backward
# from a fixed output gradient. Frozen per case: the module description (type and constructor
# arguments), the state dict, the input, the output gradient, the output, and the gradients of the
# input and of every parameter. The Java test rebuilds the layer, loads the state dict, and
# compares within float32 tolerances. No Python at test time.
import json
import math
import sys

import torch
from torch import nn

torch.manual_seed(0)


def enc(v, single):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    # 9 significant digits give a float32 back exactly, in half the characters of a double's repr
    return float(f"{v:.9g}") if single else v


def tensor(t):
    t = t.detach()
    single = t.dtype == torch.float32
    return {
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "data": [enc(v, single) for v in t.reshape(-1).tolist()],
    }


def ints(v):
    return list(v) if isinstance(v, (tuple, list)) else [v]


def describe(m):
    """The module as data the Java test can rebuild: a type and the constructor arguments."""
    if isinstance(m, nn.Sequential):
        return {"type": "Sequential", "layers": [describe(c) for c in m]}
    if isinstance(m, (nn.Conv1d, nn.Conv2d)):
        return {"type": type(m).__name__, "in": m.in_channels, "out": m.out_channels, "kernel": ints(m.kernel_size),
                "stride": ints(m.stride), "padding": m.padding if isinstance(m.padding, str) else ints(m.padding),
                "dilation": ints(m.dilation), "groups": m.groups, "bias": m.bias is not None}
    if isinstance(m, nn.ConvTranspose2d):
        return {"type": "ConvTranspose2d", "in": m.in_channels, "out": m.out_channels, "kernel": ints(m.kernel_size),
                "stride": ints(m.stride), "padding": ints(m.padding), "outputPadding": ints(m.output_padding),
                "dilation": ints(m.dilation), "groups": m.groups, "bias": m.bias is not None}
    if isinstance(m, (nn.MaxPool1d, nn.MaxPool2d)):
        return {"type": type(m).__name__, "kernel": ints(m.kernel_size), "stride": ints(m.stride),
                "padding": ints(m.padding), "dilation": ints(m.dilation), "ceilMode": m.ceil_mode}
    if isinstance(m, (nn.AvgPool1d, nn.AvgPool2d)):
        return {"type": type(m).__name__, "kernel": ints(m.kernel_size), "stride": ints(m.stride),
                "padding": ints(m.padding), "ceilMode": m.ceil_mode, "countIncludePad": m.count_include_pad}
    if isinstance(m, nn.AdaptiveAvgPool2d):
        return {"type": "AdaptiveAvgPool2d", "outputSize": ints(m.output_size)}
    if isinstance(m, nn.Linear):
        return {"type": "Linear", "in": m.in_features, "out": m.out_features, "bias": m.bias is not None}
    if isinstance(m, nn.Flatten):
        return {"type": "Flatten", "startDim": m.start_dim, "endDim": m.end_dim}
    if isinstance(m, nn.ReLU):
        return {"type": "ReLU"}
    raise ValueError(f"no description for {m}")


cases = []


def case(name, module, input_shape, dtype=torch.float32):
    module = module.to(dtype)
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(-0.6, 0.6)
    x = (torch.randn(*input_shape) * 1.5).to(dtype).detach().clone()
    x.requires_grad_(True)
    y = module(x)
    grad_out = torch.randn(*y.shape, dtype=dtype)
    y.backward(grad_out)
    cases.append({
        "name": name,
        "module": describe(module),
        "state": {k: tensor(v) for k, v in module.state_dict().items()},
        "input": tensor(x),
        "gradOutput": tensor(grad_out),
        "output": tensor(y),
        "inputGrad": tensor(x.grad),
        "paramGrads": {k: tensor(p.grad) for k, p in module.named_parameters()},
    })


case("Conv2d 3x3 padding 1", nn.Conv2d(3, 4, 3, padding=1), (2, 3, 6, 6))
case("Conv2d stride 2", nn.Conv2d(3, 4, 3, stride=2, padding=1), (2, 3, 7, 7))
case("Conv2d padding same", nn.Conv2d(2, 3, 3, padding="same"), (2, 2, 5, 6))
case("Conv2d padding same, even kernel", nn.Conv2d(2, 3, (4, 2), padding="same"), (1, 2, 6, 5))
case("Conv2d padding valid", nn.Conv2d(2, 3, 2, padding="valid"), (1, 2, 4, 5))
case("Conv2d dilation 2", nn.Conv2d(2, 3, 3, dilation=2, padding=2), (2, 2, 7, 7))
case("Conv2d groups 2", nn.Conv2d(4, 6, 3, groups=2, padding=1), (2, 4, 5, 5))
case("Conv2d depthwise", nn.Conv2d(3, 6, 3, groups=3, padding=1), (2, 3, 6, 6))
case("Conv2d rectangular, stride (2, 1), no bias", nn.Conv2d(2, 3, (2, 3), stride=(2, 1), padding=(1, 0), bias=False),
     (1, 2, 7, 6))
case("Conv2d unbatched", nn.Conv2d(2, 3, 3), (2, 5, 5))
case("Conv2d 16 -> 16 3x3 padding 1 (Winograd)", nn.Conv2d(16, 16, 3, padding=1), (2, 16, 5, 6))
case("Conv2d 16 -> 16 3x3 valid, odd output (Winograd)", nn.Conv2d(16, 16, 3), (1, 16, 7, 6))
case("Conv2d float64", nn.Conv2d(2, 3, 3, stride=2, padding=1), (2, 2, 6, 6), dtype=torch.float64)
case("ConvTranspose2d stride 2 outputPadding 1", nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1),
     (2, 4, 4, 4))
case("ConvTranspose2d groups 2 dilation 2", nn.ConvTranspose2d(4, 4, 2, groups=2, dilation=2), (1, 4, 3, 3))
case("ConvTranspose2d 4x4 stride 2 padding 1", nn.ConvTranspose2d(3, 2, 4, stride=2, padding=1, bias=False), (2, 3, 3, 3))
case("Conv1d padding 1", nn.Conv1d(3, 5, 3, padding=1), (2, 3, 8))
case("Conv1d stride 2 groups 2", nn.Conv1d(4, 4, 5, stride=2, groups=2), (2, 4, 11))
case("Conv1d same, even kernel, dilation 2", nn.Conv1d(2, 3, 4, padding="same", dilation=2), (2, 2, 9))
case("MaxPool2d 2", nn.MaxPool2d(2), (2, 3, 6, 6))
case("MaxPool2d 3 stride 2 padding 1 ceil", nn.MaxPool2d(3, 2, 1, ceil_mode=True), (2, 2, 6, 6))
case("MaxPool2d 2 stride 1 dilation 2", nn.MaxPool2d(2, stride=1, dilation=2), (1, 2, 5, 5))
case("MaxPool1d 3 stride 2 padding 1 ceil", nn.MaxPool1d(3, 2, 1, ceil_mode=True), (2, 3, 10))
case("AvgPool2d 2", nn.AvgPool2d(2), (2, 3, 6, 6))
case("AvgPool2d 3 stride 2 padding 1 ceil", nn.AvgPool2d(3, 2, 1, ceil_mode=True), (2, 2, 6, 6))
case("AvgPool2d 3 stride 2 padding 1 exclude padding", nn.AvgPool2d(3, 2, 1, count_include_pad=False), (2, 2, 7, 7))
case("AvgPool1d 4", nn.AvgPool1d(4), (2, 3, 9))
case("AdaptiveAvgPool2d (3, 2) uneven", nn.AdaptiveAvgPool2d((3, 2)), (2, 2, 7, 5))
case("AdaptiveAvgPool2d 1", nn.AdaptiveAvgPool2d(1), (2, 3, 5, 5))
case("small CNN", nn.Sequential(
    nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 3)), (2, 1, 10, 10))

json.dump({"generator": "tools/golden_conv.py", "torch": torch.__version__, "cases": cases}, sys.stdout, indent=1)
sys.stdout.write("\n")
