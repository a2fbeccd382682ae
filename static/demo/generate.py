"""Draws the demo shop's pictures (stdlib only): python3 generate.py [out_dir]."""
import math
import struct
import sys
import zlib


def png(width, height, pixel):
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows.extend(pixel(x, y))
    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
    head = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


def mix(a, b, t):
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


def banner(c1, c2, w=750, h=320):
    def px(x, y):
        t = x / (w - 1)
        base = mix(c1, c2, t)
        # soft circles so each banner is recognisable
        d = math.hypot(x - w * 0.72, y - h * 0.5)
        if d < h * 0.32:
            return mix(base, (255, 255, 255), 0.35)
        return base
    return png(w, h, px)


def goods(c, shape, s=400):
    def px(x, y):
        bg = (246, 246, 246)
        cx, cy = x - s / 2, y - s / 2
        inside = {
            "circle": math.hypot(cx, cy) < s * 0.32,
            "square": abs(cx) < s * 0.28 and abs(cy) < s * 0.28,
            "diamond": abs(cx) + abs(cy) < s * 0.36,
            "ring": s * 0.18 < math.hypot(cx, cy) < s * 0.33,
            "triangle": -s * 0.3 < cy < s * 0.3 and abs(cx) < (cy + s * 0.3) * 0.6,
            "stripes": abs(cx) < s * 0.3 and abs(cy) < s * 0.3 and int((cy + s) // (s * 0.1)) % 2 == 0,
            "bowl": cy > -s * 0.05 and math.hypot(cx, cy + s * 0.05) < s * 0.32,
        }[shape]
        return c if inside else bg
    return png(s, s, px)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    files = {
        "banner-1.png": banner((255, 94, 58), (255, 149, 0)),
        "banner-2.png": banner((52, 120, 246), (90, 200, 250)),
        "banner-3.png": banner((52, 199, 89), (48, 176, 199)),
        "goods-tea.png": goods((94, 140, 49), "circle"),
        "goods-cup.png": goods((200, 120, 60), "square"),
        "goods-honey.png": goods((240, 180, 20), "diamond"),
        "goods-tshirt.png": goods((220, 60, 60), "ring"),
        "goods-blacktea.png": goods((150, 60, 40), "circle"),
        "goods-goji.png": goods((210, 40, 50), "triangle"),
        "goods-bowl.png": goods((70, 110, 170), "bowl"),
        "goods-scarf.png": goods((130, 90, 160), "stripes"),
        "ad-popup.png": banner((120, 80, 220), (240, 90, 160), 600, 800),
    }
    for name, data in files.items():
        with open(f"{out}/{name}", "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
