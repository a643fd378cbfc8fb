"""Feedback and petitions (phản ánh, kiến nghị, PAKN) under Decree 20/2008 (docs/domain.md §4)."""
