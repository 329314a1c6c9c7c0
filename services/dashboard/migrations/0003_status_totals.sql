-- How many of a school's registrations are in each status now, kept by the fold beside the
-- daily net changes it equals the sum of: the rail's counts and the status tiles then read a
-- row per status and a short tail of days, not every change a school ever had.
-- depends: 0002_action_rail

CREATE TABLE t_dashboard_status_total (
    school_id BIGINT UNSIGNED NOT NULL,
    status VARCHAR(16) NOT NULL,
    registrations INT NOT NULL,
    PRIMARY KEY (school_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO t_dashboard_status_total (school_id, status, registrations)
SELECT school_id, status, SUM(net_change)
  FROM t_dashboard_status_daily
 GROUP BY school_id, status;
