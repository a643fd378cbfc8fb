"""Satisfaction ratings: a returned dossier invites its citizen to rate the service (domain.md §3)."""
