"""Persistence: ORM models, engine and migrations. Imported by services only, never by ui/."""
