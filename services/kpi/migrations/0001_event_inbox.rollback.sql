DROP TABLE t_event_inbox;
