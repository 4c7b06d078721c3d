"""Who may see and change what: accounts, roles, county scope, and the audit log (docs/security.md)."""
