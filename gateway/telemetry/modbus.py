"""Modbus TCP source (pymodbus ``AsyncModbusTcpClient``).

Points are grouped into block reads (:func:`plan_blocks`). A Modbus exception
for one block (e.g. illegal address) marks that block's points MISSING; no
answer at all (refused, timeout, disconnect) raises :class:`SourceUnavailable`
and drops the connection, so the next read reconnects. pymodbus' own
reconnect loop is disabled: the poller owns retry timing and backoff.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Any

from gateway.telemetry.model import Quality, Reading
from gateway.telemetry.points import ModbusAddress, ModbusSourceSpec, Point, RegisterType
from gateway.telemetry.registers import Block, decode, plan_blocks
from gateway.telemetry.source import SourceUnavailable

log = logging.getLogger(__name__)


class ModbusSource:
    """Reads one Modbus TCP device (one unit id)."""

    def __init__(self, spec: ModbusSourceSpec, points: Sequence[Point] = ()) -> None:
        self.spec = spec
        self._client: Any = None
        self._plans: dict[tuple[tuple[str, str], ...], list[Block]] = {}
        if points:
            self._plan(points)

    @property
    def name(self) -> str:
        return self.spec.name

    def _plan(self, points: Sequence[Point]) -> list[Block]:
        key = tuple(p.key for p in points)
        plan = self._plans.get(key)
        if plan is None:
            plan = plan_blocks(points, self.spec.max_block, self.spec.max_gap)
            self._plans[key] = plan
        return plan

    async def _connect(self) -> Any:
        if self._client is not None and self._client.connected:
            return self._client
        from pymodbus.client import AsyncModbusTcpClient

        await self.close()
        client = AsyncModbusTcpClient(
            self.spec.host,
            port=self.spec.port,
            timeout=self.spec.timeout_s,
            retries=0,
            reconnect_delay=0,
            name=f"telemetry-{self.spec.name}",
        )
        try:
            async with asyncio.timeout(self.spec.timeout_s):
                ok = await client.connect()
        except TimeoutError:
            ok = False
        if not ok:
            client.close()
            raise SourceUnavailable(f"cannot connect to {self.spec.uri}")
        self._client = client
        return client

    async def read(self, points: Sequence[Point]) -> list[Reading]:
        client = await self._connect()
        readings: list[Reading] = []
        for block in self._plan(points):
            registers = await self._read_block(client, block)
            ts = time.time()
            for p in block.points:
                readings.append(self._reading(p, block, registers, ts))
        return readings

    async def _read_block(self, client: Any, block: Block) -> list[int] | None:
        """The block's registers, or None if the device answered with an exception."""
        from pymodbus.exceptions import ModbusException

        call = (
            client.read_holding_registers
            if block.register_type is RegisterType.HOLDING
            else client.read_input_registers
        )
        try:
            async with asyncio.timeout(self.spec.timeout_s):
                response = await call(block.start, count=block.count, device_id=self.spec.unit_id)
        except (TimeoutError, ModbusException, ConnectionError, OSError) as exc:
            await self.close()
            raise SourceUnavailable(f"{self.spec.uri}: {exc or type(exc).__name__}") from exc
        if response.isError():
            log.debug("%s: exception response for block %s: %s", self.name, block, response)
            return None
        regs = list(response.registers)
        return regs if len(regs) >= block.count else None

    @staticmethod
    def _reading(p: Point, block: Block, registers: list[int] | None, ts: float) -> Reading:
        if registers is None:
            return Reading(p.tag, p.name, ts, None, Quality.MISSING)
        a = p.address
        assert isinstance(a, ModbusAddress)
        offset = a.register - block.start
        value = decode(a, registers[offset : offset + a.data_type.words])
        quality = Quality.GOOD if value is not None else Quality.MISSING
        return Reading(p.tag, p.name, ts, value, quality)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
