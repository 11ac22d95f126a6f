#!/usr/bin/env python3
"""Writes the safetensors file that kona-core's SafetensorsTest.readsAFileWrittenByPython reads.
Run: python3 tools/golden_safetensors.py  (needs torch and safetensors; rewrites the file below).
Values are simple formulas so that the test can state them: see the test for each tensor."""
import torch
from safetensors.torch import save_file

out = "kona-core/src/test/resources/golden/safetensors_python.safetensors"
tensors = {
    "f32": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4 - 0.5,   # [[-0.5, -0.25, 0], [0.25, 0.5, 0.75]]
    "f64": torch.tensor([1.0 / 3, -2.5e-300, 1e300], dtype=torch.float64),
    "i32": torch.tensor([[-2147483648, 0], [7, 2147483647]], dtype=torch.int32),
    "i64": torch.tensor([-(2**62), 42], dtype=torch.int64),
    "bool": torch.tensor([True, False, True]),
    "f16": torch.tensor([0.5, -1.0, 65504.0, 6.1035156e-05], dtype=torch.float16),
    "bf16": torch.tensor([1.0, -0.0078125, 3.0e38], dtype=torch.bfloat16),
    "u8": torch.tensor([0, 128, 255], dtype=torch.uint8),
    "scalar": torch.tensor(3.5, dtype=torch.float32),
    "empty": torch.zeros(0, 4, dtype=torch.float32),
}
save_file(tensors, out, metadata={"producer": "tools/golden_safetensors.py", "format": "pt"})
print("wrote", out)
