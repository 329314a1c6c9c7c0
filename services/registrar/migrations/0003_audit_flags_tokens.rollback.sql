DROP TABLE t_api_token;
DROP TABLE t_feature_flag;
DROP TABLE t_audit_log;
