#!/usr/bin/env python3
# Regenerate with:  python3 tools/golden_losses.py > kona-core/src/test/resources/golden/losses.json
#
# Golden values from PyTorch for dev.kona.nn.LossGoldenTest: for every loss and option combination,
# the inputs, targets and options, the loss PyTorch computes, and the gradient of sum(v * loss)
# with respect to each differentiable input (v, a fixed random upstream gradient, is stored too).
# Most cases run in float64 so that the Java side can compare tightly; a few run in float32 with
# extreme logits to check stability. Non-finite numbers are written as the strings "nan", "inf",
# "-inf" so that the file stays standard JSON. The Java tests never run Python.
import json
import sys

import torch
import torch.nn.functional as F

from golden_json import tensor

torch.manual_seed(0)
f32, f64 = torch.float32, torch.float64


def none_or(t):
    return None if t is None else tensor(t)


# How each Kona loss name maps to PyTorch, given the tensors and the options.
def run(loss, t, a):
    red = a.get("reduction", "mean")
    if loss == "mse":
        return F.mse_loss(t["input"], t["target"], reduction=red)
    if loss == "l1":
        return F.l1_loss(t["input"], t["target"], reduction=red)
    if loss == "smoothL1":
        return F.smooth_l1_loss(t["input"], t["target"], reduction=red, beta=a["beta"])
    if loss == "huber":
        return F.huber_loss(t["input"], t["target"], reduction=red, delta=a["delta"])
    if loss == "bce":
        return F.binary_cross_entropy(t["input"], t["target"], weight=t.get("weight"), reduction=red)
    if loss == "bceWithLogits":
        return F.binary_cross_entropy_with_logits(t["input"], t["target"], weight=t.get("weight"),
                                                  pos_weight=t.get("posWeight"), reduction=red)
    if loss == "crossEntropy":
        return F.cross_entropy(t["input"], t["target"], weight=t.get("weight"),
                               ignore_index=a.get("ignoreIndex", -100), reduction=red,
                               label_smoothing=a.get("labelSmoothing", 0.0))
    if loss == "nll":
        return F.nll_loss(t["input"], t["target"], weight=t.get("weight"),
                          ignore_index=a.get("ignoreIndex", -100), reduction=red)
    if loss == "klDiv":
        return F.kl_div(t["input"], t["target"], reduction=red, log_target=a.get("logTarget", False))
    if loss == "cosineEmbedding":
        return F.cosine_embedding_loss(t["input"], t["input2"], t["target"], margin=a["margin"], reduction=red)
    if loss == "marginRanking":
        return F.margin_ranking_loss(t["input"], t["input2"], t["target"], margin=a["margin"], reduction=red)
    raise ValueError(loss)


cases = []


def case(name, loss, tensors, grads=("input",), check_grad=True, **args):
    leaves = {}
    for k, v in tensors.items():
        if v is None:
            continue
        leaves[k] = v.detach().clone().requires_grad_(k in grads and check_grad)
    out = run(loss, leaves, args)
    v = torch.randn(out.shape, dtype=out.dtype)
    entry = {"name": name, "loss": loss, "args": args,
             "tensors": {k: tensor(x) for k, x in leaves.items()},
             "output": tensor(out)}
    if check_grad:
        (out * v).sum().backward()
        entry["v"] = tensor(v)
        entry["grads"] = {k: tensor(leaves[k].grad) for k in grads}
    cases.append(entry)


# ---------------------------------------------------------------- regression
x = torch.randn(4, 5, dtype=f64) * 2
y = torch.randn(4, 5, dtype=f64)
x[0, 0] = y[0, 0] + 0.25  # inside every smooth region
x[1, 1] = y[1, 1] - 3.0   # outside every smooth region
for red in ("mean", "sum", "none"):
    case("mse " + red, "mse", {"input": x, "target": y}, reduction=red)
    case("l1 " + red, "l1", {"input": x, "target": y}, reduction=red)
case("smoothL1 beta 1 mean", "smoothL1", {"input": x, "target": y}, beta=1.0, reduction="mean")
case("smoothL1 beta 0.5 none", "smoothL1", {"input": x, "target": y}, beta=0.5, reduction="none")
case("smoothL1 beta 0 sum (L1)", "smoothL1", {"input": x, "target": y}, beta=0.0, reduction="sum")
case("smoothL1 beta 3 mean", "smoothL1", {"input": x, "target": y}, beta=3.0, reduction="mean")
case("huber delta 1 mean", "huber", {"input": x, "target": y}, delta=1.0, reduction="mean")
case("huber delta 2.5 none", "huber", {"input": x, "target": y}, delta=2.5, reduction="none")
case("huber delta 0.3 sum", "huber", {"input": x, "target": y}, delta=0.3, reduction="sum")

