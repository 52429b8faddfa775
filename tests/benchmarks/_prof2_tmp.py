import cProfile, pstats, time, datetime as dt, os
from tests.benchmarks.common import setup_django
setup_django()
from django.conf import settings
from django.db import connection
from modules.common.tenancy import tenant_context
from modules.debt import ladder
settings.DEBUG=True
with tenant_context("bench_ladder"):
    code=os.environ.get("STEP","cut_order"); as_of=dt.date.fromisoformat(os.environ.get("ASOF","2026-04-28"))
    pr=cProfile.Profile(); t0=time.perf_counter(); pr.enable()
    r=ladder.preview(code, as_of=as_of)
    pr.disable(); print("preview", time.perf_counter()-t0, r.properties)
    qs=sorted(connection.queries, key=lambda q: -float(q["time"]))
    print(len(qs), "queries", sum(float(q["time"]) for q in qs))
    for q in qs[:8]: print(q["time"], q["sql"][:600])
    pstats.Stats(pr).sort_stats("cumulative").print_stats(30)
