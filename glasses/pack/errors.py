"""Errors of the glasses' pack store."""

from __future__ import annotations


class PackError(Exception):
    """Base of every pack error; ``str()`` says what is wrong and where."""


class TrustedKeyError(PackError):
    """A ``trusted_keys`` entry is neither a readable Ed25519 public key PEM nor 64 hex digits."""


class SignatureError(PackError):
    """The manifest is unsigned or not signed by a trusted key."""


class PackInvalid(PackError):
    """A pack's files do not match its manifest, or its documents do not load."""
