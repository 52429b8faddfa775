"""Arrecadação (collection): payments, bank return files, gateway, late charges."""
