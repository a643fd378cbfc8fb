"""Provisioning: bringing provinces onto the platform from the data in tenants/ (`flask tenants` sync, create,
go-live, status, list), and the setup wizard's starting catalogue. It builds on catalogue/ and notices/, so it
sits with the features; tenancy/ imports no feature."""
