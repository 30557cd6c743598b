"""PyTorch CPU throughput of an arcface_torch-style IResNet with random weights.

Used by `deno task bench embed` (scripts/bench_embed.ts) as the baseline. Run with Debian's
/usr/bin/python3 (python3-torch). After a warm-up it prints {"torch": version, "threads": n}, then
answers each stdin line {"batch": b, "seconds": s} with {"times": [seconds of each run]}.

The network follows formats.md 1.6: stem conv3x3 -> BN -> PReLU; per unit BN -> conv3x3 -> BN ->
PReLU -> conv3x3 (stride) -> BN plus identity or conv1x1 (stride) -> BN; BN -> flatten -> fc ->
BatchNorm1d. Weights are random, so only the timing means anything.
"""

import argparse
import json
import sys
import time

import torch
from torch import nn

LAYERS = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 14, 3], 100: [3, 13, 30, 3]}


class Unit(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin, eps=1e-5)
        self.conv1 = nn.Conv2d(cin, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes, eps=1e-5)
        self.prelu = nn.PReLU(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes, eps=1e-5)
        self.downsample = None
        if stride != 1 or cin != planes:
            self.downsample = nn.Sequential(
                nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes, eps=1e-5)
            )
        # Keep activations bounded through 100 layers of random weights (no denormals or infs).
        nn.init.uniform_(self.bn3.weight, 0.1, 0.3)

    def forward(self, x):
        y = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        return y + (x if self.downsample is None else self.downsample(x))


class IResNet(nn.Module):
    def __init__(self, layers, width=1.0, dim=512):
        super().__init__()
        widths = [max(1, round(w * width)) for w in (64, 128, 256, 512)]
        self.conv1 = nn.Conv2d(3, widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0], eps=1e-5)
        self.prelu = nn.PReLU(widths[0])
        units, cin = [], widths[0]
        for stage, count in enumerate(layers):
            for u in range(count):
                units.append(Unit(cin, widths[stage], 2 if u == 0 else 1))
                cin = widths[stage]
        self.units = nn.Sequential(*units)
        self.bn2 = nn.BatchNorm2d(cin, eps=1e-5)
        self.fc = nn.Linear(cin * 49, dim)
        self.features = nn.BatchNorm1d(dim, eps=1e-5)

    def forward(self, x):
        x = self.units(self.prelu(self.bn1(self.conv1(x))))
        return self.features(self.fc(torch.flatten(self.bn2(x), 1)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=100, choices=sorted(LAYERS))
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--warmup-batch", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0, help="0 keeps torch's default")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = IResNet(LAYERS[args.depth], args.width).eval()
    with torch.inference_mode():
        model(torch.zeros(args.warmup_batch, 3, 112, 112))  # warm-up, as the ORT side does
        print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
        # One request per line: {"batch": b, "seconds": s}; answers the seconds of each run (at
        # least one), so the caller can interleave these slices with its own.
        for line in sys.stdin:
            request = json.loads(line)
            x = torch.rand(request["batch"], 3, 112, 112) * 2 - 1
            times, start = [], time.perf_counter()
            while True:
                t = time.perf_counter()
                torch.nn.functional.normalize(model(x))
                times.append(time.perf_counter() - t)
                if time.perf_counter() - start >= request["seconds"]:
                    break
            print(json.dumps({"times": times}), flush=True)


if __name__ == "__main__":
    main()
