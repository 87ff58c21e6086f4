"""Everything glasses and gateway agree on. Sans-I/O: no asyncio, no websockets here."""
