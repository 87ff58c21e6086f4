"""Software for the AR glasses: voice loop, overlay, offline pack, gateway link."""

__version__ = "0.1.0"
