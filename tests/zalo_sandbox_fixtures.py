"""Fixtures that run the Zalo sandbox server (filled in by the sandbox work)."""
