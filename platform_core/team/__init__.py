"""A province's team: members and roles, invitations of officers and admins."""
