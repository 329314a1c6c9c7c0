DROP TABLE t_user;
