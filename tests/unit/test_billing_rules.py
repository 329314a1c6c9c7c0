"""Invoice lines and totals, invoice numbers and payments: the rules alone."""

from __future__ import annotations

import pytest

from registrar.domain.billing import (
    FOR_EVERY_ENROLMENT,
    FOR_PROGRAM,
    FOR_SCHEDULE,
    FeeItem,
    InvoiceLine,
    InvoiceNotPayable,
    NoFeeForClass,
    PaymentRefused,
    apply_payment,
    invoice_lines,
    invoice_number,
    invoice_total,
)

TUITION = FeeItem(1, FOR_SCHEDULE, "Tuition: Piano", 18000)
PROGRAM_TUITION = FeeItem(2, FOR_PROGRAM, "Music tuition", 16000)
REGISTRATION_FEE = FeeItem(3, FOR_EVERY_ENROLMENT, "Registration fee", 2500)


def test_the_classes_own_fee_comes_first_then_every_enrolments_fees():
    lines = invoice_lines([REGISTRATION_FEE, TUITION])
    assert [line.label for line in lines] == ["Tuition: Piano", "Registration fee"]


def test_the_classes_own_fee_wins_over_its_programs():
    assert [line.label for line in invoice_lines([PROGRAM_TUITION, TUITION])] == ["Tuition: Piano"]


def test_the_programs_fee_applies_when_the_class_has_none():
    assert [line.amount_minor for line in invoice_lines([PROGRAM_TUITION])] == [16000]


def test_a_class_with_only_every_enrolments_fees_has_no_fee():
    with pytest.raises(NoFeeForClass):
        invoice_lines([REGISTRATION_FEE])


def test_lines_keep_the_fee_schedule_they_came_from():
    assert invoice_lines([TUITION]) == [InvoiceLine("Tuition: Piano", 18000, 1)]


def test_the_total_is_the_sum_of_the_lines_in_minor_units():
    assert invoice_total([InvoiceLine("a", 18000), InvoiceLine("b", 2500)]) == 20500


def test_an_invoice_with_no_lines_totals_zero():
    assert invoice_total([]) == 0


@pytest.mark.parametrize("amount", [-1, 10.5, "100"])
def test_a_line_with_a_bad_amount_is_refused(amount):
    with pytest.raises(ValueError):
        invoice_total([InvoiceLine("bad", amount)])


def test_invoice_numbers_are_zero_padded():
    assert invoice_number(42) == "INV-000042"


def test_invoice_numbers_start_at_one():
    with pytest.raises(ValueError):
        invoice_number(0)


def test_a_part_payment_leaves_a_balance():
    outcome = apply_payment("issued", 18000, 0, 5000)
    assert (outcome.paid_minor, outcome.balance_minor, outcome.settles) == (5000, 13000, False)


def test_the_payment_of_the_balance_settles_the_invoice():
    outcome = apply_payment("issued", 18000, 5000, 13000)
    assert (outcome.balance_minor, outcome.settles) == (0, True)


def test_a_payment_beyond_the_balance_is_refused_with_the_balance():
    with pytest.raises(PaymentRefused) as refused:
        apply_payment("issued", 18000, 5000, 13001)
    assert refused.value.balance_minor == 13000


def test_any_payment_on_a_paid_invoice_is_an_overpayment():
    with pytest.raises(PaymentRefused):
        apply_payment("paid", 18000, 18000, 1)


@pytest.mark.parametrize("amount", [0, -100, 1.5])
def test_a_payment_must_be_a_positive_whole_number_of_minor_units(amount):
    with pytest.raises(PaymentRefused):
        apply_payment("issued", 18000, 0, amount)


@pytest.mark.parametrize("status", ["draft", "void"])
def test_draft_and_void_invoices_take_no_payments(status):
    with pytest.raises(InvoiceNotPayable):
        apply_payment(status, 18000, 0, 100)
