-- Every decision's time since submission, per school and local day, in one row: the exact
-- median over a range of days then reads one short row per day instead of every decision's
-- ledger row (thousands for a busy school's quarter). Written where the day's median is.
-- depends: 0004_decision_durations

CREATE TABLE t_kpi_decision_times_daily (
    school_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL,
    -- Microseconds from submission to decision, ascending, each a little-endian signed 64-bit
    -- integer (8 bytes): a range's thousands decode in one call, not one parse each.
    durations_us MEDIUMBLOB NOT NULL,
    PRIMARY KEY (school_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A busy day's list is far longer than GROUP_CONCAT's default 1,024 bytes.
SET SESSION group_concat_max_len = 16777215;

-- HEX of a BIGINT is its two's complement in 16 digits; reversed, the bytes are little-endian.
INSERT INTO t_kpi_decision_times_daily (school_id, day, durations_us)
SELECT school_id, day,
       GROUP_CONCAT(REVERSE(UNHEX(LPAD(HEX(decision_us), 16, '0')))
                    ORDER BY decision_us SEPARATOR '')
  FROM t_kpi_event_ledger
 WHERE kind IN ('approval', 'rejection') AND decision_us IS NOT NULL
 GROUP BY school_id, day;
