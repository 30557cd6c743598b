#!/usr/bin/python3
"""PyTorch reference for the kit's parity tests (run with Debian's /usr/bin/python3).

Builds an IResNet with the arcface_torch key layout and random weights (BatchNorm running statistics
included, so no BatchNorm is an identity), saves its state dict with torch.save, writes PNG and JPEG
test images of several sizes and modes, computes the input tensors and L2-normalised embeddings
exactly as the paper's embedding script does (PIL -> RGB -> Resize((112,112)) -> ToTensor ->
Normalize(0.5, 0.5)), and optionally exports the same model to ONNX.

Everything goes into --out:
  model.pth          torch.save(model.state_dict())
  model.onnx         torch.onnx.export, input "data", dynamic batch (with --onnx)
  images/            the test images
  inputs.f32         float32 little-endian, N x 3 x 112 x 112, image order of manifest.json
  embeddings.f32     float32 little-endian, N x E, L2-normalised model outputs
  outputs.f32        float32 little-endian, N x E, raw model outputs
  manifest.json      model description, per-key checksums, image list, timings
With --variants, also checkpoints for the reader's error and edge cases (see write_variants).
"""

import argparse
import hashlib
import json
import os
import sys
import time
import types

import numpy as np
import torch
from PIL import Image
from torch import nn
from torchvision import transforms

LAYERS = {
    18: [2, 2, 2, 2],
    34: [3, 4, 6, 3],
    50: [3, 4, 14, 3],
    100: [3, 13, 30, 3],
    200: [6, 26, 60, 6],
}
BN_EPS = 1e-05


def conv3x3(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class IBasicBlock(nn.Module):
    """BN -> conv3x3 -> BN -> PReLU -> conv3x3(stride) -> BN, plus identity or downsample."""

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes, eps=BN_EPS)
        self.conv1 = conv3x3(inplanes, planes)
        self.bn2 = nn.BatchNorm2d(planes, eps=BN_EPS)
        self.prelu = nn.PReLU(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn3 = nn.BatchNorm2d(planes, eps=BN_EPS)
        self.downsample = downsample

    def forward(self, x):
        out = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        identity = x if self.downsample is None else self.downsample(x)
        return out + identity


class IResNet(nn.Module):
    """arcface_torch IResNet; `width` is the stem/layer1 width (64 in the real models)."""

    fc_scale = 7 * 7

    def __init__(self, layers, width=64, num_features=512, dropout=0.0):
        super().__init__()
        self.inplanes = width
        self.conv1 = nn.Conv2d(3, width, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width, eps=BN_EPS)
        self.prelu = nn.PReLU(width)
        self.layer1 = self._make_layer(width, layers[0], stride=2)
        self.layer2 = self._make_layer(2 * width, layers[1], stride=2)
        self.layer3 = self._make_layer(4 * width, layers[2], stride=2)
        self.layer4 = self._make_layer(8 * width, layers[3], stride=2)
        self.bn2 = nn.BatchNorm2d(8 * width, eps=BN_EPS)
        self.dropout = nn.Dropout(p=dropout, inplace=True)
        self.fc = nn.Linear(8 * width * self.fc_scale, num_features)
        self.features = nn.BatchNorm1d(num_features, eps=BN_EPS)
        nn.init.constant_(self.features.weight, 1.0)
        self.features.weight.requires_grad = False

    def _make_layer(self, planes, blocks, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes, stride), nn.BatchNorm2d(planes, eps=BN_EPS)
            )
        units = [IBasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        for _ in range(1, blocks):
            units.append(IBasicBlock(self.inplanes, planes))
        return nn.Sequential(*units)

    def forward(self, x):
        x = self.prelu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = self.bn2(x)
        x = torch.flatten(x, 1)
        x = self.dropout(x)
        x = self.fc(x)
        return self.features(x)


def randomise(model, generator):
    """Random weights, BN affine parameters and running statistics; features.weight stays 1."""

    def uniform(t, low, high):
        t.copy_(torch.rand(t.shape, generator=generator) * (high - low) + low)

    with torch.no_grad():
        for name, module in model.named_modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                fan_in = module.weight[0].numel()
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator))
                module.weight.mul_((2.0 / fan_in) ** 0.5 if isinstance(module, nn.Conv2d) else fan_in**-0.5)
                if module.bias is not None:
                    uniform(module.bias, -0.1, 0.1)
            elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                if name != "features":
                    # the last BN of a residual branch gets a small scale so depth does not blow up
                    high = 0.5 if name.endswith("bn3") else 1.5
                    uniform(module.weight, 0.2 if name.endswith("bn3") else 0.5, high)
                uniform(module.bias, -0.2, 0.2)
                uniform(module.running_mean, -0.2, 0.2)
                uniform(module.running_var, 0.5, 2.0)
                module.num_batches_tracked.fill_(int(torch.randint(1, 1 << 40, (1,), generator=generator)))
            elif isinstance(module, nn.PReLU):
                uniform(module.weight, 0.05, 0.4)


