"""GIF, BMP and WebP files and what Pillow makes of them, for tests/image/formats_test.ts.

Usage: formats_reference.py OUT_DIR. Writes each case as OUT_DIR/<name>.<ext> (Pillow's own
writers, plus hand-made files for layouts Pillow does not write) and prints one JSON object:
name -> {"file", "size", "rgb" (hex of Image.open(f).convert("RGB").tobytes())} or {"file",
"error"}. Nothing is random: the pixels come from fixed arithmetic.
"""
import io
import json
import os
import struct
import sys

import numpy as np
from PIL import Image

out_dir = sys.argv[1]
cases = {}


def pattern(w, h, channels=3, seed=0):
    y, x = np.mgrid[0:h, 0:w]
    planes = [((x * (7 + c) + y * (13 + 2 * c) + seed * 31 + c * 50) % 256) for c in range(channels)]
    return np.dstack(planes).astype("uint8")


def save(name, ext, data):
    path = os.path.join(out_dir, f"{name}.{ext}")
    with open(path, "wb") as f:
        f.write(data)
    try:
        with Image.open(path) as im:
            rgb = im.convert("RGB")
            cases[name] = {"file": path, "size": list(rgb.size), "rgb": rgb.tobytes().hex()}
    except Exception as e:  # what Pillow refuses
        cases[name] = {"file": path, "error": f"{type(e).__name__}: {e}"}


def pillow(name, ext, image, **params):
    buf = io.BytesIO()
    image.save(buf, format=ext.upper() if ext != "jpg" else "JPEG", **params)
    save(name, ext, buf.getvalue())


# --- GIF written by Pillow
rgb = Image.fromarray(pattern(23, 17))
pillow("gif_quantized", "gif", rgb.quantize(colors=200))
pillow("gif_interlaced", "gif", rgb.quantize(colors=64), interlace=True)
pillow("gif_grey", "gif", Image.fromarray(pattern(19, 11, 1)[:, :, 0], "L"))
pillow("gif_transparent", "gif", rgb.quantize(colors=32), transparency=5)
frames = [Image.fromarray(pattern(16, 12, seed=s)).quantize(colors=50) for s in range(3)]
buf = io.BytesIO()
frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=40)
save("gif_animated", "gif", buf.getvalue())


def lzw_codes(indices, min_size):
    """Codes of fixed width min_size + 1: a clear code before the table would widen them."""
    clear, end = 1 << min_size, (1 << min_size) + 1
    codes, since = [clear], 0
    for i in indices:
        if since == (1 << min_size) - 2:
            codes.append(clear)
            since = 0
        codes.append(i)
        since += 1
    return codes, end


def pack(codes, width):
    value, bits, out = 0, 0, bytearray()
    for c in codes:
        value |= c << bits
        bits += width
        while bits >= 8:
            out.append(value & 255)
            value >>= 8
            bits -= 8
    if bits:
        out.append(value & 255)
    return bytes(out)


def sub_blocks(data):
    out = bytearray()
    for i in range(0, len(data), 255):
        out += bytes([len(data[i:i + 255])]) + data[i:i + 255]
    return bytes(out) + b"\0"


