-- E-mails in the family's language: a school may keep its own wording of a template once per
-- language, and the directory of schools keeps each school's default language, whose wording
-- stands in when a family's language has none. Every existing wording was written in English.
-- depends: 0006_family_link_lifetime

ALTER TABLE t_message_template
    ADD COLUMN language VARCHAR(8) NOT NULL DEFAULT 'en' AFTER template_key,
    DROP INDEX uq_message_template,
    ADD UNIQUE KEY uq_message_template (school_id, template_key, language);

ALTER TABLE t_school
    ADD COLUMN default_language VARCHAR(8) NOT NULL DEFAULT 'en' AFTER currency;
