from aoft_tui.domain import catalog


def test_lookup_by_id_family_and_continuation() -> None:
    assert catalog.lookup("gpt-4o-mini-2024-07-18").training_context == 65_536
    assert catalog.lookup("gpt-4.1-nano").training_context == 32_768
    # longest family wins: gpt-4.1-mini is not gpt-4.1
    assert catalog.lookup("gpt-4.1-mini-2025-04-14").family == "gpt-4.1-mini"
    assert catalog.lookup("gpt-4o-mini-2024-07-18.ft-0123abcd-suffix").family == "gpt-4o-mini"
    assert catalog.lookup("no-such-model") is None


def test_encodings() -> None:
    assert catalog.encoding_for("gpt-4.1-2025-04-14") == "o200k_base"
    assert catalog.encoding_for("gpt-35-turbo-0125") == "cl100k_base"
    assert catalog.encoding_for("gpt-4") == "cl100k_base"
    assert catalog.encoding_for("o4-mini") == "o200k_base"


def test_price_override_by_family_wins() -> None:
    assert catalog.price_per_million("gpt-4o-mini-2024-07-18") == 3.0
    assert catalog.price_per_million("gpt-4o-mini-2024-07-18", {"gpt-4o-mini": 4.5}) == 4.5
    assert catalog.price_per_million("o4-mini") is None
