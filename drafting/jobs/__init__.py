"""Background entry points: RQ job functions that take ids and run after commit; only the CLI
imports them (the queue finds them by dotted name)."""
