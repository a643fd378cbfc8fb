"""What kind of image an upload is, told by its first bytes whatever the file is called (logos, feedback
photos, broadcast banners). No SVG: it can carry script."""

SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def image_type(data: bytes) -> str | None:
    """"image/png", "image/jpeg", "image/webp", or None for anything else."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for signature, kind in SIGNATURES if data.startswith(signature)), None)
