"""Gateway security: TLS identity, paired-device registry, pairing over HTTPS."""
