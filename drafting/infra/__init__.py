"""Plumbing that names no domain concept: HTTP guards, i18n, rate limits, pool, job queue."""
