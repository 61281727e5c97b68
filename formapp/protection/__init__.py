"""Personal data at rest: encryption of personnummer and names (AES-GCM, each value bound to its
table, column and row), keyed lookup hashes, the keyring they come from, re-encryption under a
new key (``formapp rotate-key``) and the check of every value against its row (``formapp
verify --all``)."""
