-- Back to one wording per template: a school's wordings in other languages than English go.
DELETE FROM t_message_template WHERE language <> 'en';
ALTER TABLE t_message_template
    DROP INDEX uq_message_template,
    ADD UNIQUE KEY uq_message_template (school_id, template_key),
    DROP COLUMN language;
ALTER TABLE t_school DROP COLUMN default_language;
