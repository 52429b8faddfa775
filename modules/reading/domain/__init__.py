"""Pure reading rules: consumption determination from readings and occurrences, and the groups'
reading schedules (on the calendar of `modules.common.domain.calendar`). No Django, no clock: holidays
and today are parameters."""
