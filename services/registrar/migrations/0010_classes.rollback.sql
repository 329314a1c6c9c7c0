DROP TABLE class_placements;
DROP TABLE class_schedules;
DROP TABLE teachers;
