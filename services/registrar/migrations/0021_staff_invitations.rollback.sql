-- Invitations are gone; links already in inboxes open nothing (the page finds no invitation).
DROP TABLE t_staff_invitation;
