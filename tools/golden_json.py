"""JSON encoding of tensors for the golden-value scripts (NaN and infinities as strings)."""
import math


def enc(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def tensor(t):
    t = t.detach()
    return {
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "data": [enc(v) for v in t.reshape(-1).tolist()],
    }
