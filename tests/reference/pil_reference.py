"""PIL + torchvision reference for the kit's image decoding and preprocessing.

Run with Debian's interpreter (python3-pil, python3-torch, python3-torchvision):

    /usr/bin/python3 tests/reference/pil_reference.py OUT_DIR

Writes test images of many sizes, modes and formats into OUT_DIR/images, and for every image
what the original package computes from it:

* ``<name>.rgb``: ``Image.open(p).convert("RGB")`` pixels, interleaved uint8;
* ``<name>.resized``: those pixels after ``resize((112, 112), Image.BILINEAR)``;
* ``<name>.tensor``: ``Compose([Resize((112, 112)), ToTensor(), Normalize([0.5] * 3, [0.5] * 3)])``
  of the RGB image, as raw little-endian float32 in CHW order.

Images that PIL cannot load are recorded with the error PIL raised. Resize-only cases (random
pixels, many source and target sizes) go to ``resize_<i>.in`` / ``resize_<i>.out``.
``manifest.json`` lists everything.
"""

import io
import json
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image
import PIL
import torch
import torchvision
from torchvision import transforms

SIZE = 112


# ---------------------------------------------------------------- pixel content


def face_like(width, height, seed):
    """Smooth face-like RGB content with noise, so JPEG sees realistic blocks and edges."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    cx, cy = width / 2, height / 2
    r = np.sqrt(((x - cx) / max(width, 1) * 2.2) ** 2 + ((y - cy) / max(height, 1) * 1.8) ** 2)
    base = np.stack(
        [
            200 - 90 * r + 20 * np.sin(x / 7.0),
            160 - 70 * r + 25 * np.cos(y / 5.0),
            130 - 60 * r + 15 * np.sin((x + y) / 9.0),
        ],
        axis=-1,
    )
    eyes = (((x - cx * 0.7) ** 2 + (y - cy * 0.8) ** 2) < (width / 14) ** 2) | (
        ((x - cx * 1.3) ** 2 + (y - cy * 0.8) ** 2) < (width / 14) ** 2
    )
    base[eyes] = [30, 20, 25]
    base += rng.normal(0, 12, base.shape)
    return np.clip(base, 0, 255).astype(np.uint8)


def noise(shape, seed, high=256, dtype=np.uint8):
    return np.random.default_rng(seed).integers(0, high, shape).astype(dtype)


# ---------------------------------------------------------------- a PNG writer for any layout


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _pack_row(samples, depth):
    """samples: 1-D int array of one row (pixels x channels flattened)."""
    if depth == 8:
        return samples.astype(np.uint8).tobytes()
    if depth == 16:
        return samples.astype(">u2").tobytes()
    per = 8 // depth
    out = bytearray((len(samples) + per - 1) // per)
    for i, v in enumerate(samples):
        out[i // per] |= int(v) << (8 - depth * (i % per + 1))
    return bytes(out)


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _filter_rows(rows, bpp, first_filter):
    """Applies PNG filters, cycling through all five types so the decoder sees each."""
    out = bytearray()
    prior = bytes(len(rows[0])) if rows else b""
    for i, row in enumerate(rows):
        ftype = (first_filter + i) % 5
        cur = bytearray(len(row))
        for j in range(len(row)):
            a = row[j - bpp] if j >= bpp else 0
            b = prior[j]
            c = prior[j - bpp] if j >= bpp else 0
            pred = [0, a, b, (a + b) // 2, _paeth(a, b, c)][ftype]
            cur[j] = (row[j] - pred) & 0xFF
        out.append(ftype)
        out += cur
        prior = row
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_bytes(samples, color_type, depth, palette=None, trns=None, interlace=False, idat_parts=2):
    """samples: (h, w, channels) ints. Returns a PNG file with filters of every type."""
    h, w, ch = samples.shape
    bpp = max(1, ch * depth // 8)
    if interlace:
        raw = b""
        for p, (x0, y0, dx, dy) in enumerate(ADAM7):
            sub = samples[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            rows = [_pack_row(r.reshape(-1), depth) for r in sub]
            raw += _filter_rows(rows, bpp, p)
    else:
        rows = [_pack_row(r.reshape(-1), depth) for r in samples]
        raw = _filter_rows(rows, bpp, 0)
    z = zlib.compress(raw, 6)
    parts = max(1, min(idat_parts, len(z)))
    cut = [len(z) * i // parts for i in range(parts + 1)]
    out = b"\x89PNG\r\n\x1a\n"
    out += _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 1 if interlace else 0))
    if palette is not None:
        out += _chunk(b"PLTE", bytes(np.asarray(palette, np.uint8).reshape(-1)))
    if trns is not None:
        out += _chunk(b"tRNS", trns)
    for i in range(parts):
        out += _chunk(b"IDAT", z[cut[i] : cut[i + 1]])
    return out + _chunk(b"IEND", b"")


def png_chunks(data):
    """(offset, length, type) of each chunk."""
    pos, out = 8, []
    while pos + 8 <= len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        out.append((pos, length, data[pos + 4 : pos + 8]))
        pos += 12 + length
    return out


def jpeg_segments(data):
    """(offset, marker, length) of each marker segment up to SOS."""
    pos, out = 2, []
    while pos + 4 <= len(data):
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        out.append((pos, marker, length))
        if marker == 0xDA:
            break
        pos += 2 + length
    return out


def strip_adobe(data):
    for pos, marker, length in jpeg_segments(data):
        if marker == 0xEE:
            return data[:pos] + data[pos + 2 + length :]
    raise ValueError("no Adobe segment")


def adobe_transform(data, transform):
    for pos, marker, length in jpeg_segments(data):
        if marker == 0xEE:
            b = bytearray(data)
            b[pos + 2 + 2 + 11] = transform  # after length: "Adobe", version(2), flags0(2), flags1(2)
            return bytes(b)
    raise ValueError("no Adobe segment")


def jpeg_save(im, **kw):
    buf = io.BytesIO()
    im.save(buf, "JPEG", **kw)
    return buf.getvalue()


def png_save(im, **kw):
    buf = io.BytesIO()
    im.save(buf, "PNG", **kw)
    return buf.getvalue()


# ---------------------------------------------------------------- the cases


def image_cases():
    """(name, extension, bytes) of every test image."""
    cases = []

    def add(name, ext, data):
        cases.append((name, ext, data))

    # PIL-written PNGs of the sizes real datasets have.
    for w, h in [(112, 112), (96, 112), (250, 250), (50, 60), (768, 768)]:
        add(f"pil_rgb_{w}x{h}", "png", png_save(Image.fromarray(face_like(w, h, w * 7 + h))))
    rgb = Image.fromarray(face_like(61, 47, 3))
    add("pil_l", "png", png_save(rgb.convert("L")))
    add("pil_p", "png", png_save(rgb.convert("P")))
    add("pil_p_adaptive", "png", png_save(rgb.quantize(37)))
    rgba = rgb.copy()
    rgba.putalpha(Image.fromarray(noise((47, 61), 4)))
    add("pil_rgba", "png", png_save(rgba))
    add("pil_la", "png", png_save(rgba.convert("LA")))
    add("pil_i16", "png", png_save(Image.fromarray(noise((47, 61), 5, 65536, np.uint16))))
    add("pil_1", "png", png_save(rgb.convert("1")))

    # Hand-written PNGs: every colour type and bit depth, filters of every type, Adam7.
    def grey(depth, w=37, h=23, seed=10):
        return noise((h, w, 1), seed + depth, 1 << depth, np.int64)

    for depth in [1, 2, 4, 8, 16]:
        add(f"grey{depth}", "png", png_bytes(grey(depth), 0, depth))
        add(f"grey{depth}_adam7", "png", png_bytes(grey(depth, 29, 19), 0, depth, interlace=True))
    add("grey16_small_values", "png", png_bytes(noise((23, 37, 1), 11, 300, np.int64), 0, 16))
    add("grey8_trns", "png", png_bytes(grey(8), 0, 8, trns=struct.pack(">H", 7)))
    for depth in [8, 16]:
        n = 1 << depth
        add(f"rgb{depth}", "png", png_bytes(noise((23, 37, 3), 20 + depth, n, np.int64), 2, depth))
        add(f"rgba{depth}", "png", png_bytes(noise((23, 37, 4), 30 + depth, n, np.int64), 6, depth))
        add(f"la{depth}", "png", png_bytes(noise((23, 37, 2), 40 + depth, n, np.int64), 4, depth))
        add(
            f"rgba{depth}_adam7",
            "png",
            png_bytes(noise((19, 29, 4), 50 + depth, n, np.int64), 6, depth, interlace=True),
        )
    add("rgb8_trns", "png", png_bytes(noise((23, 37, 3), 60, 256, np.int64), 2, 8, trns=b"\0\1\0\2\0\3"))
    for depth in [1, 2, 4, 8]:
        n = 1 << depth
        pal = noise((n, 3), 70 + depth)
        idx = noise((23, 37, 1), 80 + depth, n, np.int64)
        add(f"palette{depth}", "png", png_bytes(idx, 3, depth, palette=pal))
        add(f"palette{depth}_adam7", "png", png_bytes(idx[:19, :29], 3, depth, palette=pal, interlace=True))
    pal = noise((16, 3), 90)
    idx = noise((23, 37, 1), 91, 16, np.int64)
    add("palette4_trns", "png", png_bytes(idx, 3, 4, palette=pal, trns=bytes(range(0, 160, 10))))
    add("palette4_trns_one", "png", png_bytes(idx, 3, 4, palette=pal, trns=b"\xff\x00"))
    add("palette8_short", "png", png_bytes(noise((23, 37, 1), 92, 256, np.int64), 3, 8, palette=pal))
    for w, h in [(1, 1), (3, 200), (200, 3), (5, 5)]:
        add(f"rgb8_adam7_{w}x{h}", "png", png_bytes(noise((h, w, 3), w * h, 256, np.int64), 2, 8, interlace=True))
    add("rgb8_one_idat", "png", png_bytes(noise((23, 37, 3), 93, 256, np.int64), 2, 8, idat_parts=1))
    add("rgb8_many_idat", "png", png_bytes(noise((23, 37, 3), 94, 256, np.int64), 2, 8, idat_parts=9))

    # PNG damage: PIL verifies CRCs of the chunks before the image data only.
    good = png_bytes(noise((23, 37, 3), 95, 256, np.int64), 2, 8)
    chunks = png_chunks(good)
    bad = bytearray(good)
    bad[chunks[0][0] + 8 + chunks[0][1]] ^= 0xFF  # IHDR CRC
    add("bad_crc_ihdr", "png", bytes(bad))
    idat = [c for c in chunks if c[2] == b"IDAT"][0]
    bad = bytearray(good)
    bad[idat[0] + 8 + idat[1]] ^= 0xFF  # IDAT CRC
    add("bad_crc_idat", "png", bytes(bad))
    add("truncated_idat", "png", good[: idat[0] + 8 + idat[1] // 2])
    add("no_iend", "png", good[: chunks[-1][0]])
    add("trailing_garbage", "png", good + b"garbage after the image")
    raw = bytearray(zlib.decompress(b"".join(good[c[0] + 8 : c[0] + 8 + c[1]] for c in chunks if c[2] == b"IDAT")))
    raw[(37 * 3 + 1) * 5] = 7  # filter type 7 on row 5
    add(
        "bad_filter",
        "png",
        good[:8] + _chunk(b"IHDR", good[16:29]) + _chunk(b"IDAT", zlib.compress(bytes(raw))) + _chunk(b"IEND", b""),
    )
    add(
        "short_image_data",
        "png",
        good[:8] + _chunk(b"IHDR", good[16:29]) + _chunk(b"IDAT", zlib.compress(bytes(raw[:500]))) + _chunk(b"IEND", b""),
    )
    corrupt = bytearray(good)
    for i in range(idat[0] + 20, idat[0] + 40):
        corrupt[i] ^= 0x5A
    add("corrupt_deflate", "png", bytes(corrupt))

    # JPEGs as PIL (libjpeg-turbo) writes them.
    for w, h in [(112, 112), (96, 112), (250, 250), (50, 60), (768, 768), (37, 23), (1, 1), (17, 9)]:
        add(f"jpeg_{w}x{h}", "jpg", jpeg_save(Image.fromarray(face_like(w, h, w + 3 * h)), quality=90))
    img = Image.fromarray(face_like(37, 23, 5))
    big = Image.fromarray(face_like(250, 250, 6))
    for sub in [0, 1, 2]:
        add(f"jpeg_sub{sub}_37x23", "jpg", jpeg_save(img, quality=85, subsampling=sub))
        add(f"jpeg_sub{sub}_250", "jpg", jpeg_save(big, quality=75, subsampling=sub))
    add("jpeg_progressive_250", "jpg", jpeg_save(big, quality=90, progressive=True))
    add("jpeg_progressive_37x23", "jpg", jpeg_save(img, quality=90, progressive=True))
    add("jpeg_optimized", "jpg", jpeg_save(big, quality=90, optimize=True))
    add("jpeg_q100", "jpg", jpeg_save(big, quality=100, subsampling=0))
    add("jpeg_q10", "jpg", jpeg_save(big, quality=10))
    add("jpeg_noise", "jpg", jpeg_save(Image.fromarray(noise((41, 53, 3), 7)), quality=95))
    add("jpeg_grey_250", "jpg", jpeg_save(big.convert("L"), quality=90))
    add("jpeg_grey_progressive", "jpg", jpeg_save(img.convert("L"), quality=90, progressive=True))
    exif = Image.Exif()
    exif[0x0112] = 6
    add("jpeg_exif_rotated", "jpg", jpeg_save(img, quality=90, exif=exif.tobytes()))
    cmyk_noise = Image.fromarray(noise((45, 51, 4), 8), "CMYK")
    cmyk_face = Image.fromarray(face_like(250, 250, 9)).convert("CMYK")
    add("cmyk_noise", "jpg", jpeg_save(cmyk_noise, quality=95))
    add("cmyk_250", "jpg", jpeg_save(cmyk_face, quality=90))
    add("cmyk_sub1", "jpg", jpeg_save(cmyk_noise, quality=90, subsampling=1))
    add("cmyk_sub2", "jpg", jpeg_save(cmyk_noise, quality=90, subsampling=2))
    add("cmyk_sub2_odd", "jpg", jpeg_save(Image.fromarray(noise((23, 37, 4), 12), "CMYK"), quality=90, subsampling=2))
    add("cmyk_progressive", "jpg", jpeg_save(cmyk_noise, quality=90, progressive=True))
    add("cmyk_progressive_sub2", "jpg", jpeg_save(cmyk_face, quality=80, progressive=True, subsampling=2))
    add("cmyk_no_adobe", "jpg", strip_adobe(jpeg_save(cmyk_noise, quality=95)))
    add("cmyk_as_ycck", "jpg", adobe_transform(jpeg_save(cmyk_noise, quality=95), 2))

    # JPEG damage.
    good = jpeg_save(big, quality=90)
    prog = jpeg_save(big, quality=90, progressive=True)
    sos = [s for s in jpeg_segments(good) if s[1] == 0xDA][0]
    scan_start = sos[0] + 2 + sos[2]
    add("jpeg_truncated_half", "jpg", good[: scan_start + (len(good) - scan_start) // 2])
    add("jpeg_truncated_no_eoi", "jpg", good[:-2])
    add("jpeg_progressive_truncated", "jpg", prog[: len(prog) * 2 // 3])
    add("jpeg_trailing_garbage", "jpg", good + b"\x00garbage after EOI")
    add("jpeg_garbage_after_soi", "jpg", b"\xff\xd8\xff\xe0" + bytes(noise((400,), 13)))
    add("jpeg_header_only", "jpg", good[:scan_start])
    bad = bytearray(good)
    for i in range(scan_start + 100, scan_start + 140):
        bad[i] = (bad[i] * 7 + 3) & 0xFF if bad[i] != 0xFF else 0xFF
    add("jpeg_corrupt_scan", "jpg", bytes(bad))

    # Not images at all.
    add("empty", "png", b"")
    add("text", "png", b"this is a text file named like an image\n")
    add("jpeg_named_png", "png", jpeg_save(img, quality=90))
    return cases


RESIZE_CASES = [
    ((250, 250), (112, 112)),
    ((768, 768), (112, 112)),
    ((96, 112), (112, 112)),
    ((50, 60), (112, 112)),
    ((1, 1), (112, 112)),
    ((7, 5), (13, 3)),
    ((300, 2), (5, 7)),
    ((112, 112), (96, 112)),
    ((200, 100), (200, 50)),
    ((100, 200), (50, 200)),
    ((113, 111), (112, 112)),
]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pil_reference.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    pipeline = transforms.Compose(
        [transforms.Resize((SIZE, SIZE)), transforms.ToTensor(), transforms.Normalize([0.5] * 3, [0.5] * 3)]
    )
    to_tensor = transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.5] * 3, [0.5] * 3)])
    manifest = {
        "pil": PIL.__version__,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "size": SIZE,
        "images": [],
        "resize": [],
    }
    for name, ext, data in image_cases():
        file = f"images/{name}.{ext}"
        with open(os.path.join(out, file), "wb") as f:
            f.write(data)
        entry = {"name": name, "file": file}
        try:
            with Image.open(os.path.join(out, file)) as im:
                entry["format"] = im.format
                entry["mode"] = im.mode
                rgb = im.convert("RGB")
        except Exception as e:  # noqa: BLE001 - any failure is the expected outcome to record
            entry["ok"] = False
            entry["error"] = f"{type(e).__name__}: {e}"
            manifest["images"].append(entry)
            continue
        resized = rgb.resize((SIZE, SIZE), Image.BILINEAR)
        tensor = pipeline(rgb)
        # The tensor must be ToTensor+Normalize of PIL's resize: the chain the kit reproduces.
        assert torch.equal(tensor, to_tensor(resized)), name
        entry.update(ok=True, width=rgb.width, height=rgb.height)
        for key, blob in [
            ("rgb", rgb.tobytes()),
            ("resized", resized.tobytes()),
            ("tensor", tensor.numpy().astype("<f4").tobytes()),
        ]:
            entry[key] = f"{name}.{key}"
            with open(os.path.join(out, entry[key]), "wb") as f:
                f.write(blob)
        manifest["images"].append(entry)
    for i, ((w, h), (tw, th)) in enumerate(RESIZE_CASES):
        src = Image.fromarray(noise((h, w, 3), 1000 + i))
        dst = src.resize((tw, th), Image.BILINEAR)
        entry = {"width": w, "height": h, "toWidth": tw, "toHeight": th, "in": f"resize_{i}.in", "out": f"resize_{i}.out"}
        with open(os.path.join(out, entry["in"]), "wb") as f:
            f.write(src.tobytes())
        with open(os.path.join(out, entry["out"]), "wb") as f:
            f.write(dst.tobytes())
        manifest["resize"].append(entry)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
