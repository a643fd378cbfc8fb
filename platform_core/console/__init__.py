"""The province admin console (`/<slug>/admin/`): layout, navigation, dashboard, dossiers, audit log."""
