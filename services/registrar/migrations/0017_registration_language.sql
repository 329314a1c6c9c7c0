-- The language a family reads its pages and e-mails in: each school's default, and the one a
-- family chose on the form, kept on its registration for every later e-mail (shared.locales).
-- Existing rows were all written and answered in English.
-- depends: 0016_withdrawn

ALTER TABLE schools
    ADD COLUMN default_language VARCHAR(8) NOT NULL DEFAULT 'en';

ALTER TABLE student_self_registrations
    ADD COLUMN language VARCHAR(8) NOT NULL DEFAULT 'en';
