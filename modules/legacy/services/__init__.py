"""The legacy imports, one module per file: customers, properties, meters; `files` imports a set of
them in dependency order."""
