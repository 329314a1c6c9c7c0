-- The rail forgets seat offers; replaying the events after a forward migration restores them.
DROP TABLE t_dashboard_seat_offer;
