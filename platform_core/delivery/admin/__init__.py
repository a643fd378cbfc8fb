"""Province console pages for the delivery layer: templates, deliveries, the trial guest list."""
