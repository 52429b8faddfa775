"""Every write of access control, by aggregate: sign-in, passwords, tokens, users, second factor,
profiles, the password policy."""
