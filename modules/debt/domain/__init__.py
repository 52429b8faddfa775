"""Pure debt rules: installment simulation and schedules, certificate decisions and codes.

No Django, no clock, no tenant lookup: `as_of`, policies and random sources are parameters."""
