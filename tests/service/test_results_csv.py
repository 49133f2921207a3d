"""results.csv parsing on the shapes Azure actually serves (pure, no server)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aoft_tui.domain.models import (
    FULL_VALID_ACCURACY,
    TRAIN_ACCURACY,
    TRAIN_LOSS,
    VALID_ACCURACY,
    VALID_LOSS,
)
from aoft_tui.services.results_csv import (
    ResultsFormatError,
    decode_maybe_base64,
    normalise_metric_name,
    parse_results_csv,
)

AZURE_CSV = (
    "step,train_loss,train_mean_token_accuracy,valid_loss,validation_mean_token_accuracy,"
    "full_valid_loss,full_valid_mean_token_accuracy\n"
    "1,2.5,0.41,2.9,0.38,,\n"
    "2,2.1,0.48,,,,\n"
    "3,1.7,0.55,2.2,0.50,2.25,0.49\n"
)


def test_plain_azure_csv_uses_domain_names() -> None:
    points = parse_results_csv(AZURE_CSV)
    assert [p.step for p in points] == [1, 2, 3]
    assert points[0].values == {TRAIN_LOSS: 2.5, TRAIN_ACCURACY: 0.41, VALID_LOSS: 2.9, VALID_ACCURACY: 0.38}
    # empty cells are absent, not zero
    assert points[1].values == {TRAIN_LOSS: 2.1, TRAIN_ACCURACY: 0.48}
    assert points[2].values[FULL_VALID_ACCURACY] == 0.49


def test_base64_content_equals_plain() -> None:
    encoded = base64.b64encode(AZURE_CSV.encode())
    assert parse_results_csv(encoded) == parse_results_csv(AZURE_CSV)


def test_base64_with_line_breaks() -> None:
    encoded = base64.encodebytes(AZURE_CSV.encode())  # wrapped every 76 chars
    assert b"\n" in encoded.strip()
    assert parse_results_csv(encoded) == parse_results_csv(AZURE_CSV)


def test_both_spellings_of_validation_accuracy() -> None:
    short = parse_results_csv("step,valid_mean_token_accuracy\n5,0.7\n")
    long = parse_results_csv("step,validation_mean_token_accuracy\n5,0.7\n")
    assert short == long
    assert short[0].values == {VALID_ACCURACY: 0.7}


def test_missing_columns_training_only() -> None:
    points = parse_results_csv("step,train_loss\n10,0.9\n20,0.8\n")
    assert [(p.step, p.values) for p in points] == [(10, {TRAIN_LOSS: 0.9}), (20, {TRAIN_LOSS: 0.8})]


def test_ragged_rows_bad_cells_and_blank_lines_are_skipped() -> None:
    text = "step,train_loss,train_mean_token_accuracy\r\n1,0.5\r\n\r\nx,0.4,0.1\r\n2,nan,abc\r\n3,0.3,0.9\r\n"
    points = parse_results_csv(text)
    # step 2 has no usable value at all, step "x" is not a step
    assert [(p.step, p.values) for p in points] == [
        (1, {TRAIN_LOSS: 0.5}),
        (3, {TRAIN_LOSS: 0.3, TRAIN_ACCURACY: 0.9}),
    ]


def test_bom_and_header_case_and_float_steps() -> None:
    points = parse_results_csv("\ufeffStep, Train_Loss \n1.0,0.25\n".encode())
    assert [(p.step, p.values) for p in points] == [(1, {TRAIN_LOSS: 0.25})]


def test_extra_metric_columns_are_kept() -> None:
    points = parse_results_csv("step,train_loss,train_dpo_margin\n1,0.5,0.2\n")
    assert points[0].values == {TRAIN_LOSS: 0.5, "train_dpo_margin": 0.2}


def test_empty_content_gives_no_points() -> None:
    assert parse_results_csv(b"") == []
    assert parse_results_csv("step,train_loss\n") == []


def test_not_a_results_file_raises() -> None:
    with pytest.raises(ResultsFormatError, match="no 'step' column"):
        parse_results_csv('{"messages": []}\n')
    with pytest.raises(ResultsFormatError, match="not UTF-8"):
        parse_results_csv(b"\xff\xfe\x00step")


def test_decode_maybe_base64_leaves_csv_alone() -> None:
    assert decode_maybe_base64(AZURE_CSV.encode()) == AZURE_CSV.encode()
    # valid alphabet but not base64 (bad length/padding): left alone
    assert decode_maybe_base64(b"abc") == b"abc"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("validation_loss", VALID_LOSS),
        ("validation_mean_token_accuracy", VALID_ACCURACY),
        ("train_accuracy", TRAIN_ACCURACY),
        (" TRAIN_LOSS ", TRAIN_LOSS),
        ("full_validation_mean_token_accuracy", FULL_VALID_ACCURACY),
    ],
)
def test_normalise_metric_name(name: str, expected: str) -> None:
    assert normalise_metric_name(name) == expected


_COLUMNS = {
    TRAIN_LOSS: ("train_loss",),
    TRAIN_ACCURACY: ("train_mean_token_accuracy", "train_accuracy"),
    VALID_LOSS: ("valid_loss", "validation_loss"),
    VALID_ACCURACY: ("valid_mean_token_accuracy", "validation_mean_token_accuracy"),
}


@given(
    rows=st.dictionaries(
        st.integers(min_value=0, max_value=10**6),
        st.fixed_dictionaries(
            {}, optional={name: st.floats(-1e6, 1e6, allow_nan=False) for name in _COLUMNS}
        ),
        max_size=30,
    ),
    spelling=st.integers(min_value=0, max_value=1),
    encode=st.booleans(),
)
def test_any_written_table_reads_back(rows: dict[int, dict[str, float]], spelling: int, encode: bool) -> None:
    names = list(_COLUMNS)
    header = ["step"] + [_COLUMNS[n][min(spelling, len(_COLUMNS[n]) - 1)] for n in names]
    lines = [",".join(header)]
    for step, values in rows.items():
        lines.append(",".join([str(step)] + [repr(values[n]) if n in values else "" for n in names]))
    data = ("\n".join(lines) + "\n").encode()
    if encode:
        data = base64.b64encode(data)
    points = parse_results_csv(data)
    # Azure's -1 is "no value": a row reads back without it
    kept = {step: {n: v for n, v in values.items() if v != -1} for step, values in rows.items()}
    expected = sorted((step, values) for step, values in kept.items() if values)
    assert [(p.step, p.values) for p in points] == expected


# --- "-1" means "no value" (Azure's pipeline drops those rows; tests/fixtures/azure-real/SOURCE.md)
AZURE_REAL = __import__("pathlib").Path(__file__).parents[1] / "fixtures" / "azure-real"


def test_minus_one_cells_of_the_live_shape_are_missing_values() -> None:
    from aoft_tui.domain.models import FULL_VALID_LOSS

    points = parse_results_csv((AZURE_REAL / "results_minus_one.csv").read_bytes())
    assert [p.step for p in points] == [1, 2, 3, 4]
    # a step without validation has only its training values
    assert points[1].values == {TRAIN_LOSS: 1.64211, TRAIN_ACCURACY: 0.64706}
    assert FULL_VALID_LOSS not in points[0].values and points[3].values[FULL_VALID_LOSS] == 1.20315
    assert all(value != -1 for p in points for value in p.values.values())


@pytest.mark.parametrize("cell", ["-1", "-1.0", "-1.000", " -1 ", "-1e0"])
def test_every_spelling_of_exactly_minus_one_is_missing(cell: str) -> None:
    points = parse_results_csv(f"step,train_loss,valid_loss\n7,0.5,{cell}\n")
    assert points[0].values == {TRAIN_LOSS: 0.5}


@pytest.mark.parametrize("cell", ["-1.5", "-0.999", "-2"])
def test_other_negative_values_are_kept(cell: str) -> None:
    """Only the sentinel is missing: a (DPO) loss below zero is still a value."""
    points = parse_results_csv(f"step,train_loss,valid_loss\n7,0.5,{cell}\n")
    assert points[0].values == {TRAIN_LOSS: 0.5, VALID_LOSS: float(cell)}
