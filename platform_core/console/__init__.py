"""The province admin console (`/<slug>/admin/`): layout, navigation, dashboard, dossiers, deliveries, the trial
guest list, audit log."""