# ---------------------------------------------------------------- binary classification
p = torch.randn(4, 5, dtype=f64).sigmoid()
soft = torch.rand(4, 5, dtype=f64)
hard = (torch.rand(4, 5, dtype=f64) > 0.5).to(f64)
w5 = torch.rand(5, dtype=f64) + 0.5
case("bce mean soft targets", "bce", {"input": p, "target": soft}, reduction="mean")
case("bce weight sum", "bce", {"input": p, "target": hard, "weight": w5}, reduction="sum")
case("bce none", "bce", {"input": p, "target": hard}, reduction="none")
edge = torch.tensor([[0.0, 1.0, 0.0, 1.0, 0.5]], dtype=f64)
edge_t = torch.tensor([[1.0, 0.0, 0.0, 1.0, 1.0]], dtype=f64)
# Probabilities of exactly 0 and 1: the clamp at -100 keeps the loss finite. PyTorch's hand-written
# backward differs from the composed one there (it divides by max(x (1 - x), 1e-12)), so forward only.
case("bce clamped at -100", "bce", {"input": edge, "target": edge_t}, check_grad=False, reduction="none")

z = torch.randn(4, 5, dtype=f64) * 3
pw = torch.tensor([0.5, 1.0, 2.0, 3.0, 0.25], dtype=f64)
case("bceWithLogits mean", "bceWithLogits", {"input": z, "target": soft}, reduction="mean")
case("bceWithLogits posWeight none", "bceWithLogits", {"input": z, "target": hard, "posWeight": pw}, reduction="none")
case("bceWithLogits weight posWeight sum", "bceWithLogits",
     {"input": z, "target": soft, "weight": torch.rand(4, 1, dtype=f64) + 0.5, "posWeight": pw}, reduction="sum")
big = torch.tensor([[1000.0, -1000.0, 30.0, -30.0, 0.0], [-1000.0, 1000.0, 15.0, -15.0, 1e-3]], dtype=f32)
big_t = torch.tensor([[0.0, 1.0, 1.0, 0.0, 1.0], [0.0, 1.0, 0.5, 0.5, 0.0]], dtype=f32)
case("bceWithLogits float32 logits 1e3", "bceWithLogits", {"input": big, "target": big_t}, reduction="mean")

# ---------------------------------------------------------------- multi-class classification
logits = torch.randn(6, 5, dtype=f64) * 2
labels = torch.tensor([0, 4, 2, 2, 1, 3])
cw = torch.tensor([1.0, 2.0, 0.5, 1.5, 3.0], dtype=f64)
with_ignored = torch.tensor([0, 4, 2, -100, 1, 2])
for red in ("mean", "sum", "none"):
    case("crossEntropy " + red, "crossEntropy", {"input": logits, "target": labels}, reduction=red)
case("crossEntropy weight mean", "crossEntropy", {"input": logits, "target": labels, "weight": cw}, reduction="mean")
case("crossEntropy weight none", "crossEntropy", {"input": logits, "target": labels, "weight": cw}, reduction="none")
case("crossEntropy default ignoreIndex", "crossEntropy", {"input": logits, "target": with_ignored}, reduction="mean")
case("crossEntropy ignoreIndex 2", "crossEntropy", {"input": logits, "target": labels}, ignoreIndex=2, reduction="mean")
case("crossEntropy ignoreIndex 2 none", "crossEntropy", {"input": logits, "target": labels}, ignoreIndex=2, reduction="none")
case("crossEntropy labelSmoothing 0.1", "crossEntropy", {"input": logits, "target": labels},
     labelSmoothing=0.1, reduction="mean")
case("crossEntropy labelSmoothing none", "crossEntropy", {"input": logits, "target": labels},
     labelSmoothing=0.2, reduction="none")
case("crossEntropy weight ignore smoothing mean", "crossEntropy",
     {"input": logits, "target": with_ignored, "weight": cw}, labelSmoothing=0.15, reduction="mean")
case("crossEntropy weight smoothing sum", "crossEntropy",
     {"input": logits, "target": labels, "weight": cw}, labelSmoothing=0.3, reduction="sum")
case("crossEntropy ignore smoothing sum", "crossEntropy",
     {"input": logits, "target": labels}, ignoreIndex=4, labelSmoothing=0.3, reduction="sum")
kd = torch.randn(3, 4, 2, 2, dtype=f64)
kd_t = torch.randint(0, 4, (3, 2, 2))
case("crossEntropy K-dim weight mean", "crossEntropy",
     {"input": kd, "target": kd_t, "weight": torch.tensor([1.0, 0.5, 2.0, 1.0], dtype=f64)}, reduction="mean")
case("crossEntropy K-dim smoothing none", "crossEntropy", {"input": kd, "target": kd_t},
     labelSmoothing=0.1, reduction="none")
