#!/usr/bin/python3
"""Trains a row-by-row MNIST LSTM (28 steps of 28 pixels, hidden 64, a Linear head to 10) on
examples/mnist/mnist-train.npz, prunes the LSTM's gate matrices by magnitude with fine-tuning,
and exports it to ONNX with PyTorch's exporter.

  mnist-lstm.onnx        nn.LSTM(28, 64, batch_first=True) + nn.Linear(64, 10) on out[:, -1, :]:
                         Transpose, LSTM (W, R, B initializers; zero initial state computed from
                         the batch size), Squeeze/Transpose, Gather(-1) of the sequence, Gemm
  mnist-test-seq.npz     examples/mnist/mnist-test.npz as sequences: x float32 (2000, 28, 28)
                         (image rows as time steps), y uint8 (2000,)
  mnist-lstm.json        PyTorch's measured top-1 (dense and pruned), density, settings, versions

Pruning: the 4 * 64 x (28 + 64) gate matrix [W_ih | W_hh] is pruned as one matrix (as HwGen
stores it), magnitude, in PRUNE_STEPS steps down to DENSITY, each followed by fine-tuning with the
mask fixed. The head and the biases stay dense.

Deterministic: one thread, a fixed seed, a seeded shuffle. Run by hand from the repository root
(Debian's python3-torch and python3-onnx; tests and users never need Python):
  /usr/bin/python3 examples/mnist-lstm/train_mnist_lstm.py
"""
import json
import os
import time

import numpy as np
import onnx
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "mnist")
SEED = 1
HIDDEN = 64
EPOCHS = 12
FINE_TUNE_EPOCHS = 4
PRUNE_STEPS = (0.6, 0.4, 0.3)
DENSITY = PRUNE_STEPS[-1]
BATCH = 64
LEARNING_RATE = 0.01


class RowLstm(torch.nn.Module):
    """28 rows of 28 pixels through an LSTM; the last hidden state through a Linear head."""

    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(28, HIDDEN, batch_first=True)
        self.head = torch.nn.Linear(HIDDEN, 10)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :])


def load(name):
    data = np.load(os.path.join(MNIST, f"mnist-{name}.npz"))
    x = data["x"].astype(np.float32).reshape(-1, 28, 28)
    return torch.from_numpy(x), torch.from_numpy(data["y"].astype(np.int64))


def top1(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).double().mean().item()


def gate_matrix(model):
    return torch.cat([model.lstm.weight_ih_l0, model.lstm.weight_hh_l0], dim=1)


def prune(model, density):
    """Keeps the round(density * size) largest-magnitude weights of [W_ih | W_hh]; returns the masks."""
    with torch.no_grad():
        gates = gate_matrix(model)
        keep = int(round(density * gates.numel()))
        threshold = gates.abs().flatten().sort(descending=True).values[keep - 1]
        mask = (gates.abs() >= threshold).float()
        masks = (mask[:, :28].clone(), mask[:, 28:].clone())
        model.lstm.weight_ih_l0.mul_(masks[0])
        model.lstm.weight_hh_l0.mul_(masks[1])
    return masks


def train(model, x, y, epochs, masks, test_x, test_y, label, shuffle):
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(y), generator=shuffle)
        for i in range(0, len(order), BATCH):
            batch = order[i:i + BATCH]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
            if masks is not None:
                with torch.no_grad():
                    model.lstm.weight_ih_l0.mul_(masks[0])
                    model.lstm.weight_hh_l0.mul_(masks[1])
        schedule.step()
        model.eval()
        print(f"{label} epoch {epoch + 1}: loss {loss.item():.4f}, test top-1 {top1(model, test_x, test_y):.4f}", flush=True)


def export(model, example, path):
    torch.onnx.export(model, example, path, opset_version=14, input_names=["input"],
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
    shuffle = torch.Generator().manual_seed(SEED)

    model = RowLstm()
    start = time.time()
    train(model, train_x, train_y, EPOCHS, None, test_x, test_y, "dense", shuffle)
    model.eval()
    dense_top1 = top1(model, test_x, test_y)
    steps = []
    masks = None
    for density in PRUNE_STEPS:
        masks = prune(model, density)
        pruned = top1(model, test_x, test_y)
        train(model, train_x, train_y, FINE_TUNE_EPOCHS, masks, test_x, test_y, f"density {density}", shuffle)
        steps.append({"density": density, "top1_after_pruning": pruned, "top1_after_fine_tuning": top1(model, test_x, test_y)})
    seconds = time.time() - start

    model.eval()
    accuracy = top1(model, test_x, test_y)
    gates = gate_matrix(model)
    kept = int((gates != 0).sum().item())
    ops = export(model, test_x[:1], os.path.join(HERE, "mnist-lstm.onnx"))
    np.savez_compressed(os.path.join(HERE, "mnist-test-seq.npz"), x=test_x.numpy(), y=test_y.numpy().astype(np.uint8))

    record = {
        "model": f"row-by-row MNIST LSTM: nn.LSTM(28, {HIDDEN}) over 28 rows, nn.Linear({HIDDEN}, 10) on the last hidden state",
        "pytorch_test_top1": accuracy,
        "pytorch_test_correct": int(round(accuracy * len(test_y))),
        "pytorch_dense_test_top1": dense_top1,
        "test_sequences": len(test_y),
        "train_sequences": len(train_y),
        "gate_matrix": {"rows": int(gates.shape[0]), "cols": int(gates.shape[1]), "kept": kept,
                        "density": kept / gates.numel()},
        "pruning": steps,
        "training": {"seed": SEED, "epochs": EPOCHS, "fine_tune_epochs_per_step": FINE_TUNE_EPOCHS,
                     "batch": BATCH, "optimizer": "Adam", "learning_rate": LEARNING_RATE,
                     "schedule": "cosine annealing over each run", "threads": 1, "seconds": round(seconds, 1)},
        "export": {"file": "mnist-lstm.onnx", "opset": 14, "input": "input (batch, 28, 28)", "ops": ops},
        "versions": {"torch": torch.__version__, "onnx": onnx.__version__, "numpy": np.__version__},
        "commands": ["/usr/bin/python3 examples/mnist-lstm/train_mnist_lstm.py"],
    }
    with open(os.path.join(HERE, "mnist-lstm.json"), "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
