"""How new ledger entries change the daily rows, whatever order and batches they come in."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime

from kpi.domain.folding import DailyChanges, fold, related_keys
from kpi.domain.ledger import Kind, LedgerEntry

MON, TUE, WED = date(2025, 11, 10), date(2025, 11, 11), date(2025, 11, 12)


def entry(
    kind: Kind,
    day: date,
    *,
    registration: int = 1,
    invoice: int | None = None,
    amount: int | None = None,
    source: str | None = None,
) -> LedgerEntry:
    money = kind in (Kind.INVOICED, Kind.COLLECTED, Kind.AUTOPAY)
    return LedgerEntry(
        f"{kind.value}-{registration}-{invoice}-{day}",
        7,
        day,
        kind,
        datetime(day.year, day.month, day.day, 12),
        registration,
        invoice,
        source if kind is Kind.LEAD else None,
        amount,
        "USD" if money else None,
    )


FUNNEL = [
    entry(Kind.LEAD, MON, registration=1, source="web"),
    entry(Kind.LEAD, MON, registration=2, source="fair"),
    entry(Kind.REVIEW, MON, registration=1),
    entry(Kind.APPROVAL, TUE, registration=1),
    entry(Kind.REJECTION, TUE, registration=2),
    entry(Kind.INVOICED, TUE, registration=1, invoice=9, amount=18_000),
    entry(Kind.AUTOPAY, TUE, registration=1, invoice=9),
    entry(Kind.COLLECTED, WED, registration=1, invoice=9, amount=18_000),
    entry(Kind.ENROLLMENT, WED, registration=1),
]


def fold_in_batches(entries: list[LedgerEntry], batch_size: int) -> dict:
    """Fold batch after batch as the worker does, each seeing the earlier ones it relates to;
    returns the daily rows the changes add up to."""
    folded: list[LedgerEntry] = []
    rows: dict = {}
    for start in range(0, len(entries), batch_size):
        batch = entries[start : start + batch_size]
        invoices, registrations = related_keys(batch)
        earlier = [
            e
            for e in folded
            if (e.school_id, e.invoice_id) in invoices
            and e.kind in (Kind.INVOICED, Kind.COLLECTED)
            or (e.school_id, e.registration_id) in registrations
            and e.kind in (Kind.APPROVAL, Kind.REJECTION)
        ]
        add_up(rows, fold(batch, earlier))
        folded += batch
    return rows


def add_up(rows: dict, changes: DailyChanges) -> None:
    for key, counts in changes.marketing.items():
        rows.setdefault(("marketing", key), Counter()).update(counts)
    for key, leads in changes.sources.items():
        rows.setdefault(("source", key), Counter())["leads"] += leads
    for key, change in changes.revenue.items():
        row = rows.setdefault(("revenue", key), Counter())
        for name in (
            "invoiced_minor",
            "collected_minor",
            "outstanding_minor",
            "autopay_enrollments",
        ):
            row[name] += getattr(change, name)


def test_a_batch_counts_each_entry_on_its_own_day():
    rows = fold_in_batches(FUNNEL, batch_size=len(FUNNEL))

    assert rows[("marketing", (7, MON))] == Counter(leads=2, reviews_started=1)
    assert rows[("marketing", (7, TUE))] == Counter(approvals=1, rejections=1)
    assert rows[("marketing", (7, WED))] == Counter(enrollments=1)
    assert rows[("source", (7, MON, "web"))] == Counter(leads=1)


def test_an_invoice_paid_in_a_later_batch_is_no_longer_outstanding_on_its_issue_day():
    rows = fold_in_batches(FUNNEL, batch_size=1)

    assert rows[("revenue", (7, TUE))]["outstanding_minor"] == 0
    assert rows[("revenue", (7, TUE))]["invoiced_minor"] == 18_000
    assert rows[("revenue", (7, WED))]["collected_minor"] == 18_000


def test_a_payment_folded_before_its_invoice_leaves_nothing_outstanding():
    paid_first = [FUNNEL[7], FUNNEL[5]]

    rows = fold_in_batches(paid_first, batch_size=1)

    assert rows[("revenue", (7, TUE))]["outstanding_minor"] == 0


def test_an_unpaid_invoice_stays_outstanding_on_its_issue_day():
    rows = fold_in_batches([FUNNEL[5]], batch_size=1)

    assert rows[("revenue", (7, TUE))]["outstanding_minor"] == 18_000


def test_any_order_and_any_batching_give_the_same_rows():
    expected = fold_in_batches(FUNNEL, batch_size=len(FUNNEL))
    shuffler = random.Random(20251113)

    for batch_size in (1, 2, 3, 4):
        for _ in range(25):
            shuffled = FUNNEL[:]
            shuffler.shuffle(shuffled)
            assert _nonzero(fold_in_batches(shuffled, batch_size)) == _nonzero(expected)


def _nonzero(rows: dict) -> dict:
    return {key: +counter for key, counter in rows.items()}


def test_a_new_decision_marks_its_day_for_a_new_median():
    assert fold([FUNNEL[3]], []).median_days == {(7, TUE)}


def test_a_late_submission_marks_the_days_of_its_earlier_decisions_for_a_new_median():
    late_lead, decision = FUNNEL[0], FUNNEL[3]

    assert fold([late_lead], [decision]).median_days == {(7, TUE)}


def test_what_a_batch_needs_to_know_of_earlier_entries():
    invoices, registrations = related_keys(FUNNEL)

    assert invoices == {(7, 9)}
    assert registrations == {(7, 1), (7, 2)}
