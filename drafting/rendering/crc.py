"""The CRC-32 of a concatenation from its parts' (zlib's crc32_combine, which Python's zlib
does not expose): a ZIP entry made of pieces written apart (the combined PDF's segments, the
documents' pieces) gets its CRC without its bytes being read again."""

from __future__ import annotations

import functools
from collections.abc import Sequence


def _gf2_times(matrix: Sequence[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: Sequence[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


@functools.cache
def _zeros(power: int) -> tuple[int, ...]:
    """The operator that carries a CRC through 2**power zero bytes (worked out once)."""
    if power == 0:
        operator = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
        for _ in range(3):
            operator = _gf2_square(operator)  # 2, 4, then 8 zero bits: one zero byte
        return tuple(operator)
    return tuple(_gf2_square(_zeros(power - 1)))


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A + B from crc32(A), crc32(B) and len(B): A's CRC is carried through
    len(B) zero bytes by the CRC's GF(2) operators for the powers of two that make len(B)
    (each squared from the last once per process, not once per call)."""
    power = 0
    while length2 > 0:
        if length2 & 1:
            crc1 = _gf2_times(_zeros(power), crc1)
        length2 >>= 1
        power += 1
    return crc1 ^ crc2
