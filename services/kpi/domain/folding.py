"""How new ledger entries change the daily rows: the incremental path, which must end where a
rebuild from the ledger ends (figures.day_figures).

Every figure is a sum of terms, one per entry or per pair of entries, so the order in which
entries arrive does not matter:

- a count or an amount: one term per entry, on the entry's own day;
- outstanding: an invoice's amount on its issue day, less every payment against it, whichever
  of the two was folded first;
- the median hours to decision is not a sum: the days whose median may have moved (a new
  decision, or a new submission whose decisions were folded earlier) are listed, and their
  median is computed again from the ledger.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Sequence

from kpi.domain.figures import MARKETING_COUNTS
from kpi.domain.ledger import DECISION_KINDS, Kind, LedgerEntry

DayKey = tuple[int, date]  # (school_id, day)


@dataclass
class RevenueChange:
    currency: str
    invoiced_minor: int = 0
    collected_minor: int = 0
    outstanding_minor: int = 0
    autopay_enrollments: int = 0


@dataclass
class DailyChanges:
    """What to add to the daily rows (and which medians to compute again)."""

    marketing: dict[DayKey, Counter] = field(default_factory=lambda: defaultdict(Counter))
    sources: Counter = field(default_factory=Counter)  # (school_id, day, source) -> leads
    revenue: dict[DayKey, RevenueChange] = field(default_factory=dict)
    median_days: set[DayKey] = field(default_factory=set)

    def revenue_of(self, entry: LedgerEntry) -> RevenueChange:
        key = (entry.school_id, entry.day)
        if key not in self.revenue:
            self.revenue[key] = RevenueChange(entry.currency or "")
        return self.revenue[key]


def fold(new: Sequence[LedgerEntry], earlier: Iterable[LedgerEntry]) -> DailyChanges:
    """The changes `new` entries make, given the `earlier` entries they relate to: the
    invoices' other entries (issued / paid) and the decisions of registrations with a new lead.
    """
    earlier = list(earlier)
    changes = DailyChanges()
    for entry in new:
        _count(changes, entry)
    _fold_outstanding(changes, new, earlier)
    _list_median_days(changes, new, earlier)
    return changes


def _count(changes: DailyChanges, entry: LedgerEntry) -> None:
    key = (entry.school_id, entry.day)
    if entry.kind in MARKETING_COUNTS:
        changes.marketing[key][MARKETING_COUNTS[entry.kind]] += 1
        if entry.kind is Kind.LEAD:
            changes.sources[(entry.school_id, entry.day, entry.source)] += 1
    elif entry.kind is Kind.INVOICED:
        changes.revenue_of(entry).invoiced_minor += entry.amount_minor
    elif entry.kind is Kind.COLLECTED:
        changes.revenue_of(entry).collected_minor += entry.amount_minor
    elif entry.kind is Kind.AUTOPAY:
        changes.revenue_of(entry).autopay_enrollments += 1


def _fold_outstanding(
    changes: DailyChanges, new: Sequence[LedgerEntry], earlier: list[LedgerEntry]
) -> None:
    # Each (issued, paid) pair of one invoice is subtracted exactly once: by the issued entry
    # when it is new (against every payment, earlier or new), else by the new payment.
    paid = Counter()
    issued_earlier = defaultdict(list)
    for entry in [*earlier, *new]:
        if entry.kind is Kind.COLLECTED:
            paid[(entry.school_id, entry.invoice_id)] += entry.amount_minor
    for entry in earlier:
        if entry.kind is Kind.INVOICED:
            issued_earlier[(entry.school_id, entry.invoice_id)].append(entry)
    for entry in new:
        invoice = (entry.school_id, entry.invoice_id)
        if entry.kind is Kind.INVOICED:
            changes.revenue_of(entry).outstanding_minor += entry.amount_minor - paid[invoice]
        elif entry.kind is Kind.COLLECTED:
            for issued in issued_earlier[invoice]:
                changes.revenue_of(issued).outstanding_minor -= entry.amount_minor


def _list_median_days(
    changes: DailyChanges, new: Sequence[LedgerEntry], earlier: list[LedgerEntry]
) -> None:
    new_leads = {
        (entry.school_id, entry.registration_id) for entry in new if entry.kind is Kind.LEAD
    }
    for entry in new:
        if entry.kind in DECISION_KINDS:
            changes.median_days.add((entry.school_id, entry.day))
    for entry in earlier:
        if entry.kind in DECISION_KINDS and (entry.school_id, entry.registration_id) in new_leads:
            changes.median_days.add((entry.school_id, entry.day))


def related_keys(new: Iterable[LedgerEntry]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """What `fold` needs to know of earlier entries: (school, invoice) of new invoice entries
    (their issued / paid entries) and (school, registration) of new leads (their decisions)."""
    invoices, registrations = set(), set()
    for entry in new:
        if entry.kind in (Kind.INVOICED, Kind.COLLECTED):
            invoices.add((entry.school_id, entry.invoice_id))
        elif entry.kind is Kind.LEAD:
            registrations.add((entry.school_id, entry.registration_id))
    return invoices, registrations
