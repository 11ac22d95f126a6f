#!/usr/bin/env python3
"""PyTorch reference for kona-cli ExamplesTest.linregMatchesPyTorchForTheSameInitialWeights.
Run: python3 tools/golden_linreg.py  (prints prediction, weight, bias)."""
import torch
model = torch.nn.Linear(1, 1)
with torch.no_grad():
    model.weight.fill_(0.5); model.bias.fill_(-0.3)
crit = torch.nn.MSELoss(); opt = torch.optim.SGD(model.parameters(), lr=0.01)
x = torch.tensor([[1.0], [2.0], [3.0]]); y = torch.tensor([[2.0], [4.0], [6.0]])
for epoch in range(500):
    opt.zero_grad(); loss = crit(model(x), y); loss.backward(); opt.step()
print(repr(model(torch.tensor([[4.0]])).item()), repr(model.weight.item()), repr(model.bias.item()))
