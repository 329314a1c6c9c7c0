"""Registrations in MySQL: each one's current state (t_dashboard_registration), the daily net
changes of each status (t_dashboard_status_daily) and how many are in each status now
(t_dashboard_status_total, the sum of those changes), written by the consumer and read by the
action rail and the status tiles."""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, Mapping

from dashboard.adapters.utc_columns import from_column, to_column
from dashboard.domain.registration_state import RegistrationState
from shared.db import placeholders

_STATE_COLUMNS = (
    "status",
    "status_since",
    "status_event_at",
    "student_name",
    "name_event_at",
    "submitted_at",
)
_TIME_COLUMNS = frozenset({"status_since", "status_event_at", "name_event_at", "submitted_at"})


def lock_states(
    cursor, keys: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], RegistrationState]:
    """The states of these (school_id, registration_id), locked in key order until the
    transaction ends; a registration never seen is not in the answer."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    cursor.execute(
        f"SELECT school_id, registration_id, {', '.join(_STATE_COLUMNS)} "
        "FROM t_dashboard_registration WHERE (school_id, registration_id) IN "
        f"({', '.join(['(%s, %s)'] * len(wanted))}) "
        "ORDER BY school_id, registration_id FOR UPDATE",
        [part for key in wanted for part in key],
    )
    return {(row["school_id"], row["registration_id"]): _state(row) for row in cursor.fetchall()}


def lock_state(cursor, school_id: int, registration_id: int) -> RegistrationState | None:
    """The registration's state, locked until the transaction ends (None: never seen)."""
    return lock_states(cursor, [(school_id, registration_id)]).get((school_id, registration_id))


def _state(row: Mapping) -> RegistrationState:
    return RegistrationState(
        **{
            name: from_column(row[name]) if name in _TIME_COLUMNS else row[name]
            for name in _STATE_COLUMNS
        }
    )


def save_states(cursor, states: Mapping[tuple[int, int], RegistrationState]) -> None:
    """Write these registrations' states, keyed by (school_id, registration_id), in key order:
    one statement (pymysql sends the rows as one multi-row INSERT)."""
    rows = [
        (
            school_id,
            registration_id,
            *(
                to_column(getattr(state, name)) if name in _TIME_COLUMNS else getattr(state, name)
                for name in _STATE_COLUMNS
            ),
        )
        for (school_id, registration_id), state in sorted(states.items())
    ]
    if not rows:
        return
    cursor.executemany(
        f"INSERT INTO t_dashboard_registration (school_id, registration_id, "
        f"{', '.join(_STATE_COLUMNS)}) VALUES (%s, %s, {placeholders(len(_STATE_COLUMNS))}) "
        "ON DUPLICATE KEY UPDATE "
        + ", ".join(f"{name} = VALUES({name})" for name in _STATE_COLUMNS),
        rows,
    )


def save_state(cursor, school_id: int, registration_id: int, state: RegistrationState) -> None:
    save_states(cursor, {(school_id, registration_id): state})


def record_moves(cursor, changes: Mapping[tuple[int, str, date], int]) -> None:
    """Net changes of statuses, keyed by (school_id, status, the school's local day), into the
    daily changes and the current totals. Rows in key order, so two transactions moving the
    same statuses lock them alike."""
    if not changes:
        return
    cursor.executemany(
        "INSERT INTO t_dashboard_status_daily (school_id, status, day, net_change) "
        "VALUES (%s, %s, %s, %s) ON DUPLICATE KEY UPDATE net_change = net_change + "
        "VALUES(net_change)",
        sorted((school, status, day, net) for (school, status, day), net in changes.items()),
    )
    totals: dict[tuple[int, str], int] = {}
    for (school, status, _day), net in changes.items():
        totals[(school, status)] = totals.get((school, status), 0) + net
    cursor.executemany(
        "INSERT INTO t_dashboard_status_total (school_id, status, registrations) "
        "VALUES (%s, %s, %s) ON DUPLICATE KEY UPDATE registrations = registrations + "
        "VALUES(registrations)",
        sorted((school, status, net) for (school, status), net in totals.items()),
    )


def record_move(cursor, school_id: int, day: date, left: str | None, entered: str) -> None:
    """A registration left one status and entered another on `day` (the school's local day)."""
    changes = {(school_id, entered, day): 1}
    if left is not None:
        changes[(school_id, left, day)] = -1
    record_moves(cursor, changes)


