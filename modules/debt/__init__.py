"""Cobrança (debt): debt position, installment agreements, notices, certificates."""
