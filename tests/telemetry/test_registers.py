"""Register decoding, encoding and block planning."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from gateway.telemetry.points import (
    DataType,
    ModbusAddress,
    Point,
    RegisterType,
    WordOrder,
)
from gateway.telemetry.registers import decode, encode, plan_blocks


def test_known_encodings() -> None:
    assert decode(ModbusAddress(0, data_type=DataType.UINT16, scale=0.1), [3900]) == 390.0
    assert decode(ModbusAddress(0, data_type=DataType.INT16, scale=0.1), [0xFFF6]) == -1.0
    f32 = ModbusAddress(0, data_type=DataType.FLOAT32)
    assert decode(f32, [0x4148, 0x0000]) == 12.5
    little = ModbusAddress(0, data_type=DataType.FLOAT32, word_order=WordOrder.LITTLE)
    assert decode(little, [0x0000, 0x4148]) == 12.5
    u32 = ModbusAddress(0, data_type=DataType.UINT32, offset=-40.0)
    assert decode(u32, [0x0001, 0x0000]) == 65536 - 40
    assert decode(f32, [0x7FC0, 0x0000]) is None  # NaN is a missing value


@given(
    dtype=st.sampled_from(list(DataType)),
    order=st.sampled_from(list(WordOrder)),
    raw=st.integers(min_value=-30000, max_value=30000),
    scale=st.sampled_from([1.0, 0.1, 0.01, 2.0]),
)
def test_encode_decode_round_trip(
    dtype: DataType, order: WordOrder, raw: int, scale: float
) -> None:
    if dtype in (DataType.UINT16, DataType.UINT32):
        raw = abs(raw)
    address = ModbusAddress(0, data_type=dtype, scale=scale, offset=5.0, word_order=order)
    value = raw * scale + 5.0
    words = encode(address, value)
    assert len(words) == dtype.words and all(0 <= w <= 0xFFFF for w in words)
    decoded = decode(address, words)
    assert decoded is not None
    assert math.isclose(decoded, value, rel_tol=1e-6, abs_tol=scale / 2 + 1e-3)


def _point(
    name: str, register: int, rtype: RegisterType, dtype: DataType = DataType.UINT16
) -> Point:
    return Point("X-1", name, "u", 0, 1, "s", ModbusAddress(register, rtype, dtype))


def test_plan_blocks_respects_gaps_sizes_and_types() -> None:
    points = [
        _point("a", 0, RegisterType.INPUT),
        _point("b", 1, RegisterType.INPUT, DataType.FLOAT32),  # 1..2
        _point("c", 6, RegisterType.INPUT),  # gap of 3: same block
        _point("d", 40, RegisterType.INPUT),  # gap too big: new block
        _point("e", 4, RegisterType.HOLDING),
    ]
    blocks = plan_blocks(points, max_block=120, max_gap=8)
    spans = [(b.register_type, b.start, b.count, [p.name for p in b.points]) for b in blocks]
    assert spans == [
        (RegisterType.HOLDING, 4, 1, ["e"]),
        (RegisterType.INPUT, 0, 7, ["a", "b", "c"]),
        (RegisterType.INPUT, 40, 1, ["d"]),
    ]
    many = [_point(f"p{i}", i, RegisterType.HOLDING) for i in range(1000)]
    blocks = plan_blocks(many, max_block=120, max_gap=8)
    assert len(blocks) == 9 and max(b.count for b in blocks) <= 120
    assert sum(len(b.points) for b in blocks) == 1000
