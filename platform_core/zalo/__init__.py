"""Zalo Official Account integration: HTTP client, error taxonomy, token store, webhooks (zalo-oa.md)."""
