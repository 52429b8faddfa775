"""Pure billing rules: tariff versions and bill calculation, late charges, the FEBRABAN collection
barcode and its bar pattern. No Django, no database, no clock: dates and policies are parameters."""
