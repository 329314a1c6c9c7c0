-- Every decision's time since submission, per school and local day, in one row: the exact
-- median over a range of days then reads one short row per day instead of every decision's
-- ledger row (thousands for a busy school's quarter). Written where the day's median is.
-- depends: 0004_decision_durations

CREATE TABLE t_kpi_decision_times_daily (
    school_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL,
    -- Microseconds from submission to decision, ascending, comma-separated.
    durations_us MEDIUMTEXT NOT NULL,
    PRIMARY KEY (school_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

-- A busy day's list is far longer than GROUP_CONCAT's default 1,024 characters.
SET SESSION group_concat_max_len = 16777215;

INSERT INTO t_kpi_decision_times_daily (school_id, day, durations_us)
SELECT school_id, day, GROUP_CONCAT(decision_us ORDER BY decision_us SEPARATOR ',')
  FROM t_kpi_event_ledger
 WHERE kind IN ('approval', 'rejection') AND decision_us IS NOT NULL
 GROUP BY school_id, day;
