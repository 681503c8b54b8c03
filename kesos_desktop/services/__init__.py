"""Use cases. Each entry point takes the database and the acting user, checks the permission
matrix, owns its transaction, writes the audit trail and returns DTOs. No Qt here."""
