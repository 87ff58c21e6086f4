"""Modbus register arithmetic: group points into block reads, decode and encode values."""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from gateway.telemetry.points import ModbusAddress, Point, RegisterType, WordOrder


@dataclass(frozen=True, slots=True)
class Block:
    """One read request: ``count`` registers from ``start``, covering ``points``."""

    register_type: RegisterType
    start: int
    count: int
    points: tuple[Point, ...]


def _address(point: Point) -> ModbusAddress:
    if not isinstance(point.address, ModbusAddress):
        raise TypeError(f"{point.tag}.{point.name} has no Modbus address")
    return point.address


def plan_blocks(points: Sequence[Point], max_block: int = 120, max_gap: int = 8) -> list[Block]:
    """Cover ``points`` with as few contiguous reads as the limits allow."""
    blocks: list[Block] = []
    for rtype in RegisterType:
        chosen = sorted(
            (p for p in points if _address(p).register_type is rtype),
            key=lambda p: _address(p).register,
        )
        current: list[Point] = []
        start = end = 0
        for p in chosen:
            a = _address(p)
            fits = current and a.register - end <= max_gap and a.end - start <= max_block
            if not fits:
                if current:
                    blocks.append(Block(rtype, start, end - start, tuple(current)))
                current, start, end = [], a.register, a.end
            current.append(p)
            end = max(end, a.end)
        if current:
            blocks.append(Block(rtype, start, end - start, tuple(current)))
    return blocks


def decode(address: ModbusAddress, registers: Sequence[int]) -> float | None:
    """Engineering value of the registers holding one point (None for NaN/inf)."""
    words = list(registers[: address.data_type.words])
    if len(words) != address.data_type.words:
        raise ValueError(f"need {address.data_type.words} registers, got {len(words)}")
    if address.word_order is WordOrder.LITTLE:
        words.reverse()
    raw = address.data_type.struct.unpack(b"".join(w.to_bytes(2, "big") for w in words))[0]
    value = raw * address.scale + address.offset
    return value if math.isfinite(value) else None


def encode(address: ModbusAddress, value: float) -> list[int]:
    """Registers a device would hold for ``value`` (inverse of :func:`decode`)."""
    raw: float | int = (value - address.offset) / address.scale
    if not address.data_type.is_float:
        raw = round(raw)
    try:
        data = address.data_type.struct.pack(raw)
    except struct.error as exc:
        raise ValueError(f"{value} does not fit {address.data_type.name.lower()}: {exc}") from None
    words = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
    if address.word_order is WordOrder.LITTLE:
        words.reverse()
    return words
