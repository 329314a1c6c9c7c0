DROP TRIGGER IF EXISTS trg_ssr_stage_count_insert;
DROP TRIGGER IF EXISTS trg_ssr_stage_count_update;
DROP TRIGGER IF EXISTS trg_ssr_stage_count_delete;
DROP TABLE t_stage_count;
