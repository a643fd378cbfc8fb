"""The audit trail, a platform service: `record_event` (service.py) writes one row per security-relevant action,
in the caller's transaction, to the tenant's log or the platform's (models.py). db/cross_tenant.py reaches it
through its access listener (registered in platform_core/wiring.py), not an import.
"""
