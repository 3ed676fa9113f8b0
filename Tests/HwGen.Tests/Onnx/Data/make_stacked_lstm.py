"""Writes stacked-lstm.onnx: PyTorch's own export of a two-layer nn.LSTM (random weights, seed 0)
with a Linear head on the last step. Run by hand (Debian: python3-torch python3-onnx); the tests
read the checked-in file and never need Python.

    /usr/bin/python3 Tests/HwGen.Tests/Onnx/Data/make_stacked_lstm.py
"""
import os

import torch
import torch.nn as nn


class Stacked(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(6, 8, num_layers=2, batch_first=True)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.head(y[:, -1])


torch.manual_seed(0)
model = Stacked().eval()
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stacked-lstm.onnx")
torch.onnx.export(model, torch.randn(1, 5, 6), out, input_names=["input"], output_names=["logits"],
                  dynamic_axes={"input": {0: "batch"}}, opset_version=14)
