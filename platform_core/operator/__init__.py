"""The platform operator console (`/operator/`): tenants, go-live approvals, limits, queues, failed jobs."""
