-- Archived teachers and classes are offered again, as every row was before archiving.
ALTER TABLE class_schedules DROP COLUMN archived_at;
ALTER TABLE teachers DROP COLUMN archived_at;
