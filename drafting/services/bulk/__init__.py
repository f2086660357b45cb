"""Bulk actions: a selection (ids, or everything a list filter matches) and one result per
amendment, each checked and applied exactly as the single action would be."""
