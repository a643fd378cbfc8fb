"""Province settings: every setting a province has is declared once in definitions.py (name, type, default,
validation, who may edit it, whether it is secret), stored as one row per (tenant, setting) in
`province_setting`, read through `province_settings()` and written through `save_setting()` (service.py).
Not to be confused with the app's own settings (platform_core/config.py), which are the same for every province."""
