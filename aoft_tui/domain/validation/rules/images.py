"""Checks for `image_url` content parts (vision fine-tuning).

Azure's limits: JPEG, PNG or WEBP; an https URL or a base64 data URI; at most 10 MB per
image; at most 64 images per example; at most 50,000 examples with images per file;
`detail` low, high or auto; never in an assistant message.
"""

from __future__ import annotations

from typing import Any

from aoft_tui.domain.sizes import byte_size
from aoft_tui.domain.validation.rules.checks import Issues

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGES_PER_EXAMPLE = 64
MAX_IMAGE_EXAMPLES = 50_000
IMAGE_FORMATS = ("jpeg", "jpg", "png", "webp")
DETAILS = ("low", "high", "auto")
_BAD_EXTENSIONS = (".gif", ".bmp", ".tif", ".tiff", ".svg", ".heic", ".avif", ".ico")


def check_image_part(part: dict[str, Any], loc: str, role: Any, issues: Issues) -> None:
    if role == "assistant":
        issues.append(
            (
                "image_in_assistant",
                loc,
                "Images are allowed only in user (or system) messages, not as assistant "
                "output: move the image to the user message before it.",
            )
        )
    image = part.get("image_url")
    if not isinstance(image, dict):
        issues.append(
            (
                "invalid_content_part",
                f"{loc}.image_url",
                'An image part needs "image_url": {"url": "https://…" or "data:image/png;base64,…"}.',
            )
        )
        return
    detail = image.get("detail")
    if detail is not None and detail not in DETAILS:
        issues.append(
            (
                "invalid_image_detail",
                f"{loc}.image_url.detail",
                f'detail is {detail!r}: use "low", "high" or "auto" (or leave it out).',
            )
        )
    url = image.get("url")
    where = f"{loc}.image_url.url"
    if not isinstance(url, str) or not url:
        issues.append(("invalid_image_url", where, "The image needs a non-empty string url."))
        return
    if url.startswith("data:"):
        _check_data_uri(url, where, issues)
    elif url.startswith("https://"):
        path = url.split("?", 1)[0].split("#", 1)[0].lower()
        if path.endswith(_BAD_EXTENSIONS):
            issues.append(
                (
                    "unsupported_image_format",
                    where,
                    f"{path.rsplit('.', 1)[-1].upper()} images are not supported: convert "
                    "the image to JPEG, PNG or WEBP.",
                )
            )
    elif url.startswith("http://"):
        issues.append(
            (
                "invalid_image_url",
                where,
                "The image URL uses http: use an https URL or embed the image as a data URI.",
            )
        )
    else:
        issues.append(
            (
                "invalid_image_url",
                where,
                f"The image URL {url[:40]!r} is neither https nor a data URI (data:image/jpeg;base64,…).",
            )
        )


def _check_data_uri(url: str, where: str, issues: Issues) -> None:
    head, sep, payload = url.partition(",")
    if not sep or not head.startswith("data:image/") or not head.endswith(";base64"):
        issues.append(
            ("invalid_image_url", where, "A data URI must look like data:image/png;base64,<base64 bytes>.")
        )
        return
    fmt = head[len("data:image/") : -len(";base64")].lower()
    if fmt not in IMAGE_FORMATS:
        issues.append(
            (
                "unsupported_image_format",
                where,
                f"image/{fmt} is not supported: convert the image to JPEG, PNG or WEBP.",
            )
        )
    size = len(payload) * 3 // 4 - payload[-2:].count("=")
    if size > MAX_IMAGE_BYTES:
        issues.append(
            (
                "image_too_large",
                where,
                f"The image is {byte_size(size)}: Azure allows at most 10 MiB "
                "per image — resize or recompress it.",
            )
        )
