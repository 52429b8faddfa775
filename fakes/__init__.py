"""Local fakes of the outside services the app talks to, for tests and the demo (ARCHITECTURE.md,
"Real parts, and their embedded defaults"): real servers speaking the providers' interfaces.

Nothing of the product imports them: an import contract keeps modules/, portal/, tenants/ and the
control plane away, except the development command that serves the fake gateway
(`manage.py fake_pagarme`, in saas.ops). Tests and benchmarks import them freely.
"""
