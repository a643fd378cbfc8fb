"""Satisfaction ratings: a returned dossier invites its citizen to rate the service (docs/domain.md §3)."""
