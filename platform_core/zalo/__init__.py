"""Zalo Official Account integration: HTTP client, error taxonomy, token store, webhooks (docs/zalo-oa.md)."""
