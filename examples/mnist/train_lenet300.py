#!/usr/bin/python3
"""Trains LeNet-300-100 (784-300-100-10, ReLU) dense on examples/mnist/mnist-train.npz and
exports it to ONNX twice, so that HwGen's importer sees both forms PyTorch produces:

  lenet300.onnx          torch.nn.Linear layers: Gemm (transB = 1) on a (N, 784) input
  lenet300-matmul.onnx   the same weights written as `x @ W.T + b` after flattening a
                         (N, 1, 28, 28) input with x.reshape(x.shape[0], -1): Shape, Gather,
                         Unsqueeze, Concat, Reshape, then MatMul + Add per layer

Both have a dynamic batch dimension. lenet300.json records PyTorch's top-1 on
mnist-test.npz, the settings, the versions and the commands.

Deterministic: one thread, a fixed seed, a seeded shuffle. Run by hand from the repository root
(Debian's python3-torch and python3-onnx; tests and users never need Python):
  /usr/bin/python3 examples/mnist/train_lenet300.py
"""
import json
import os
import time

import numpy as np
import onnx
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 1
EPOCHS = 30
BATCH = 64
LEARNING_RATE = 0.05
MOMENTUM = 0.9
WEIGHT_DECAY = 1e-4


class LeNet300(torch.nn.Module):
    """The network as torch.nn.Linear layers: exports as Gemm."""

    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(784, 300)
        self.fc2 = torch.nn.Linear(300, 100)
        self.fc3 = torch.nn.Linear(100, 10)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class LeNet300MatMul(torch.nn.Module):
    """The same function on (N, 1, 28, 28) images, as flatten + x @ W.T + b: exports as MatMul + Add."""

    def __init__(self, dense):
        super().__init__()
        for name in ("fc1", "fc2", "fc3"):
            layer = getattr(dense, name)
            setattr(self, f"{name}_w", torch.nn.Parameter(layer.weight.detach().clone()))
            setattr(self, f"{name}_b", torch.nn.Parameter(layer.bias.detach().clone()))

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        x = torch.relu(x @ self.fc1_w.T + self.fc1_b)
        x = torch.relu(x @ self.fc2_w.T + self.fc2_b)
        return x @ self.fc3_w.T + self.fc3_b


def load(name):
    data = np.load(os.path.join(HERE, f"mnist-{name}.npz"))
    return torch.from_numpy(data["x"].astype(np.float32)), torch.from_numpy(data["y"].astype(np.int64))


def top1(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).double().mean().item()


def export(model, example, path, opset):
    torch.onnx.export(model, example, path, opset_version=opset, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    return sorted({node.op_type for node in onnx.load(path).graph.node})


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    train_x, train_y = load("train")
    test_x, test_y = load("test")

    model = LeNet300()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, EPOCHS)
    shuffle = torch.Generator().manual_seed(SEED)
    start = time.time()
    for epoch in range(EPOCHS):
        model.train()
        order = torch.randperm(len(train_y), generator=shuffle)
        for i in range(0, len(order), BATCH):
            batch = order[i:i + BATCH]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(train_x[batch]), train_y[batch])
            loss.backward()
            optimizer.step()
        schedule.step()
        model.eval()
        print(f"epoch {epoch + 1}: loss {loss.item():.4f}, train top-1 {top1(model, train_x, train_y):.4f}, "
              f"test top-1 {top1(model, test_x, test_y):.4f}")
    seconds = time.time() - start

    model.eval()
    accuracy = top1(model, test_x, test_y)
    matmul = LeNet300MatMul(model).eval()
    images = test_x.reshape(-1, 1, 28, 28)
    with torch.no_grad():
        same = torch.equal(model(test_x), matmul(images))
        difference = (model(test_x) - matmul(images)).abs().max().item()
    gemm_ops = export(model, test_x[:1], os.path.join(HERE, "lenet300.onnx"), 13)
    matmul_ops = export(matmul, images[:1], os.path.join(HERE, "lenet300-matmul.onnx"), 17)

    record = {
        "model": "LeNet-300-100 (784-300-100-10, ReLU), trained dense",
        "pytorch_test_top1": accuracy,
        "pytorch_test_correct": int(round(accuracy * len(test_y))),
        "test_digits": len(test_y),
        "train_digits": len(train_y),
        "pytorch_train_top1": top1(model, train_x, train_y),
        "training": {"seed": SEED, "epochs": EPOCHS, "batch": BATCH, "optimizer": "SGD",
                     "learning_rate": LEARNING_RATE, "momentum": MOMENTUM, "weight_decay": WEIGHT_DECAY,
                     "schedule": "cosine annealing over the epochs", "threads": 1, "seconds": round(seconds, 1)},
        "exports": {
            "lenet300.onnx": {"opset": 13, "input": "input (batch, 784)", "ops": gemm_ops},
            "lenet300-matmul.onnx": {"opset": 17, "input": "input (batch, 1, 28, 28)", "ops": matmul_ops,
                                     "max_abs_difference_from_gemm_in_pytorch": difference,
                                     "bitwise_equal_in_pytorch": same},
        },
        "versions": {"torch": torch.__version__, "onnx": onnx.__version__, "numpy": np.__version__},
        "commands": ["/usr/bin/python3 examples/mnist/make_dataset.py",
                     "/usr/bin/python3 examples/mnist/train_lenet300.py"],
    }
    with open(os.path.join(HERE, "lenet300.json"), "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