def in_status_now(cursor, school_id: int, statuses: Iterable[str]) -> dict[str, int]:
    """How many of the school's registrations are in each status now (0 for none)."""
    statuses = sorted(set(statuses))
    found = dict.fromkeys(statuses, 0)
    if statuses:
        cursor.execute(
            "SELECT status, registrations FROM t_dashboard_status_total "
            f"WHERE school_id = %s AND status IN ({placeholders(len(statuses))})",
            (school_id, *statuses),
        )
        found.update({row["status"]: int(row["registrations"]) for row in cursor.fetchall()})
    return found


def counts_at(
    cursor, school_id: int, statuses: Iterable[str], days: Iterable[date]
) -> dict[date, dict[str, int]]:
    """How many registrations were in each status at the end of each of `days` (a day today or
    later gives the count now): the count now, less the changes after the day."""
    statuses, days = sorted(set(statuses)), sorted(set(days))
    if not statuses or not days:
        return {day: dict.fromkeys(statuses, 0) for day in days}
    now = in_status_now(cursor, school_id, statuses)
    # One SUM per day asked, over the days after the earliest of them only.
    sums = ", ".join(
        f"SUM(CASE WHEN day > %s THEN net_change ELSE 0 END) AS after_{n}" for n in range(len(days))
    )
    cursor.execute(
        f"SELECT status, {sums} FROM t_dashboard_status_daily WHERE school_id = %s "
        f"AND status IN ({placeholders(len(statuses))}) AND day > %s GROUP BY status",
        (*days, school_id, *statuses, days[0]),
    )
    after = {
        row["status"]: [int(row[f"after_{n}"]) for n in range(len(days))]
        for row in cursor.fetchall()
    }
    return {
        day: {status: now[status] - after.get(status, [0] * len(days))[n] for status in statuses}
        for n, day in enumerate(days)
    }


def waiting_in_statuses(
    cursor, school_id: int, cutoffs: Mapping[str, datetime], limit: int
) -> dict[str, tuple[list[dict], int]]:
    """For each status, the registrations in it since before its cutoff, oldest first (at most
    `limit`), and how many there are in all. The lists come in one statement whatever the
    statuses: a round trip costs more than any of these index ranges."""
    statuses = sorted(cutoffs)
    if not statuses:
        return {}
    ranges = [(status, to_column(cutoffs[status])) for status in statuses]
    cursor.execute(
        " UNION ALL ".join(
            [
                "(SELECT registration_id, status, status_since, student_name "
                "FROM t_dashboard_registration WHERE school_id = %s AND status = %s "
                "AND status_since < %s ORDER BY status_since, registration_id LIMIT %s)"
            ]
            * len(ranges)
        ),
        [value for status, before in ranges for value in (school_id, status, before, limit)],
    )
    listed: dict[str, list[dict]] = {status: [] for status in statuses}
    for row in cursor.fetchall():
        listed[row["status"]].append({**row, "status_since": from_column(row["status_since"])})
    for rows in listed.values():
        # UNION ALL keeps each part's rows but promises no order across them.
        rows.sort(key=lambda row: (row["status_since"], row["registration_id"]))
    totals = {status: len(rows) for status, rows in listed.items()}
    # A status whose list is full may have more. Counting them all means reading thousands
    # of index entries at a busy school; the registrations in the status now, less those that
    # entered it since the cutoff (a short range), are the same number.
    full = [(status, before) for status, before in ranges if len(listed[status]) >= limit]
    if full:
        now = in_status_now(cursor, school_id, [status for status, _before in full])
        cursor.execute(
            "SELECT status, COUNT(*) AS n FROM t_dashboard_registration WHERE school_id = %s "
            f"AND ({' OR '.join(['(status = %s AND status_since >= %s)'] * len(full))}) "
            "GROUP BY status",
            (school_id, *(value for pair in full for value in pair)),
        )
        recent = {row["status"]: int(row["n"]) for row in cursor.fetchall()}
        for status, _before in full:
            # Never fewer than listed, whatever the tables say.
            totals[status] = max(now[status] - recent.get(status, 0), len(listed[status]))
    return {status: (listed[status], totals[status]) for status in statuses}


def names_of(cursor, school_id: int, registration_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(registration_ids))
    if not ids:
        return {}
    cursor.execute(
        "SELECT registration_id, student_name FROM t_dashboard_registration "
        f"WHERE school_id = %s AND registration_id IN ({placeholders(len(ids))})",
        (school_id, *ids),
    )
    return {
        row["registration_id"]: row["student_name"]
        for row in cursor.fetchall()
        if row["student_name"]
    }
