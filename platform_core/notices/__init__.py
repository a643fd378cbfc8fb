"""Dossier notices: what a citizen is told when their dossier moves (docs/domain.md §8.2).

The kinds of notice (kinds.py), the values a template sees (context.py), the province's versioned templates
(models.py, templates.py) with their sandboxed rendering (rendering.py), the editor (views.py, forms.py;
placeholders.py lets admins write a field as [Mã hồ sơ] rather than Jinja) and
its check of ZNS parameters with Zalo (zns_check.py). service.py listens to recorded dossier events and writes
the notice to the outbox; renderer.py is what the sender uses to turn it into a Zalo message. Neither
dossiers/ nor delivery/ imports this package: platform_core/wiring.py registers both ends.
"""
