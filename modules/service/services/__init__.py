"""Every write of service, by aggregate: the catalogue (codes and prices, materials and kits,
sectors, teams and members, vehicles) and service orders (open, schedule, postpone, close, cancel).
Named, keyword-only, one durable transaction, an audit row per change."""
