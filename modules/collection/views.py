"""Staff pages of collection."""
