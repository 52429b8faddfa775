"""The demo's data: the two demo utilities (DAE Querência-MT, SAAE Sorocaba-SP), their users, a
registry of their own towns, tariffs, a year of readings, a released billing run, the fake
gateway's account and the simulator's reactivation fee. Only `manage.py seed_demo` calls it; never
production (production.py never seeds).

It sits outside modules/ because demo data is no business rule: it drives the modules' public
services like a person would, and no module, the agency or the tenants package imports it (import
contract `demo-outside-the-product`). The reference data every fresh utility needs (categories,
profiles, agents, default policies) stays in each module's seed.py.
"""
