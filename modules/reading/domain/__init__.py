"""Pure reading rules: consumption determination from readings and occurrences, business-day
arithmetic, reading schedules and due dates. No Django, no clock: holidays and today are parameters."""
