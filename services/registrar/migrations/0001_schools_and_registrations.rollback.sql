DROP TABLE student_self_registrations;
DROP TABLE schools;
