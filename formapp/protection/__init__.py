"""Personal data at rest: encryption of personnummer and names (AES-GCM), keyed lookup hashes,
the keyring they come from, and re-encryption under a new key (``formapp rotate-key``)."""
