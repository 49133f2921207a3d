"""Hosting hours, cost and time left of a deployment (domain arithmetic, fixed clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aoft_tui.domain import catalog
from aoft_tui.domain.deployments import Deployment, exact_match, text_similarity

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def dep(sku: str, model: str = "gpt-4o-mini-2024-07-18.ft-abc", version: str = "1") -> Deployment:
    return Deployment("d", model, version, sku, 1, "Succeeded", T0)


def test_standard_costs_the_hourly_rate_and_lives_15_idle_days():
    d = dep("Standard")
    now = T0 + timedelta(hours=10)
    assert d.hours_hosted(now) == 10
    assert d.hosting_cost(now) == 10 * catalog.HOSTING_PRICE_PER_HOUR["Standard"]
    assert d.time_left(now) == timedelta(days=15) - timedelta(hours=10)


def test_developer_has_no_hosting_fee_and_a_fixed_24_hours():
    d = dep("Developer")
    assert d.hosting_cost(T0 + timedelta(hours=5)) == 0.0
    assert d.time_left(T0 + timedelta(hours=30)) == timedelta(0)
    assert d.ends_at() == T0 + timedelta(hours=24)


def test_price_override_from_the_config_table_wins():
    assert dep("Standard").hosting_cost(T0 + timedelta(hours=2), {"hosting.Standard": 3.0}) == 6.0


def test_base_model_deployment_has_no_hosting_fee_or_idle_end():
    d = dep("GlobalStandard", model="gpt-4o-mini", version="2024-07-18")
    assert not d.fine_tuned and d.hosting_cost(T0 + timedelta(hours=3)) == 0.0 and d.time_left(T0) is None


def test_exact_match_ignores_spacing_and_similarity_orders_answers():
    assert exact_match("a  b\n", "a b")
    assert text_similarity("open settings then support", "open settings then support") == 1.0
    assert text_similarity("open settings then billing", "open settings then support") > text_similarity(
        "I cannot help", "open settings then support"
    )
