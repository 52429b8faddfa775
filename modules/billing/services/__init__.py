"""Every write of billing, by aggregate: tariffs, simulation (read-only), runs, bills."""