def gif(screen, frame, indices, min_size, global_table=None, local_table=None,
        transparency=None, interlace=False, junk=b"", early_end=False):
    sw, sh = screen
    x0, y0, w, h = frame
    head = b"GIF89a" + struct.pack("<HH", sw, sh)
    if global_table is not None:
        bits = (len(global_table) // 3).bit_length() - 2
        head += bytes([0x80 | bits, 0, 0]) + global_table
    else:
        head += bytes([0, 0, 0])
    body = junk
    if transparency is not None:
        body += b"\x21\xf9\x04" + bytes([1, 0, 0, transparency]) + b"\0"
    flags = 0x40 if interlace else 0
    table = b""
    if local_table is not None:
        flags |= 0x80 | ((len(local_table) // 3).bit_length() - 2)
        table = local_table
    body += b"\x2c" + struct.pack("<HHHH", x0, y0, w, h) + bytes([flags]) + table
    codes, end = lzw_codes(indices, min_size)
    if early_end:
        codes = codes[: len(codes) // 2]
    codes.append(end)
    body += bytes([min_size]) + sub_blocks(pack(codes, min_size + 1))
    return head + body + b";"


table4 = bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 250, 250, 10])
idx = [(i * 7) % 4 for i in range(6 * 5)]
save("gif_offset_frame", "gif", gif((10, 8), (3, 2, 6, 5), idx, 2, global_table=table4))
save("gif_offset_transparent", "gif",
     gif((10, 8), (3, 2, 6, 5), idx, 2, global_table=table4, transparency=2))
save("gif_frame_past_screen", "gif", gif((4, 4), (2, 1, 6, 5), idx, 2, local_table=table4))
table2 = bytes([10, 20, 30, 200, 100, 50])
save("gif_index_past_table", "gif", gif((6, 5), (0, 0, 6, 5), idx, 2, global_table=table2))
save("gif_no_table", "gif", gif((6, 5), (0, 0, 6, 5), [i * 9 % 256 for i in range(30)], 8))
save("gif_junk_between_blocks", "gif",
     gif((6, 5), (0, 0, 6, 5), idx, 2, global_table=table4, junk=b"\x00\x13"))
save("gif_interlaced_offset", "gif",
     gif((9, 11), (1, 1, 6, 9), [(i * 5) % 4 for i in range(54)], 2, local_table=table4,
         interlace=True))
save("gif_early_end", "gif", gif((6, 5), (0, 0, 6, 5), idx, 2, global_table=table4,
                                 early_end=True))

# --- BMP written by Pillow
pillow("bmp_rgb24", "bmp", Image.fromarray(pattern(13, 7)))
pillow("bmp_rgba32", "bmp", Image.fromarray(pattern(9, 6, 4), "RGBA"))
pillow("bmp_grey8", "bmp", Image.fromarray(pattern(11, 5, 1)[:, :, 0], "L"))
pillow("bmp_palette8", "bmp", Image.fromarray(pattern(10, 9)).quantize(colors=100))
pillow("bmp_1bit", "bmp", Image.fromarray(pattern(21, 5, 1)[:, :, 0] > 100))


def bmp(width, height, bits, rows, palette=b"", compression=0, masks=b"", header=40,
        colors=0):
    """rows: the pixel bytes of each row, top first, without padding."""
    stride = ((width * bits + 31) >> 3) & ~3
    data = b"".join(r.ljust(stride, b"\0") for r in (rows if height < 0 else rows[::-1]))
    if header == 12:
        info = struct.pack("<IHHHH", 12, width, abs(height), 1, bits)
    else:
        info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, bits, compression, len(data),
                           2835, 2835, colors, 0) + masks
    offset = 14 + len(info) + len(palette)
    return b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + info + palette + data


px = pattern(7, 5)
bgr_rows = [bytes(px[y, :, ::-1].tobytes()) for y in range(5)]
save("bmp_top_down", "bmp", bmp(7, -5, 24, bgr_rows))
rgb555 = [b"".join(struct.pack("<H", ((p[0] >> 3) << 10) | ((p[1] >> 3) << 5) | (p[2] >> 3))
                   for p in px[y]) for y in range(5)]
save("bmp_16bit_555", "bmp", bmp(7, 5, 16, rgb555))
rgb565 = [b"".join(struct.pack("<H", ((p[0] >> 3) << 11) | ((p[1] >> 2) << 5) | (p[2] >> 3))
                   for p in px[y]) for y in range(5)]
save("bmp_16bit_565", "bmp",
     bmp(7, 5, 16, rgb565, compression=3, masks=struct.pack("<III", 0xF800, 0x7E0, 0x1F)))
xbgr = [b"".join(bytes([0, p[2], p[1], p[0]]) for p in px[y]) for y in range(5)]
save("bmp_32bit_xbgr", "bmp",
     bmp(7, 5, 32, xbgr, compression=3, masks=struct.pack("<III", 0xFF000000, 0xFF0000, 0xFF00)))
pal16 = b"".join(bytes([i * 16, 255 - i * 16, (i * 40) % 256, 0]) for i in range(16))
nib = [bytes(((x * 3 + y) % 16) << 4 | ((x * 3 + y + 1) % 16) for x in range(4)) for y in range(5)]
save("bmp_4bit", "bmp", bmp(8, 5, 4, nib, palette=pal16))
pal_short = b"".join(bytes([i * 60, 10, 200 - i * 50, 0]) for i in range(4))
save("bmp_index_past_palette", "bmp",
     bmp(6, 3, 8, [bytes((x * 2 + y) % 8 for x in range(6)) for y in range(3)], palette=pal_short,
         colors=4))
os2_pal = b"".join(bytes([i, 255 - i, i // 2]) for i in range(256))
save("bmp_os2", "bmp",
     bmp(5, 4, 8, [bytes((x * 50 + y * 3) % 256 for x in range(5)) for y in range(4)],
         palette=os2_pal, header=12))
v5_masks = struct.pack("<IIII", 0xFF0000, 0xFF00, 0xFF, 0xFF000000) + bytes(124 - 56)
bgra = [b"".join(bytes([p[2], p[1], p[0], 77]) for p in px[y]) for y in range(5)]
v5 = bytearray(bmp(7, 5, 32, bgra, compression=3, masks=v5_masks))
struct.pack_into("<I", v5, 14, 124)
save("bmp_v5_bgra", "bmp", bytes(v5))


def bmp_rle(width, height, bits, data, palette, compression):
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, bits, compression, len(data), 0, 0,
                       len(palette) // 4, 0)
    offset = 14 + len(info) + len(palette)
    return b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + info + palette + data


pal8 = b"".join(bytes([i * 30 % 256, 255 - i * 20, i * 7, 0]) for i in range(12))
rle8 = (b"\x03\x01" + b"\x00\x03\x02\x05\x07\x00" + b"\x02\x09" + b"\x00\x00"  # run, absolute (padded), run, EOL
        + b"\x0a\x04" + b"\x00\x00"  # a run longer than the row, clipped
        + b"\x00\x02\x00\x00\x01\x01" + b"\x04\x0b"  # delta (Pillow skips 2 more bytes)
        + b"\x00\x04\x01\x02\x03\x04" + b"\x00\x01")  # absolute, end of bitmap
save("bmp_rle8_runs", "bmp", bmp_rle(8, 4, 8, rle8, pal8, 1))
rle4 = (b"\x05\x12" + b"\x00\x04\x34\x56" + b"\x00\x00" + b"\x09\x7a" + b"\x00\x00"
        + b"\x00\x04\x9a\xbc" + b"\x05\xd0" + b"\x00\x01")
save("bmp_rle4_runs", "bmp", bmp_rle(9, 3, 4, rle4, pal16, 2))
save("bmp_rle4_odd_run", "bmp", bmp_rle(9, 1, 4, b"\x00\x05\x9a\xbc\xd0\x00\x05\x11", pal16, 2))
save("bmp_rle8", "bmp", bmp(4, 2, 8, [b"\x02\x01\x02\x02", b"\x00\x00"], palette=pal_short,
                            compression=1, colors=4))

# --- WebP through Pillow's libwebp
pillow("webp_lossy", "webp", Image.fromarray(pattern(37, 29)), quality=80)
pillow("webp_lossless", "webp", Image.fromarray(pattern(37, 29)), lossless=True)
pillow("webp_alpha", "webp", Image.fromarray(pattern(21, 19, 4), "RGBA"), quality=60)
pillow("webp_alpha_lossless", "webp", Image.fromarray(pattern(21, 19, 4), "RGBA"), lossless=True)

# --- TIFF (Pillow writes compressed files through libtiff)
tif_rgb = Image.fromarray(pattern(27, 19))
pillow("tiff_rgb_raw", "tiff", tif_rgb)
pillow("tiff_rgb_lzw", "tiff", tif_rgb, compression="tiff_lzw")
pillow("tiff_rgb_deflate", "tiff", tif_rgb, compression="tiff_adobe_deflate")
pillow("tiff_big_lzw", "tiff", Image.fromarray(pattern(300, 211)), compression="tiff_lzw")
pillow("tiff_grey_lzw", "tiff", Image.fromarray(pattern(33, 9, 1)[:, :, 0], "L"), compression="tiff_lzw")
pillow("tiff_palette", "tiff", tif_rgb.quantize(colors=77))
pillow("tiff_rgba_deflate", "tiff", Image.fromarray(pattern(15, 14, 4), "RGBA"),
       compression="tiff_adobe_deflate")
pillow("tiff_predictor_lzw", "tiff", Image.fromarray(pattern(40, 30)), compression="tiff_lzw",
       tiffinfo={317: 2})
pillow("tiff_predictor_deflate", "tiff", Image.fromarray(pattern(40, 30, 1)[:, :, 0], "L"),
       compression="tiff_adobe_deflate", tiffinfo={317: 2, 278: 7})


def with_tag(data, tag, value):
    """A little-endian TIFF with one SHORT tag of its first IFD set to value."""
    data = bytearray(data)
    ifd = struct.unpack_from("<I", data, 4)[0]
    for i in range(struct.unpack_from("<H", data, ifd)[0]):
        at = ifd + 2 + 12 * i
        if struct.unpack_from("<H", data, at)[0] == tag:
            struct.pack_into("<H", data, at + 8, value)
    return bytes(data)


buf = io.BytesIO()
Image.fromarray(pattern(13, 8, 1)[:, :, 0], "L").save(buf, format="TIFF")
save("tiff_white_is_zero", "tiff", with_tag(buf.getvalue(), 262, 0))
pillow("tiff_1bit", "tiff", Image.fromarray(pattern(21, 5, 1)[:, :, 0] > 100))
pillow("tiff_1bit_group4", "tiff", Image.fromarray(pattern(21, 5, 1)[:, :, 0] > 100),
       compression="group4")
pillow("tiff_packbits", "tiff", Image.fromarray(pattern(50, 7)), compression="packbits")
pillow("tiff_16bit", "tiff", Image.fromarray((pattern(9, 4, 1)[:, :, 0].astype("uint16") * 200),
                                             "I;16"))
pillow("tiff_16bit_lzw_predictor", "tiff",
       Image.fromarray((pattern(19, 6, 1)[:, :, 0].astype("uint16") * 3), "I;16"),
       compression="tiff_lzw", tiffinfo={317: 2})


def tiff_rgb16(width, height, big_endian):
    """An uncompressed 16-bit RGB TIFF (Pillow cannot write one)."""
    e = ">" if big_endian else "<"
    y, x = np.mgrid[0:height, 0:width]
    px = np.dstack([(x * 4099 + y * 77 + c * 9001) % 65536 for c in range(3)]).astype(e + "u2")
    data = px.tobytes()
    tags = [(256, 3, width), (257, 3, height), (258, 3, None), (259, 3, 1), (262, 3, 2),
            (273, 4, None), (277, 3, 3), (278, 3, height), (279, 4, len(data))]
    ifd_at = 8
    bits_at = ifd_at + 2 + 12 * len(tags) + 4
    data_at = bits_at + 6
    out = (b"MM\0*" if big_endian else b"II*\0") + struct.pack(e + "I", ifd_at)
    out += struct.pack(e + "H", len(tags))
    for tag, kind, value in tags:
        if tag == 258:
            out += struct.pack(e + "HHII", tag, 3, 3, bits_at)
        elif tag == 273:
            out += struct.pack(e + "HHII", tag, 4, 1, data_at)
        elif kind == 3:
            out += struct.pack(e + "HHIHH", tag, 3, 1, value, 0)
        else:
            out += struct.pack(e + "HHII", tag, 4, 1, value)
    out += struct.pack(e + "I", 0) + struct.pack(e + "HHH", 16, 16, 16) + data
    return out


save("tiff_rgb16_little", "tiff", tiff_rgb16(7, 5, False))
save("tiff_rgb16_big", "tiff", tiff_rgb16(6, 4, True))

# --- a GIF named .jpg: Pillow goes by the signature
save("gif_named_jpg", "jpg", open(cases["gif_quantized"]["file"], "rb").read())

print(json.dumps(cases))
