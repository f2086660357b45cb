"""Deadlines in the database: those binding an amendment, who sets them, who must act when, and
the sweep that closes and reminds. The rules themselves live in the pure `workflows.deadlines`."""
