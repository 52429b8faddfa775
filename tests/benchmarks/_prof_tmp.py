import cProfile, pstats, time, datetime as dt, os
from tests.benchmarks.common import setup_django
setup_django()
from django.conf import settings
from django.db import connection, transaction
from modules.common.tenancy import tenant_context
from modules.common.audit import SystemActor
from modules.debt import notices
settings.DEBUG=True
class Undo(Exception): pass
with tenant_context("bench_ladder"):
    pr=cProfile.Profile()
    try:
        with transaction.atomic():
            connection.cursor().execute("TRUNCATE debt_cutnotice, debt_collectionevent, collection_documentbill, collection_paymentdocument, service_serviceorder CASCADE")
            connection.queries_log.clear()
            t0=time.perf_counter(); pr.enable()
            r=notices.notices_issue_within(actor=SystemActor("bench"), as_of=dt.date(2026,4,13))
            pr.disable(); print("run", time.perf_counter()-t0, len(r))
            raise Undo
    except Undo:
        pass
    qs=sorted(connection.queries, key=lambda q: -float(q["time"]))
    print(len(qs), "queries", sum(float(q["time"]) for q in qs))
    for q in qs[:10]: print(q["time"], q["sql"][:300])
    pstats.Stats(pr).sort_stats("tottime").print_stats(25)
