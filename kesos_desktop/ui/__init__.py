"""The Qt Widgets user interface. Talks to services only, never to the database directly."""
