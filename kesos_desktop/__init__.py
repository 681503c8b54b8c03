"""Kesos Desktop: case management for Indonesian social rehabilitation facilities."""

__version__ = "0.1.0"
APP_NAME = "Kesos Desktop"
