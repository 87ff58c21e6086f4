"""The paired-device registry: codes are one-time and short-lived, tokens are per device."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from gateway.security.devices import DeviceRegistry, PairingError, format_code, open_registry


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def registry(tmp_path: Path, clock: Clock) -> DeviceRegistry:
    reg = DeviceRegistry(tmp_path / "devices.db", max_failures=5, clock=clock)
    yield reg
    reg.close()


def test_pair_check_and_list(registry: DeviceRegistry, clock: Clock) -> None:
    code = registry.create_code()
    assert len(code) == 8 and code.isdigit()
    token = registry.redeem(format_code(code), "glasses-01", "  Ana's   glasses ")
    assert len(token) >= 40
    clock.now += 5
    assert registry.check("glasses-01", token) == ""
    [device] = registry.list()
    assert (device.id, device.name, device.revoked) == ("glasses-01", "Ana's glasses", False)
    assert device.paired_at == 1_000_000.0 and device.last_seen == 1_000_005.0


def test_nothing_secret_is_stored_in_clear(registry: DeviceRegistry) -> None:
    code = registry.create_code()
    token = registry.redeem(code, "glasses-01", "g")
    assert stat.S_IMODE(registry.path.stat().st_mode) == 0o600
    dump = "\n".join(sqlite3.connect(registry.path).iterdump())
    assert code not in dump and token not in dump


def test_wrong_expired_and_reused_codes_are_refused(registry: DeviceRegistry, clock: Clock) -> None:
    code = registry.create_code(ttl_s=60)
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    with pytest.raises(PairingError, match=r"^wrong pairing code$"):
        registry.redeem(wrong, "glasses-01", "g")
    with pytest.raises(PairingError, match=r"^wrong pairing code$"):
        registry.redeem("123", "glasses-01", "g")
    registry.redeem(code, "glasses-01", "g")
    with pytest.raises(PairingError, match="already used"):
        registry.redeem(code, "glasses-02", "g")
    late = registry.create_code(ttl_s=60)
    clock.now += 61
    with pytest.raises(PairingError, match="expired"):
        registry.redeem(late, "glasses-02", "g")
    assert [d.id for d in registry.list()] == ["glasses-01"]


def test_guessing_codes_cancels_every_open_code(registry: DeviceRegistry) -> None:
    code = registry.create_code()
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    for _ in range(4):
        with pytest.raises(PairingError, match=r"^wrong pairing code$"):
            registry.redeem(wrong, "attacker", "x")
    with pytest.raises(PairingError, match="every open code was cancelled"):
        registry.redeem(wrong, "attacker", "x")
    with pytest.raises(PairingError, match=r"^wrong pairing code$"):
        registry.redeem(code, "glasses-01", "g")  # the real code is gone too
    registry.redeem(registry.create_code(), "glasses-01", "g")


def test_bad_device_ids_are_refused(registry: DeviceRegistry) -> None:
    code = registry.create_code()
    for bad in ("", "-x", "a b", "x" * 65, "ä", "abc\n"):
        with pytest.raises(PairingError, match="device id must be"):
            registry.redeem(code, bad, "g")
    registry.redeem(code, "glasses-01", "g")  # the code was not spent by bad requests


def test_check_refusals(registry: DeviceRegistry) -> None:
    token = registry.redeem(registry.create_code(), "glasses-01", "g")
    assert registry.check("glasses-02", token).startswith("unknown device")
    assert registry.check("glasses-01", token + "x") == "wrong token"
    assert registry.check("glasses-01", "") == "wrong token"
    assert registry.revoke("glasses-01") is True
    assert registry.revoke("glasses-01") is False
    assert registry.revoke("nobody") is False
    assert registry.check("glasses-01", token).startswith("revoked")
    assert registry.list()[0].revoked is True


def test_pairing_again_replaces_the_token_and_lifts_a_revocation(registry: DeviceRegistry) -> None:
    old = registry.redeem(registry.create_code(), "glasses-01", "g")
    registry.revoke("glasses-01")
    new = registry.redeem(registry.create_code(), "glasses-01", "g")
    assert registry.check("glasses-01", new) == ""
    assert registry.check("glasses-01", old) == "wrong token"


def test_codes_made_by_one_process_are_redeemed_by_another(tmp_path: Path) -> None:
    pair_cmd, server = open_registry(tmp_path), open_registry(tmp_path)
    try:
        token = server.redeem(pair_cmd.create_code(), "glasses-01", "g")
        assert pair_cmd.check("glasses-01", token) == ""
    finally:
        pair_cmd.close()
        server.close()


def test_lifetime_must_be_positive(registry: DeviceRegistry) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        registry.create_code(ttl_s=0)


def test_wrong_codes_are_counted_across_processes(tmp_path: Path) -> None:
    server_a, server_b = (DeviceRegistry(tmp_path / "d.db", max_failures=3) for _ in range(2))
    try:
        code = server_a.create_code()
        wrong = f"{(int(code) + 1) % 10**8:08d}"
        for reg in (server_a, server_b):
            with pytest.raises(PairingError, match=r"^wrong pairing code$"):
                reg.redeem(wrong, "attacker", "x")
        with pytest.raises(PairingError, match="every open code was cancelled"):
            server_a.redeem(wrong, "attacker", "x")
        for _ in range(2):  # a new code starts a fresh count
            code = server_b.create_code()
            with pytest.raises(PairingError, match=r"^wrong pairing code$"):
                server_a.redeem(wrong if wrong != code else "00000000", "attacker", "x")
        server_a.redeem(code, "glasses-01", "g")
    finally:
        server_a.close()
        server_b.close()