probs = torch.randn(6, 5, dtype=f64).softmax(1)
case("crossEntropy probabilities mean", "crossEntropy", {"input": logits, "target": probs}, reduction="mean")
case("crossEntropy probabilities none", "crossEntropy", {"input": logits, "target": probs}, reduction="none")
case("crossEntropy probabilities weight smoothing mean", "crossEntropy",
     {"input": logits, "target": probs, "weight": cw}, labelSmoothing=0.2, reduction="mean")
case("crossEntropy probabilities sum", "crossEntropy", {"input": logits, "target": probs}, reduction="sum")
case("crossEntropy unbatched", "crossEntropy", {"input": logits[0], "target": torch.tensor(3)}, reduction="mean")
case("crossEntropy unbatched smoothing", "crossEntropy", {"input": logits[1], "target": torch.tensor(0)},
     labelSmoothing=0.25, reduction="sum")
huge = torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 500.0], [1e3, 1e3, -1e3]], dtype=f32)
case("crossEntropy float32 logits 1e3", "crossEntropy", {"input": huge, "target": torch.tensor([1, 2, 0])},
     reduction="mean")
case("crossEntropy float32 logits 1e3 smoothing", "crossEntropy", {"input": huge, "target": torch.tensor([1, 0, 2])},
     labelSmoothing=0.1, reduction="none")

logp = logits.log_softmax(1)
case("nll mean", "nll", {"input": logp, "target": labels}, reduction="mean")
case("nll weight mean", "nll", {"input": logp, "target": labels, "weight": cw}, reduction="mean")
case("nll weight ignore mean", "nll", {"input": logp, "target": labels, "weight": cw}, ignoreIndex=2, reduction="mean")
case("nll ignore none", "nll", {"input": logp, "target": with_ignored}, reduction="none")
case("nll weight sum", "nll", {"input": logp, "target": labels, "weight": cw}, reduction="sum")

# ---------------------------------------------------------------- distributions and embeddings
q = torch.randn(4, 5, dtype=f64).log_softmax(1)
tp = torch.randn(4, 5, dtype=f64).softmax(1)
for red in ("batchmean", "mean", "sum", "none"):
    case("klDiv " + red, "klDiv", {"input": q, "target": tp}, reduction=red)
case("klDiv logTarget batchmean", "klDiv", {"input": q, "target": tp.log()}, logTarget=True, reduction="batchmean")
case("klDiv logTarget none", "klDiv", {"input": q, "target": tp.log()}, logTarget=True, reduction="none")
tz = tp.clone()
tz[0, 1] = 0.0
tz[2, 3] = 0.0
case("klDiv zero targets batchmean", "klDiv", {"input": q, "target": tz}, reduction="batchmean")

a = torch.randn(5, 4, dtype=f64)
b = torch.randn(5, 4, dtype=f64)
b[0] = a[0] * 2  # cosine 1
sgn = torch.tensor([1.0, -1.0, 1.0, -1.0, -1.0], dtype=f64)
case("cosineEmbedding margin 0 mean", "cosineEmbedding", {"input": a, "input2": b, "target": sgn},
     grads=("input", "input2"), margin=0.0, reduction="mean")
case("cosineEmbedding margin 0.3 none", "cosineEmbedding", {"input": a, "input2": b, "target": sgn},
     grads=("input", "input2"), margin=0.3, reduction="none")
case("cosineEmbedding margin -0.2 sum", "cosineEmbedding", {"input": a, "input2": b, "target": sgn},
     grads=("input", "input2"), margin=-0.2, reduction="sum")
case("cosineEmbedding unbatched", "cosineEmbedding", {"input": a[1], "input2": b[1], "target": torch.tensor(1.0, dtype=f64)},
     grads=("input", "input2"), margin=-0.5, reduction="mean")

s1 = torch.randn(6, dtype=f64)
s2 = torch.randn(6, dtype=f64)
rk = torch.tensor([1.0, -1.0, 1.0, 1.0, -1.0, -1.0], dtype=f64)
case("marginRanking margin 0 mean", "marginRanking", {"input": s1, "input2": s2, "target": rk},
     grads=("input", "input2"), margin=0.0, reduction="mean")
case("marginRanking margin 0.3 none", "marginRanking", {"input": s1, "input2": s2, "target": rk},
     grads=("input", "input2"), margin=0.3, reduction="none")
case("marginRanking margin 0.5 sum", "marginRanking", {"input": s1, "input2": s2, "target": rk},
     grads=("input", "input2"), margin=0.5, reduction="sum")

json.dump({"generator": "tools/golden_losses.py", "torch": torch.__version__, "cases": cases}, sys.stdout, indent=1)
sys.stdout.write("\n")