def build_model(depth, width, embedding_size, seed):
    torch.manual_seed(seed)
    model = IResNet(LAYERS[depth], width=width, num_features=embedding_size)
    randomise(model, torch.Generator().manual_seed(seed))
    model.eval()
    return model


def tensor_record(name, tensor):
    t = tensor.detach().contiguous().cpu()
    raw = t.numpy().tobytes()  # native order; the build machines are little-endian
    flat = t.reshape(-1)
    head = [v.item() for v in flat[:6]]
    if t.dtype == torch.int64:
        head = [str(v) for v in head]
    return {
        "name": name,
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "head": head,
    }


def smooth_noise(rng, width, height, channels, cells=12):
    """Random low-frequency pattern plus a little pixel noise, so resampling matters."""
    base = rng.integers(0, 256, size=(max(2, height // cells), max(2, width // cells), channels), dtype=np.uint8)
    mode = "L" if channels == 1 else ("RGB" if channels == 3 else "RGBA")
    small = Image.fromarray(base[:, :, 0] if channels == 1 else base, mode)
    big = np.asarray(small.resize((width, height), Image.BICUBIC)).astype(np.int16)
    big = big + rng.integers(-12, 13, size=big.shape)
    return np.clip(big, 0, 255).astype(np.uint8)


def write_images(folder, rng):
    """Test images of several sizes, modes and formats; returns [(file, mode, width, height)]."""
    os.makedirs(folder, exist_ok=True)
    specs = []

    def save(name, image, **kwargs):
        image.save(os.path.join(folder, name), **kwargs)
        specs.append({"file": name, "mode": image.mode, "width": image.width, "height": image.height})

    save("rgb_112x112.png", Image.fromarray(smooth_noise(rng, 112, 112, 3), "RGB"))
    save("rgb_96x112.png", Image.fromarray(smooth_noise(rng, 96, 112, 3), "RGB"))
    save("rgb_768x768.png", Image.fromarray(smooth_noise(rng, 768, 768, 3, cells=40), "RGB"))
    save("rgb_64x80_upscale.png", Image.fromarray(smooth_noise(rng, 64, 80, 3), "RGB"))
    save("grey_130x150.png", Image.fromarray(smooth_noise(rng, 130, 150, 1), "L"))
    save("palette_120x120.png", Image.fromarray(smooth_noise(rng, 120, 120, 3), "RGB").quantize(colors=64))
    save("rgba_100x140.png", Image.fromarray(smooth_noise(rng, 100, 140, 4), "RGBA"))
    save("la_90x90.png", Image.fromarray(smooth_noise(rng, 90, 90, 3), "RGB").convert("LA"))
    save("rgb_250x250_q90.jpg", Image.fromarray(smooth_noise(rng, 250, 250, 3), "RGB"), quality=90)
    save("rgb_97x131_q90.jpg", Image.fromarray(smooth_noise(rng, 97, 131, 3), "RGB"), quality=90)
    save("grey_150x120_q90.jpg", Image.fromarray(smooth_noise(rng, 150, 120, 1), "L"), quality=90)
    save("cmyk_113x127_q90.jpg", Image.fromarray(smooth_noise(rng, 113, 127, 4), "CMYK"), quality=90)
    return specs


def preprocess(path):
    """The paper's preprocessing (BRF compute_embeddings_to_json.py)."""
    transform = transforms.Compose(
        [
            transforms.Resize((112, 112)),
            transforms.ToTensor(),
            transforms.Normalize(mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5]),
        ]
    )
    return transform(Image.open(path).convert("RGB"))


def write_f32(path, tensor):
    tensor.detach().contiguous().to(torch.float32).numpy().astype("<f4").tofile(path)


def save_tensor_dict(path, tensors, extra, **kwargs):
    torch.save(tensors, path, **kwargs)
    extra[os.path.basename(path)] = [tensor_record(k, v) for k, v in tensors.items()]


def write_variants(out, model, records):
    """Checkpoints that the reader must handle or reject with a clear message."""
    sd = model.state_dict()
    prefixed = {"module." + k: v for k, v in sd.items()}
    save_tensor_dict(os.path.join(out, "module_prefixed.pth"), prefixed, records)
    torch.manual_seed(1)
    save_tensor_dict(os.path.join(out, "linear.pth"), nn.Linear(4, 3).state_dict(), records)
    torch.save(sd, os.path.join(out, "legacy.pth"), _use_new_zipfile_serialization=False)
    torch.jit.save(torch.jit.script(nn.Linear(2, 2)), os.path.join(out, "torchscript.pt"))
    # a whole model object whose class lives in `backbones.iresnet`, as in arcface_torch
    package = types.ModuleType("backbones")
    module = types.ModuleType("backbones.iresnet")
    for cls in (IResNet, IBasicBlock):
        cls.__module__ = "backbones.iresnet"
        setattr(module, cls.__name__, cls)
    package.iresnet = module
    sys.modules["backbones"], sys.modules["backbones.iresnet"] = package, module
    torch.save(model, os.path.join(out, "whole_model.pth"))
    for cls in (IResNet, IBasicBlock):
        cls.__module__ = __name__
    # views, offsets, shared storages and the less common dtypes
    g = torch.Generator().manual_seed(7)
    base = torch.randn(6, 10, generator=g)
    views = {
        "strided": base[:, 1::3],
        "transposed": base.t(),
        "offset": base[2:5],
        "shared_full": base,
        "scalar": torch.tensor(3.25),
        "int64": torch.tensor([-(2**62), -1, 0, 7, 2**53 + 1], dtype=torch.int64),
        "int32": torch.tensor([[-5, 6], [2**31 - 1, -(2**31)]], dtype=torch.int32),
        "int16": torch.tensor([-300, 300], dtype=torch.int16),
        "int8": torch.tensor([-128, 127], dtype=torch.int8),
        "uint8": torch.tensor([0, 255, 17], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "float64": torch.randn(3, 2, generator=g, dtype=torch.float64),
        "float16": (torch.randn(4, 5, generator=g) * 100).half(),
        "float16_special": torch.tensor([65504.0, -0.0, 6e-8, float("inf")], dtype=torch.float16),
        "bfloat16": torch.randn(7, generator=g).to(torch.bfloat16),
        "permuted4d": torch.randn(2, 3, 4, 5, generator=g).permute(0, 2, 3, 1),
    }
    torch.save(views, os.path.join(out, "views.pth"))
    values = {}
    for k, v in views.items():
        wide = v.to(torch.float64) if v.is_floating_point() else v
        if v.dtype == torch.int64:
            values[k] = {"dtype": "int64", "shape": list(v.shape), "values": [str(x) for x in v.reshape(-1).tolist()]}
        else:
            values[k] = {
                "dtype": str(v.dtype).replace("torch.", ""),
                "shape": list(v.shape),
                # repr keeps -0.0, inf and nan, which JSON numbers cannot hold
                "values": [repr(float(x)) if v.is_floating_point() else int(x) for x in wide.reshape(-1).tolist()],
            }
    with open(os.path.join(out, "views.json"), "w") as f:
        json.dump(values, f)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="output folder (created)")
    parser.add_argument("--depth", type=int, default=18, choices=sorted(LAYERS))
    parser.add_argument("--width", type=int, default=16, help="stem/layer1 width; 64 in the real models")
    parser.add_argument("--embedding-size", type=int, default=512)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--full", action="store_true", help="the real R100 shape: depth 100, width 64")
    parser.add_argument("--no-images", action="store_true", help="skip images, inputs and embeddings")
    parser.add_argument("--onnx", action="store_true", help="also export model.onnx")
    parser.add_argument("--variants", action="store_true", help="also write the edge-case checkpoints")
    parser.add_argument(
        "--extra-depths",
        default="",
        help="comma-separated depths: also write iresnet<depth>.pth at --extra-width (keys only)",
    )
    parser.add_argument("--extra-width", type=int, default=2)
    args = parser.parse_args()
    if args.full:
        args.depth, args.width = 100, 64

    t0 = time.perf_counter()
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    os.makedirs(args.out, exist_ok=True)
    timings = {}
    model = build_model(args.depth, args.width, args.embedding_size, args.seed)
    sd = model.state_dict()
    torch.save(sd, os.path.join(args.out, "model.pth"))
    timings["build_and_save_s"] = time.perf_counter() - t0
    manifest = {
        "depth": args.depth,
        "layers": LAYERS[args.depth],
        "width": args.width,
        "widths": [args.width, 2 * args.width, 4 * args.width, 8 * args.width],
        "embedding_size": args.embedding_size,
        "seed": args.seed,
        "torch": torch.__version__,
        "keys": [tensor_record(k, v) for k, v in sd.items()],
        "checkpoints": {},
        "images": [],
    }

    if not args.no_images:
        t = time.perf_counter()
        rng = np.random.default_rng(args.seed)
        manifest["images"] = write_images(os.path.join(args.out, "images"), rng)
        batch = torch.stack([preprocess(os.path.join(args.out, "images", s["file"])) for s in manifest["images"]])
        with torch.no_grad():
            outputs = model(batch)
        embeddings = torch.nn.functional.normalize(outputs, p=2, dim=1)
        write_f32(os.path.join(args.out, "inputs.f32"), batch)
        write_f32(os.path.join(args.out, "outputs.f32"), outputs)
        write_f32(os.path.join(args.out, "embeddings.f32"), embeddings)
        timings["images_and_embeddings_s"] = time.perf_counter() - t

    if args.onnx:
        t = time.perf_counter()
        torch.onnx.export(
            model,
            torch.zeros(1, 3, 112, 112),
            os.path.join(args.out, "model.onnx"),
            input_names=["data"],
            output_names=["fc1"],
            dynamic_axes={"data": {0: "batch"}, "fc1": {0: "batch"}},
            opset_version=11,
        )
        timings["onnx_export_s"] = time.perf_counter() - t

    if args.variants:
        t = time.perf_counter()
        write_variants(args.out, model, manifest["checkpoints"])
        timings["variants_s"] = time.perf_counter() - t

    for depth in [int(d) for d in args.extra_depths.split(",") if d.strip()]:
        extra = build_model(depth, args.extra_width, 8, args.seed + depth)
        save_tensor_dict(os.path.join(args.out, f"iresnet{depth}.pth"), extra.state_dict(), manifest["checkpoints"])

    timings["total_s"] = time.perf_counter() - t0
    manifest["timings"] = timings
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
