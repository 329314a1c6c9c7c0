-- Waitlists and seat offers are gone; seats they held are free again.
DROP TABLE seat_offers;
DROP TABLE class_waitlist;
ALTER TABLE schools DROP COLUMN seat_offer_hours;
