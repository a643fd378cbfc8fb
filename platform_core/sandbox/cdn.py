"""Zalo's attachment CDN (*.zdn.vn) in miniature: the files a citizen "sends" in user_send_image events, so that
the product's download, type and size checks run over HTTP. `GET /cdn/<name>`:

- `anh.jpg`, `anh.png`, `anh.webp`: small images of each accepted type;
- `anh-lon.jpg`: a JPEG one byte over 5 MB (the feedback attachment limit);
- `giay-to.pdf`: not an image, whatever the event calls it;
- anything else: 404.
"""

import struct
import zlib

from flask import Blueprint, Response, abort

cdn_bp = Blueprint("sandbox_cdn", __name__, url_prefix="/cdn")
LARGE_BYTES = 5 * 1024 * 1024 + 1


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x1f\x6f\xb4"))
            + chunk(b"IEND", b""))


_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
_WEBP_BODY = b"WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
FILES = {
    "anh.jpg": ("image/jpeg", lambda: _JPEG),
    "anh.png": ("image/png", _png),
    "anh.webp": ("image/webp", lambda: b"RIFF" + struct.pack("<I", len(_WEBP_BODY)) + _WEBP_BODY),
    "anh-lon.jpg": ("image/jpeg", lambda: _JPEG + b"\x00" * (LARGE_BYTES - len(_JPEG))),
    "giay-to.pdf": ("image/jpeg", lambda: b"%PDF-1.4\n% not an image\n"),  # a CDN may well say image/jpeg
}


@cdn_bp.get("/<name>")
def attachment(name: str):
    if name not in FILES:
        abort(404)
    content_type, build = FILES[name]
    return Response(build(), content_type=content_type)
