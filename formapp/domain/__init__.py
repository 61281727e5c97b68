"""Pure domain rules and vocabularies (no Flask, no database)."""
