#!/usr/bin/env python3
# Regenerate with:  python3 tools/golden_attn.py > kona-core/src/test/resources/golden/attn.json
#
# Golden values from PyTorch for dev.kona.nn.GoldenAttnTest: normalisation layers, Embedding,
# scaled dot-product attention, MultiheadAttention and the Transformer layers. Each case builds a
# torch module (or calls a function), gives it parameters drawn from a fixed seed, runs forward on
# fixed inputs and backward from a fixed output gradient, and freezes the module description, the
# state dict, the inputs and call options, the output gradient, the outputs, and the gradients of
# the floating-point inputs and of every parameter. BatchNorm cases in training run earlier steps
# first and freeze the running statistics after all steps ("stateAfter"). Everything is float32;
# the Java test rebuilds the module, loads the state dict and compares. No Python at test time.
import json
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)


def enc(v, f32):
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    # The shortest decimal that reads back as the same float32 (keeps the file small, loses nothing).
    return float(str(np.float32(v))) if f32 else v


def tensor(t):
    t = t.detach()
    f32 = t.dtype == torch.float32
    return {
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "data": [enc(v, f32) for v in t.reshape(-1).tolist()],
    }


def randomize(module):
    """Parameters away from their initial values (LayerNorm's ones and zeros make weak tests)."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.dim() >= 2:
                bound = math.sqrt(3.0 / p.shape[1])
                p.uniform_(-bound, bound)
            elif name.endswith("weight"):
                p.copy_(1 + 0.3 * torch.randn_like(p))
            else:
                p.copy_(0.2 * torch.randn_like(p))


def describe(m):
    if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
        return {"type": type(m).__name__, "numFeatures": m.num_features, "eps": m.eps, "momentum": m.momentum,
                "affine": m.affine, "trackRunningStats": m.track_running_stats}
    if isinstance(m, nn.LayerNorm):
        return {"type": "LayerNorm", "normalizedShape": list(m.normalized_shape), "eps": m.eps,
                "elementwiseAffine": m.elementwise_affine, "bias": m.bias is not None}
    if isinstance(m, nn.GroupNorm):
        return {"type": "GroupNorm", "numGroups": m.num_groups, "numChannels": m.num_channels, "eps": m.eps,
                "affine": m.affine}
    if isinstance(m, nn.Embedding):
        return {"type": "Embedding", "num": m.num_embeddings, "dim": m.embedding_dim, "paddingIdx": m.padding_idx}
    if isinstance(m, nn.MultiheadAttention):
        return {"type": "MultiheadAttention", "embedDim": m.embed_dim, "numHeads": m.num_heads, "dropout": m.dropout,
                "bias": m.in_proj_bias is not None, "kdim": m.kdim, "vdim": m.vdim, "batchFirst": m.batch_first}
    if isinstance(m, (nn.TransformerEncoderLayer, nn.TransformerDecoderLayer)):
        act = m.activation
        name = "gelu" if act is F.gelu or isinstance(act, nn.GELU) else "relu"
        return {"type": type(m).__name__, "dModel": m.linear1.in_features, "nhead": m.self_attn.num_heads,
                "dimFeedforward": m.linear1.out_features, "dropout": m.dropout.p, "activation": name,
                "eps": m.norm1.eps, "batchFirst": m.self_attn.batch_first, "normFirst": m.norm_first}
    if isinstance(m, nn.TransformerEncoder):
        return {"type": "TransformerEncoder", "layer": describe(m.layers[0]), "numLayers": len(m.layers),
                "norm": m.norm is not None}
    raise ValueError(f"no description for {m}")


cases = []


def record(name, module, train, inputs, args, call, steps=()):
    """Runs `call(module, inputs)` -> (output, extra outputs) and freezes everything."""
    is_module = isinstance(module, nn.Module)
    if is_module:
        module.train(train)
        module.zero_grad()
    state = {k: tensor(v) for k, v in module.state_dict().items()} if is_module else {}
    for step in steps:
        call(module, step)
    leaves = {}
    for k, v in inputs.items():
        v = v.detach().clone()
        if v.is_floating_point():
            v.requires_grad_(True)
        leaves[k] = v
    out, extra = call(module, leaves)
    grad_out = torch.randn(*out.shape)
    out.backward(grad_out)
    c = {
        "name": name,
        "module": describe(module) if is_module else module,
        "train": train,
        "state": state,
        "steps": [{k: tensor(v) for k, v in s.items()} for s in steps],
        "inputs": {k: tensor(v) for k, v in inputs.items()},
        "args": args,
        "gradOutput": tensor(grad_out),
        "output": tensor(out),
        "inputGrads": {k: tensor(v.grad) for k, v in leaves.items() if v.requires_grad},
        "paramGrads": ({k: tensor(p.grad) for k, p in module.named_parameters()}
                       if is_module else {}),
    }
    if extra is not None:
        c["weights"] = tensor(extra)
    if is_module and any(True for _ in module.buffers()):
        c["stateAfter"] = {k: tensor(v) for k, v in module.state_dict().items()}
    cases.append(c)


def single(m, t):
    return m(t["x"]), None


# ---------------------------------------------------------------- normalisation

for cls, shape, extra in [(nn.BatchNorm1d, (6, 4), {}), (nn.BatchNorm1d, (3, 4, 5), {}),
                          (nn.BatchNorm2d, (2, 3, 4, 5), {}),
                          (nn.BatchNorm2d, (4, 3, 2, 2), {"momentum": None}),
                          (nn.BatchNorm1d, (5, 3), {"affine": False, "momentum": 0.3})]:
    label = f"{cls.__name__} {list(shape)}" + "".join(f" {k}={v}" for k, v in extra.items())
    m = cls(shape[1], **extra)
    randomize(m)
    steps = [{"x": torch.randn(*shape) * 2 + 1}, {"x": torch.randn(*shape) * 0.5 - 1}]
    record(label + " train, 2 steps before", m, True, {"x": torch.randn(*shape) * 1.5 + 0.5}, {}, single, steps)
    # Evaluation with the running statistics the steps left.
    record(label + " eval", m, False, {"x": torch.randn(*shape) * 1.5}, {}, single)

m = nn.BatchNorm1d(4, track_running_stats=False)
randomize(m)
record("BatchNorm1d without running stats, eval", m, False, {"x": torch.randn(5, 4)}, {}, single)

for shape, ns, kw in [((4, 6), [6], {}), ((2, 3, 8), [8], {}), ((2, 3, 4, 5), [4, 5], {}),
                      ((3, 7), [7], {"elementwise_affine": False}), ((3, 7), [7], {"bias": False, "eps": 1e-3})]:
    m = nn.LayerNorm(ns, **kw)
    randomize(m)
    record(f"LayerNorm {list(shape)} over {ns} {kw}", m, True, {"x": torch.randn(*shape) * 2 + 0.3}, {}, single)

for shape, g, kw in [((2, 6, 3, 3), 2, {}), ((3, 4, 5), 4, {}), ((2, 6, 2), 3, {"affine": False})]:
    m = nn.GroupNorm(g, shape[1], **kw)
    randomize(m)
    record(f"GroupNorm {g} groups {list(shape)} {kw}", m, True, {"x": torch.randn(*shape) * 2 - 0.4}, {}, single)

# ---------------------------------------------------------------- embedding

m = nn.Embedding(7, 4, padding_idx=0)
record("Embedding with paddingIdx 0", m, True, {"x": torch.tensor([[1, 0, 3, 3], [6, 2, 0, 5]])}, {}, single)
m = nn.Embedding(5, 3, padding_idx=-1)
with torch.no_grad():
    m.weight[4] = torch.tensor([0.5, -1.0, 2.0])   # a non-zero padding row: its value is used, no gradient
record("Embedding with a non-zero padding row", m, True, {"x": torch.tensor([4, 1, 4, 2])}, {}, single)
m = nn.Embedding(6, 5)
record("Embedding 3-D indices", m, True, {"x": torch.randint(0, 6, (2, 2, 3))}, {}, single)

# ---------------------------------------------------------------- scaled dot-product attention


def sdpa(desc, q, k, v, mask=None, causal=False, scale=None):
    def call(_, t):
        return F.scaled_dot_product_attention(t["q"], t["k"], t["v"], attn_mask=t.get("mask"), is_causal=causal,
                                              scale=scale), None
    inputs = {"q": q, "k": k, "v": v}
    if mask is not None:
        inputs["mask"] = mask
    record(desc, {"type": "sdpa"}, False, inputs, {"isCausal": causal, "scale": scale}, call)


sdpa("sdpa plain", torch.randn(2, 3, 4, 8), torch.randn(2, 3, 5, 8), torch.randn(2, 3, 5, 6))
sdpa("sdpa causal, scale 0.3", torch.randn(2, 5, 4), torch.randn(2, 5, 4), torch.randn(2, 5, 3), causal=True, scale=0.3)
bool_mask = torch.rand(2, 1, 4, 5) > 0.3
bool_mask[1, 0, 2, :] = False     # a fully masked row: zeros, as PyTorch's safe softmax
sdpa("sdpa bool mask with a fully masked row", torch.randn(2, 2, 4, 6), torch.randn(2, 2, 5, 6), torch.randn(2, 2, 5, 6),
     mask=bool_mask)
sdpa("sdpa float mask", torch.randn(3, 4, 6), torch.randn(3, 5, 6), torch.randn(3, 5, 2), mask=torch.randn(4, 5))

# ---------------------------------------------------------------- multi-head attention


def mha_call(m, t):
    out, w = m(t["query"], t.get("key", t["query"]), t.get("value", t.get("key", t["query"])),
               key_padding_mask=t.get("keyPaddingMask"), need_weights=True, attn_mask=t.get("attnMask"),
               average_attn_weights=AVERAGE[0])
    return out, w


AVERAGE = [True]


def causal_bool(n):
    return torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)


m = nn.MultiheadAttention(8, 2, batch_first=True)
randomize(m)
padding = torch.tensor([[False, False, False, False, True], [False, False, True, True, True]])
record("MHA self, batch first, key padding + causal", m, True,
       {"query": torch.randn(2, 5, 8), "keyPaddingMask": padding, "attnMask": causal_bool(5)}, {}, mha_call)

m = nn.MultiheadAttention(6, 3)
randomize(m)
AVERAGE[0] = False
record("MHA cross, sequence first, float mask, per-head weights", m, True,
       {"query": torch.randn(4, 2, 6), "key": torch.randn(5, 2, 6), "value": torch.randn(5, 2, 6),
        "attnMask": torch.randn(4, 5)}, {"averageAttnWeights": False}, mha_call)
AVERAGE[0] = True

m = nn.MultiheadAttention(8, 4, kdim=5, vdim=3, batch_first=True)
randomize(m)
record("MHA kdim 5 vdim 3, key padding", m, True,
       {"query": torch.randn(2, 3, 8), "key": torch.randn(2, 4, 5), "value": torch.randn(2, 4, 3),
        "keyPaddingMask": torch.tensor([[False, True, False, False], [False, False, False, True]])}, {}, mha_call)

m = nn.MultiheadAttention(4, 2, bias=False)
randomize(m)
record("MHA unbatched, no bias, memory key = value", m, True,
       {"query": torch.randn(3, 4), "key": torch.randn(5, 4)}, {}, mha_call)

m = nn.MultiheadAttention(8, 2, batch_first=True)
randomize(m)
record("MHA 3-D bool attnMask per head", m, True,
       {"query": torch.randn(2, 4, 8), "attnMask": torch.rand(4, 4, 4) > 0.7}, {}, mha_call)

# ---------------------------------------------------------------- Transformer layers (eval: no dropout)


def enc_call(m, t):
    if isinstance(m, nn.TransformerEncoder):
        return m(t["src"], mask=t.get("mask"), src_key_padding_mask=t.get("keyPaddingMask")), None
    return m(t["src"], src_mask=t.get("mask"), src_key_padding_mask=t.get("keyPaddingMask")), None


def dec_call(m, t):
    return m(t["tgt"], t["memory"], tgt_mask=t.get("tgtMask"), memory_mask=t.get("memoryMask"),
             tgt_key_padding_mask=t.get("tgtKeyPaddingMask"),
             memory_key_padding_mask=t.get("memoryKeyPaddingMask")), None


for norm_first in (False, True):
    for act, batch_first in (("relu", True), ("gelu", False)):
        label = f"{'pre' if norm_first else 'post'}-norm, {act}, {'batch first' if batch_first else 'sequence first'}"
        m = nn.TransformerEncoderLayer(8, 2, dim_feedforward=12, dropout=0.1, activation=act,
                                       batch_first=batch_first, norm_first=norm_first)
        randomize(m)
        src = torch.randn(2, 6, 8) if batch_first else torch.randn(6, 2, 8)
        kpm = torch.tensor([[False] * 6, [False] * 4 + [True] * 2])
        record(f"TransformerEncoderLayer {label}, key padding", m, False,
               {"src": src, "keyPaddingMask": kpm}, {}, enc_call)
        m = nn.TransformerDecoderLayer(8, 2, dim_feedforward=12, dropout=0.1, activation=act,
                                       batch_first=batch_first, norm_first=norm_first)
        randomize(m)
        tgt = torch.randn(2, 5, 8) if batch_first else torch.randn(5, 2, 8)
        memory = torch.randn(2, 6, 8) if batch_first else torch.randn(6, 2, 8)
        record(f"TransformerDecoderLayer {label}, causal + memory padding", m, False,
               {"tgt": tgt, "memory": memory, "tgtMask": nn.Transformer.generate_square_subsequent_mask(5),
                "memoryKeyPaddingMask": kpm}, {}, dec_call)

m = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=12, batch_first=True), 2,
                          norm=nn.LayerNorm(8), enable_nested_tensor=False)
randomize(m)
record("TransformerEncoder 2 layers + norm, causal bool mask", m, False,
       {"src": torch.randn(2, 4, 8), "mask": causal_bool(4)}, {}, enc_call)

json.dump({"generator": "tools/golden_attn.py", "torch": torch.__version__, "cases": cases}, sys.stdout, indent=None)
sys.stdout.write("\n")
