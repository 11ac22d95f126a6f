#!/usr/bin/env python3
# Regenerate with:  python3 tools/golden_optim.py > kona-core/src/test/resources/golden/optim.json
#
# Golden values from PyTorch for dev.kona.optim.OptimizerGoldenTest and SchedulerGoldenTest.
#
# Optimizers: a small MLP (8-16-4, ReLU, cross-entropy on a fixed batch of 16) starts from the
# stored weights; for each optimizer and notable option set (some with parameter groups, gradient
# clipping or a scheduler in the loop) we record the loss before the first update and after each
# of 20 updates, in float32 and in float64 (float64 with torch's default dtype set to float64, so
# that PyTorch's scalar state such as NAdam's mu_product is float64 too). Optimizers run PyTorch's
# single-tensor code path (foreach=False).
#
# Schedulers: an SGD optimizer with two parameter groups (lr 0.1 and 0.02, momentum 0.9); for each
# scheduler we record the learning rates (and the momentum or beta1 where OneCycleLR cycles it)
# after construction and after each of 30 steps.
#
# Option names are Kona's (camelCase); the mapping to torch's keyword arguments is below. The file
# is frozen in the repository; the Java tests never run Python.
import json
import math
import sys

import torch
import torch.nn.functional as F
from torch.optim import lr_scheduler as S

torch.manual_seed(0)

STEPS = 20
SCHED_STEPS = 30

TORCH_NAMES = {
    "weightDecay": "weight_decay", "lrDecay": "lr_decay", "initialAccumulatorValue": "initial_accumulator_value",
    "momentumDecay": "momentum_decay", "decoupledWeightDecay": "decoupled_weight_decay",
}
OPTIMIZERS = {
    "SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW, "RMSprop": torch.optim.RMSprop,
    "Adagrad": torch.optim.Adagrad, "Adamax": torch.optim.Adamax, "NAdam": torch.optim.NAdam,
}


def torch_kwargs(options):
    kw = {}
    for k, v in options.items():
        if k in ("beta1", "beta2"):
            continue
        kw[TORCH_NAMES.get(k, k)] = v
    if "beta1" in options or "beta2" in options:
        kw["betas"] = (options.get("beta1", 0.9), options.get("beta2", 0.999))
    return kw


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def tensor(t):
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "data": flat(t)}


# ---------------------------------------------------------------- the MLP and its data
x = torch.randn(16, 8)
y = torch.randint(0, 4, (16,))
l1 = torch.nn.Linear(8, 16)
l2 = torch.nn.Linear(16, 4)
init = [l1.weight.detach().clone(), l1.bias.detach().clone(), l2.weight.detach().clone(), l2.bias.detach().clone()]


def loss_of(params, xd):
    w1, b1, w2, b2 = params
    return F.cross_entropy(torch.relu(xd @ w1.t() + b1) @ w2.t() + b2, y)


def train(cfg, dtype):
    torch.set_default_dtype(dtype)
    try:
        params = [p.to(dtype).clone().requires_grad_(True) for p in init]
        xd = x.to(dtype)
        options = {"foreach": False, **torch_kwargs(cfg["options"])}
        if cfg.get("groups"):
            groups = [{"params": [params[i] for i in g["params"]], **torch_kwargs(g.get("options", {}))}
                      for g in cfg["groups"]]
            opt = OPTIMIZERS[cfg["optimizer"]](groups, **options)
        else:
            opt = OPTIMIZERS[cfg["optimizer"]](params, **options)
        sched = None
        if cfg.get("scheduler"):
            sc = cfg["scheduler"]
            sched = S.OneCycleLR(opt, max_lr=sc["maxLr"], total_steps=sc["totalSteps"])
        losses, norms = [], []
        for step in range(STEPS + 1):
            opt.zero_grad()
            loss = loss_of(params, xd)
            losses.append(loss.item())
            if step == STEPS:
                break
            loss.backward()
            clip = cfg.get("clip")
            if clip and clip["kind"] == "norm":
                norms.append(torch.nn.utils.clip_grad_norm_(params, clip["maxNorm"], clip["normType"]).item())
            elif clip and clip["kind"] == "value":
                torch.nn.utils.clip_grad_value_(params, clip["clip"])
            opt.step()
            if sched:
                sched.step()
        return losses, norms
    finally:
        torch.set_default_dtype(torch.float32)


