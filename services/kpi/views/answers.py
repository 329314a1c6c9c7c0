"""Figures as the API shows them: one flat object per day or range, zeros for no row."""

from __future__ import annotations

from kpi.domain.figures import COUNT_FIELDS, REVENUE_FIELDS, DayFigures, Summary, conversion_rate


def day_answer(figures: DayFigures) -> dict:
    answer: dict = {
        "day": figures.day,
        **dict.fromkeys(COUNT_FIELDS, 0),
        **dict.fromkeys(REVENUE_FIELDS, 0),
        "median_hours_to_decision": None,
    }
    if figures.marketing is not None:
        answer.update(
            {name: getattr(figures.marketing, name) for name in COUNT_FIELDS},
            median_hours_to_decision=figures.marketing.median_hours_to_decision,
        )
    if figures.revenue is not None:
        answer.update({name: getattr(figures.revenue, name) for name in REVENUE_FIELDS})
    answer["conversion_rate"] = conversion_rate(answer["leads"], answer["enrollments"])
    answer["leads_by_source"] = dict(figures.leads_by_source)
    return answer


def summary_answer(summary: Summary) -> dict:
    return {
        **summary.counts,
        **summary.revenue,
        "leads_by_source": summary.leads_by_source,
        "conversion_rate": summary.conversion_rate,
        "median_hours_to_decision": summary.median_hours_to_decision,
    }
