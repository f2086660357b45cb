"""Co-signing: signatures bound to one exact text, invitations, stale signatures, what to sign."""
