"""Accounts: people and groups, passwords, login, API tokens, web sessions, the second factor."""
