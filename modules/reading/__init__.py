"""Leitura (meter reading): groups, routes, schedules, reading batches and devices, occurrences."""
