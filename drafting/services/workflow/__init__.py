"""The workflow of an amendment: transitions, the review queue and history, and who is told."""
