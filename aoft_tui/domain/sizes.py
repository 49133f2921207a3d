"""Byte sizes as people read them, apart from formatting.py so that the validator can say
them without loading the job models formatting.py needs (start-up: bench/validate.py).
formatting.py re-exports both names."""

from __future__ import annotations

DASH = "—"


def byte_size(n: float | None) -> str:
    """`512 B`, `1.5 KiB`, `12.3 MiB`, `2.5 GiB`: binary units everywhere (the overview, the
    upload progress, the validator), as the limits they are held to are binary."""
    if n is None:
        return DASH
    for unit in ("B", "KiB", "MiB"):
        if abs(n) < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"
