"""WCAG contrast for a space's theme colour. White text sits on the primary colour (header, buttons),
so the colour must reach 4.5:1 against white (WCAG 2.x AA for normal text)."""

from __future__ import annotations

import colorsys
import re
from decimal import ROUND_DOWN, Decimal

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
AA_NORMAL = 4.5


def parse_hex(value: str) -> tuple[int, int, int]:
    value = value.strip()
    if not HEX.match(value):
        raise ValueError(value)
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def to_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def contrast_with_white(color: str) -> float:
    return contrast_ratio(parse_hex(color), (255, 255, 255))


def shown_ratio(ratio: float) -> Decimal:
    """A contrast ratio as people read it: two decimals, rounded down, so a colour that misses 4.5:1
    (say 4.499) never shows as if it reached it."""
    return Decimal(repr(ratio)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def darker_shade(color: str, target: float = AA_NORMAL) -> str:
    """The lightest shade of the same hue and saturation that reaches ``target`` against white."""
    r, g, b = parse_hex(color)
    h, lightness, s = colorsys.rgb_to_hls(r / 255, g / 255, b / 255)
    while lightness > 0:
        lightness = max(0.0, lightness - 0.01)
        rgb = tuple(round(c * 255) for c in colorsys.hls_to_rgb(h, lightness, s))
        if contrast_ratio(rgb, (255, 255, 255)) >= target:  # type: ignore[arg-type]
            return to_hex(rgb)  # type: ignore[arg-type]
    return "#000000"


def mix(color: str, other: str, share: float) -> str:
    """``share`` of ``other`` mixed into ``color``: a tint for backgrounds (share of white)."""
    a, b = parse_hex(color), parse_hex(other)
    return to_hex(tuple(round(x + (y - x) * share) for x, y in zip(a, b, strict=True)))  # type: ignore[arg-type]
