"""Amounts and shares as a person types them: read strictly, refused with a message."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmtd.rules.itsa_status import MAX_BUSINESS_INCOME
from openmtd.rules.money import (
    InvalidAmountError,
    parse_amount,
    parse_fraction,
    parse_percentage,
)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12500", "12500"),
        (" £12,500.50 ", "12500.50"),
        ("0", "0"),
        ("1,000,000", "1000000"),
        ("99999999999.99", "99999999999.99"),
    ],
)
def test_pounds_and_pence_are_read(typed: str, amount: str) -> None:
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("-5", "'-5' is negative"),
        ("1e5", "is not an amount of money"),
        ("１００", "is not an amount of money"),
        ("NaN", "is not an amount of money"),
        ("12.345", "more than two decimal places"),
        ("100000000000", "is over £99,999,999,999.99"),
        ("9" * 5000, "'" + "9" * 40 + "...' is not an amount"),
        ("\ud800", "is not an amount of money"),
    ],
)
def test_what_is_not_an_amount_says_why(typed: str, says: str) -> None:
    with pytest.raises(InvalidAmountError) as raised:
        parse_amount(typed)
    assert raised.value.code == "FORMAT_AMOUNT"
    assert says in raised.value.message


@given(st.decimals(min_value=0, max_value=MAX_BUSINESS_INCOME, places=2))
def test_any_amount_in_pence_reads_back(amount: Decimal) -> None:
    assert parse_amount(f"{amount:,.2f}") == amount


@given(st.text(max_size=60))
def test_any_text_is_an_amount_or_a_clear_refusal(typed: str) -> None:
    try:
        amount = parse_amount(typed)
    except InvalidAmountError as error:
        refusal = error
    else:
        assert 0 <= amount <= MAX_BUSINESS_INCOME
        return
    assert refusal.code == "FORMAT_AMOUNT"
    # It names what was typed, then what is wrong with it.
    assert refusal.message.endswith(refusal.problem)
    assert len(refusal.message) > len(refusal.problem)


def test_shares_as_fractions_and_percentages() -> None:
    assert parse_fraction("0.5") == Decimal("0.5")
    assert parse_fraction(".25") == Decimal("0.25")
    assert parse_percentage("50") == Decimal("0.5")
    assert parse_percentage(" 33.5 % ") == Decimal("0.335")
    assert parse_percentage("100") == 1


@pytest.mark.parametrize(
    ("parse", "typed", "problem"),
    [
        (parse_fraction, "2", "must be between 0 and 1"),
        (parse_fraction, "-0.5", "is not a number from 0 to 1"),
        (parse_fraction, "1e-3", "is not a number from 0 to 1"),
        (parse_percentage, "101", "must be between 0 and 100%"),
        (parse_percentage, "fifty", "is not a number from 0 to 100"),
        (parse_percentage, "５０", "is not a number from 0 to 100"),
    ],
)
def test_a_share_out_of_range_says_why(parse: object, typed: str, problem: str) -> None:
    with pytest.raises(InvalidAmountError) as raised:
        parse(typed)  # type: ignore[operator]
    assert raised.value.problem.startswith(problem)
    assert raised.value.message.startswith(repr(typed))
