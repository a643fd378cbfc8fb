"""Bringing a province on board: invitation -> setup wizard -> trial -> go-live approval.

Tenant statuses along the way (platform_core/tenancy/constants.py):
- `invited`: an operator invited the province's first admin; nothing else exists yet;
- `onboarding`: the invitation was accepted (the admin account exists) and the wizard is in progress;
- `trial`: the admin requested go-live; the province works, but only towards its own team and guest list;
- `live`: an operator approved the request.
Every status but `live` is restricted (Notify's `restricted`): see platform_core/delivery/trial.py.
"""
