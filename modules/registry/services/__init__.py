"""Every write of the registry, by aggregate: customers, properties, relations (customer <-> property),
connections, addresses (streets, neighbourhoods). Named, keyword-only, one transaction, one audit
row per change."""
