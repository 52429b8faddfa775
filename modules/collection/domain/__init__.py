"""Pure collection rules: return-file parsing, barcode check digits, late charges, PIX payloads.

No Django, no clock, no tenant lookup: dates, policies and rate series are parameters."""
