"""Pure service rules: the service order's states and transitions, and execution deadlines.

No Django, no clock, no tenant lookup: the instant, the zone and the holidays are parameters."""
