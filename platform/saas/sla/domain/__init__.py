"""Pure SLA rules: periods and outage merging, the interruption discount, availability and error
budget, priorities and deadlines, the probe state machine. No Django, no clock: `as_of` is a parameter."""
