"""A site's controllers simulated by a real pymodbus server (demos and tests).

Every Modbus source of a point list becomes one device (its unit id) on one
local Modbus TCP server. Each read computes the point's value now: a daily
cycle with noise inside its normal range, unless a test or the operator has
overridden it (a function of time, a frozen value, or a failing device).
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from gateway.telemetry.baseline import local_utc_offset
from gateway.telemetry.points import ModbusAddress, ModbusSourceSpec, Point, PointList, RegisterType
from gateway.telemetry.registers import encode
from gateway.telemetry.synthetic import SeriesShape, daily_cycle

ValueFn = Callable[[float], float]


def retarget(points: PointList, host: str, port: int) -> PointList:
    """The same point list with every Modbus source pointing at ``host:port``."""
    sources = {
        name: dataclasses.replace(spec, uri=f"modbus+tcp://{host}:{port}", host=host, port=port)
        if isinstance(spec, ModbusSourceSpec)
        else spec
        for name, spec in points.sources.items()
    }
    return PointList(points.path, sources, points.equipment, points.points)


def point_shape(point: Point) -> SeriesShape:
    """A healthy point: mid-range, a daily cycle of 12 % of the range, 1.5 % noise."""
    if point.baseline is not None:
        b = point.baseline
        return SeriesShape(b.level, 2 * b.spread, b.spread, resolution=point.resolution)
    width = point.high - point.low
    mid = (point.low + point.high) / 2
    return SeriesShape(mid, 0.12 * width, 0.015 * width, resolution=point.resolution)


def normal_value(point: Point, rng: random.Random) -> ValueFn:
    """Values of a healthy point at any time (peak at 15:00 local time, white noise)."""
    shape = point_shape(point)
    utc = local_utc_offset()

    def value(ts: float) -> float:
        hours = ((ts + utc) % 86_400.0) / 3_600.0
        cycle = float(daily_cycle(np.asarray(hours), shape.peak_hour))
        return shape.mean + shape.amplitude * cycle + rng.gauss(0, shape.noise)

    return value


class SiteSimulator:
    """Serves the Modbus points of ``points`` from ``host:port`` (0: a free port)."""

    def __init__(self, points: PointList, host: str = "127.0.0.1", port: int = 0, seed: int = 0):
        self.points = points
        self.host = host
        self.port = port
        self._rng = random.Random(seed)
        self._fn: dict[tuple[str, str], ValueFn] = {}
        self._failing: set[int] = set()
        self._layout: dict[tuple[int, RegisterType], list[Point]] = {}
        for name, spec in points.sources.items():
            if isinstance(spec, ModbusSourceSpec):
                for p in points.points_of(name):
                    assert isinstance(p.address, ModbusAddress)
                    key = (spec.unit_id, p.address.register_type)
                    self._layout.setdefault(key, []).append(p)
                    self._fn[p.key] = normal_value(p, self._rng)
        self._server: Any = None

    # -- controlling values -----------------------------------------------------------
    def set_value(self, tag: str, point: str, fn: ValueFn | float) -> None:
        """Make a point read ``fn(now)`` (or a constant) from now on."""
        if callable(fn):
            self._fn[(tag, point)] = fn
            return
        constant = float(fn)

        def value(_ts: float) -> float:
            return constant

        self._fn[(tag, point)] = value

    def value_fn(self, tag: str, point: str) -> ValueFn:
        """The function a point currently reads from."""
        return self._fn[(tag, point)]

    def freeze(self, tag: str, point: str) -> None:
        """A stuck sensor: keeps reading its current value."""
        self.set_value(tag, point, self._fn[(tag, point)](time.time()))

    def restore(self, tag: str, point: str) -> None:
        p = self.points.point(tag, point)
        self._fn[p.key] = normal_value(p, self._rng)

    def fail_device(self, unit_id: int, failing: bool = True) -> None:
        """Make a device answer every read with a Modbus exception (or stop doing so)."""
        (self._failing.add if failing else self._failing.discard)(unit_id)

    # -- server -----------------------------------------------------------------------------
    async def start(self) -> int:
        """Start serving; returns the port."""
        from pymodbus.server import ModbusTcpServer

        self._server = ModbusTcpServer(self._devices(), address=(self.host, self.port))
        await self._server.serve_forever(background=True)
        self.port = int(self._server.transport.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await server.shutdown()

    def _devices(self) -> list[Any]:
        from pymodbus.simulator import DataType, SimData, SimDevice

        devices = []
        for unit in sorted({unit for unit, _ in self._layout}):
            blocks = []
            for rtype in (RegisterType.HOLDING, RegisterType.INPUT):
                pts = self._layout.get((unit, rtype), [])
                size = max(
                    (p.address.end for p in pts if isinstance(p.address, ModbusAddress)), default=1
                )
                blocks.append([SimData(0, count=size + 1, values=0, datatype=DataType.REGISTERS)])
            bits = [SimData(0, values=[False] * 16, datatype=DataType.BITS)]
            simdata = (bits, list(bits), blocks[0], blocks[1])
            devices.append(SimDevice(id=unit, simdata=simdata, action=self._action(unit)))
        return devices

    def _action(self, unit: int) -> Callable[..., Any]:
        from pymodbus.constants import ExcCodes

        async def action(
            func_code: int, start: int, address: int, count: int, registers: list[int], values: Any
        ) -> Any:
            if unit in self._failing:
                return ExcCodes.DEVICE_FAILURE
            rtype = RegisterType.INPUT if func_code == 4 else RegisterType.HOLDING
            now = time.time()
            for p in self._layout.get((unit, rtype), []):
                a = p.address
                assert isinstance(a, ModbusAddress)
                if a.end > address and a.register < address + count:
                    try:
                        words = encode(a, self._fn[p.key](now))
                    except ValueError:
                        continue  # out of the register's range: keep the last value
                    registers[a.register - start : a.end - start] = words
            return None

        return action
