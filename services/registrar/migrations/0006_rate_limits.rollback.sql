DROP TABLE t_rate_limit;
