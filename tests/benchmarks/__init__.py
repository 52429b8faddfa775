"""Benchmarks: they print figures and write JSON under tests/benchmarks/results/; never pass/fail.

Run them with `make bench` or `.venv/bin/python -m tests.benchmarks [group ...]`. Each group is a
module of this package with a `main()`; they use their own database (`manancial_bench`), never
the development or test ones.
"""
