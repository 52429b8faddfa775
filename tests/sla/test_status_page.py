"""The public status page (`/status` on a utility's host) shows what the probes measured: no figure
before any probe ran (it used to say 100,000 %), and the measured availability afterwards."""

from __future__ import annotations

import datetime as dt

import time_machine

from saas.sla import services

T0 = dt.datetime(2026, 3, 10, 13, 0, tzinfo=dt.UTC)


def test_before_any_probe_the_page_shows_no_availability_figure(alpha_client, public_schema) -> None:
    text = alpha_client.get("/status").content.decode()
    assert "disponibilidade ainda não medida" in text
    assert "100,000%" not in text
    assert "Situação ainda não verificada" in text


def test_the_page_shows_the_availability_the_probes_measured(
    alpha_client, beta_client, public_schema
) -> None:
    # one hour of probes on alpha: up, down for 15 minutes (13:20 → 13:35), up again
    with time_machine.travel(T0, tick=False) as clock:
        for minute, ok in [(0, True), (20, False), (30, False), (35, True), (50, True)]:
            clock.move_to(T0 + dt.timedelta(minutes=minute))
            services.probe_record(tenant_schema="alpha", at=T0 + dt.timedelta(minutes=minute), ok=ok)
        clock.move_to(T0 + dt.timedelta(minutes=60))
        alpha = alpha_client.get("/status").content.decode()
        beta = beta_client.get("/status").content.decode()
    # 45 of the 60 measured minutes up
    assert "Últimos 90 dias · disponibilidade 75,000%" in alpha
    assert "Disponibilidade medida pelas sondas desde 10/03/2026 10:00." in alpha  # America/Sao_Paulo
    assert "Sistema operando normalmente" in alpha
    assert "disponibilidade ainda não medida" in beta  # alpha's probes are not beta's


def test_an_outage_still_open_counts_until_now(alpha_client, public_schema) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        services.probe_record(tenant_schema="alpha", at=T0, ok=True)
        services.probe_record(tenant_schema="alpha", at=T0 + dt.timedelta(minutes=6), ok=False)
        clock.move_to(T0 + dt.timedelta(minutes=8))
        text = alpha_client.get("/status").content.decode()
    assert "Últimos 90 dias · disponibilidade 75,000%" in text  # 2 of 8 minutes down
    assert "Sistema indisponível desde 10/03/2026 10:06" in text