CONFIGS = [
    {"name": "SGD", "optimizer": "SGD", "options": {"lr": 0.1}},
    {"name": "SGD momentum nesterov weightDecay", "optimizer": "SGD",
     "options": {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weightDecay": 1e-3}},
    {"name": "SGD momentum dampening weightDecay", "optimizer": "SGD",
     "options": {"lr": 0.05, "momentum": 0.8, "dampening": 0.1, "weightDecay": 1e-2}},
    {"name": "SGD maximize", "optimizer": "SGD", "options": {"lr": 0.01, "momentum": 0.5, "maximize": True}},
    {"name": "Adam", "optimizer": "Adam", "options": {"lr": 1e-2}},
    {"name": "Adam amsgrad weightDecay", "optimizer": "Adam", "options": {"lr": 1e-2, "amsgrad": True, "weightDecay": 1e-2}},
    {"name": "Adam betas eps maximize", "optimizer": "Adam",
     "options": {"lr": 5e-3, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "maximize": True}},
    {"name": "AdamW", "optimizer": "AdamW", "options": {"lr": 1e-2, "weightDecay": 0.1}},
    {"name": "AdamW amsgrad", "optimizer": "AdamW", "options": {"lr": 1e-2, "amsgrad": True}},
    {"name": "RMSprop", "optimizer": "RMSprop", "options": {"lr": 1e-2}},
    {"name": "RMSprop centered momentum weightDecay", "optimizer": "RMSprop",
     "options": {"lr": 1e-3, "alpha": 0.9, "momentum": 0.9, "centered": True, "weightDecay": 1e-3}},
    {"name": "Adagrad", "optimizer": "Adagrad", "options": {"lr": 0.1}},
    {"name": "Adagrad lrDecay initialAccumulatorValue weightDecay", "optimizer": "Adagrad",
     "options": {"lr": 0.1, "lrDecay": 0.01, "initialAccumulatorValue": 0.1, "weightDecay": 1e-3, "eps": 1e-8}},
    {"name": "Adamax", "optimizer": "Adamax", "options": {"lr": 2e-2}},
    {"name": "Adamax weightDecay maximize", "optimizer": "Adamax",
     "options": {"lr": 1e-2, "weightDecay": 1e-2, "maximize": True, "beta1": 0.85, "beta2": 0.99}},
    {"name": "NAdam", "optimizer": "NAdam", "options": {"lr": 2e-2}},
    {"name": "NAdam decoupledWeightDecay momentumDecay", "optimizer": "NAdam",
     "options": {"lr": 2e-2, "weightDecay": 1e-2, "decoupledWeightDecay": True, "momentumDecay": 8e-3}},
    {"name": "NAdam weightDecay", "optimizer": "NAdam", "options": {"lr": 1e-2, "weightDecay": 1e-2}},
    {"name": "Adam two param groups", "optimizer": "Adam", "options": {"lr": 1e-2},
     "groups": [{"params": [0, 1]}, {"params": [2, 3], "options": {"lr": 3e-3, "amsgrad": True}}]},
    {"name": "SGD two param groups", "optimizer": "SGD", "options": {"lr": 0.1, "momentum": 0.9},
     "groups": [{"params": [2, 3], "options": {"lr": 0.05, "nesterov": True}}, {"params": [0, 1]}]},
    {"name": "SGD clipGradNorm 2-norm", "optimizer": "SGD", "options": {"lr": 0.2, "momentum": 0.9},
     "clip": {"kind": "norm", "maxNorm": 0.5, "normType": 2.0}},
    {"name": "Adam clipGradNorm inf-norm", "optimizer": "Adam", "options": {"lr": 1e-2},
     "clip": {"kind": "norm", "maxNorm": 0.05, "normType": "inf"}},
    {"name": "SGD clipGradNorm 1-norm", "optimizer": "SGD", "options": {"lr": 0.1},
     "clip": {"kind": "norm", "maxNorm": 1.0, "normType": 1.0}},
    {"name": "SGD clipGradValue", "optimizer": "SGD", "options": {"lr": 0.1}, "clip": {"kind": "value", "clip": 0.02}},
    {"name": "SGD OneCycleLR cycling momentum", "optimizer": "SGD", "options": {"lr": 0.1, "momentum": 0.9},
     "scheduler": {"maxLr": 0.3, "totalSteps": 20}},
]

optimizers = []
for cfg in CONFIGS:
    clip = cfg.get("clip")
    if clip and clip.get("normType") == "inf":
        run_cfg = {**cfg, "clip": {**clip, "normType": math.inf}}
    else:
        run_cfg = cfg
    entry = dict(cfg)
    entry["losses"], entry["norms"] = {}, {}
    for dt in (torch.float32, torch.float64):
        name = str(dt).replace("torch.", "")
        entry["losses"][name], entry["norms"][name] = train(run_cfg, dt)
    optimizers.append(entry)


# ---------------------------------------------------------------- schedulers
def sgd_two_groups(cls=torch.optim.SGD, **kw):
    p0 = torch.zeros(2, requires_grad=True)
    p1 = torch.zeros(3, requires_grad=True)
    if cls is torch.optim.SGD:
        kw = {"momentum": 0.9, **kw}
    return cls([{"params": [p0], "lr": 0.1}, {"params": [p1], "lr": 0.02}], **kw)


METRICS = [1.0, 0.9, 0.85, 0.86, 0.86, 0.84, 0.849, 0.85, 0.7, 0.71, 0.72, 0.73, 0.69, 0.69, 0.69,
           0.5, 0.5, 0.5, 0.5, 0.5, 0.4999, 0.4999, 0.6, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]


def record(name, kind, args, make, optimizer="SGD", metrics=None, momentum=None):
    opt = sgd_two_groups(torch.optim.Adam) if optimizer == "Adam" else sgd_two_groups()
    scheds = make(opt)
    if not isinstance(scheds, list):
        scheds = [scheds]
    lrs = [[g["lr"] for g in opt.param_groups]]
    moms = []

    def mom():
        if momentum == "beta1":
            moms.append([g["betas"][0] for g in opt.param_groups])
        elif momentum == "momentum":
            moms.append([g["momentum"] for g in opt.param_groups])
    mom()
    for i in range(SCHED_STEPS):
        opt.step()
        for s in scheds:
            if metrics is not None:
                s.step(metrics[i])
            else:
                s.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        mom()
    entry = {"name": name, "scheduler": kind, "optimizer": optimizer, "args": args, "lrs": lrs}
    if momentum:
        entry["momentum"] = moms
    if metrics is not None:
        entry["metrics"] = metrics
    schedulers.append(entry)


schedulers = []
record("StepLR 7 0.5", "StepLR", {"stepSize": 7, "gamma": 0.5}, lambda o: S.StepLR(o, 7, 0.5))
record("StepLR 3", "StepLR", {"stepSize": 3}, lambda o: S.StepLR(o, 3))
record("MultiStepLR repeated milestone", "MultiStepLR", {"milestones": [5, 12, 12, 20], "gamma": 0.3},
       lambda o: S.MultiStepLR(o, [5, 12, 12, 20], 0.3))
record("ExponentialLR 0.9", "ExponentialLR", {"gamma": 0.9}, lambda o: S.ExponentialLR(o, 0.9))
record("CosineAnnealingLR 10 past tMax", "CosineAnnealingLR", {"tMax": 10, "etaMin": 1e-3},
       lambda o: S.CosineAnnealingLR(o, 10, 1e-3))
record("CosineAnnealingLR 7", "CosineAnnealingLR", {"tMax": 7, "etaMin": 0.0}, lambda o: S.CosineAnnealingLR(o, 7))
record("LinearLR warm-up", "LinearLR", {"startFactor": 0.25, "endFactor": 1.0, "totalIters": 8},
       lambda o: S.LinearLR(o, 0.25, 1.0, 8))
record("LinearLR decay", "LinearLR", {"startFactor": 1.0, "endFactor": 0.1, "totalIters": 10},
       lambda o: S.LinearLR(o, 1.0, 0.1, 10))
record("LinearLR defaults", "LinearLR", {}, lambda o: S.LinearLR(o))
record("LambdaLR power", "LambdaLR", {"lambdas": ["pow0.95"]}, lambda o: S.LambdaLR(o, lambda e: 0.95 ** e))
record("LambdaLR per group", "LambdaLR", {"lambdas": ["pow0.9", "inverse"]},
       lambda o: S.LambdaLR(o, [lambda e: 0.9 ** e, lambda e: 1.0 / (1.0 + 0.5 * e)]))
record("OneCycleLR cos", "OneCycleLR", {"maxLr": [0.1, 0.1], "totalSteps": 30},
       lambda o: S.OneCycleLR(o, 0.1, total_steps=30), momentum="momentum")
record("OneCycleLR three-phase linear", "OneCycleLR",
       {"maxLr": [0.2, 0.05], "totalSteps": 30, "pctStart": 0.4, "anneal": "linear", "divFactor": 10.0,
        "finalDivFactor": 100.0, "threePhase": True},
       lambda o: S.OneCycleLR(o, [0.2, 0.05], total_steps=30, pct_start=0.4, anneal_strategy="linear",
                              div_factor=10.0, final_div_factor=100.0, three_phase=True), momentum="momentum")
record("OneCycleLR Adam beta1", "OneCycleLR",
       {"maxLr": [0.01, 0.01], "totalSteps": 30, "baseMomentum": 0.8, "maxMomentum": 0.9},
       lambda o: S.OneCycleLR(o, 0.01, total_steps=30, base_momentum=0.8, max_momentum=0.9),
       optimizer="Adam", momentum="beta1")
record("OneCycleLR no momentum cycling", "OneCycleLR", {"maxLr": [0.5, 0.5], "totalSteps": 30, "cycleMomentum": False,
                                                         "pctStart": 0.25},
       lambda o: S.OneCycleLR(o, 0.5, total_steps=30, cycle_momentum=False, pct_start=0.25), momentum="momentum")
record("ReduceLROnPlateau min rel", "ReduceLROnPlateau",
       {"mode": "min", "factor": 0.5, "patience": 2, "cooldown": 1, "minLr": [0.01, 0.01]},
       lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2, cooldown=1, min_lr=0.01), metrics=METRICS)
record("ReduceLROnPlateau max abs", "ReduceLROnPlateau",
       {"mode": "max", "factor": 0.3, "patience": 1, "threshold": 0.05, "thresholdMode": "abs", "eps": 1e-3,
        "minLr": [0.05, 0.0]},
       lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1, threshold=0.05, threshold_mode="abs",
                                     eps=1e-3, min_lr=[0.05, 0.0]),
       metrics=[-m for m in METRICS])
record("LinearLR then ExponentialLR chained", "LinearLR+ExponentialLR",
       {"startFactor": 0.5, "endFactor": 1.0, "totalIters": 4, "gamma": 0.9},
       lambda o: [S.LinearLR(o, 0.5, 1.0, 4), S.ExponentialLR(o, 0.9)])

json.dump({"generator": "tools/golden_optim.py", "torch": torch.__version__, "steps": STEPS,
           "x": tensor(x), "y": tensor(y), "init": [tensor(t) for t in init],
           "optimizers": optimizers, "schedulers": schedulers}, sys.stdout, indent=1)
sys.stdout.write("\n")
