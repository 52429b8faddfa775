"""Backup and restore of one utility: its schema, its rows in the public schema and its files in one
archive (see docs/adr/0007-per-utility-backup-archive.md and docs/operations.md)."""
