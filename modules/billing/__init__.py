"""Faturamento (billing): tariffs, billing runs, bills, critique, barcode, bill PDF."""
