-- Every page and e-mail goes back to English. The outbox triggers name these columns: load
-- sql/triggers_outbox.sql of the release rolled back to right after this.
ALTER TABLE student_self_registrations DROP COLUMN language;
ALTER TABLE schools DROP COLUMN default_language;
