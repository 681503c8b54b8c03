"""Pure domain: enumerations, validation, errors and DTOs. No database, no Qt."""
