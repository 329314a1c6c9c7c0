-- Back to one scope: each address gets its latest form answer where no link decided for it
-- (link decisions are kept as they are). The history and the confirmations go.
INSERT IGNORE INTO t_consent (school_id, recipient, channel, purpose, granted, changed_at,
                              changed_via, evidence, given_at, given_via, withdrawn_at,
                              withdrawn_via, updated_at)
SELECT r.school_id, r.recipient, r.channel, r.purpose, r.granted, r.changed_at, r.changed_via,
       r.evidence, IF(r.granted = 1, r.changed_at, NULL), IF(r.granted = 1, r.changed_via, NULL),
       NULL, NULL, r.updated_at
FROM t_registration_consent r
JOIN (SELECT school_id, recipient, channel, purpose, MAX(changed_at) AS latest
      FROM t_registration_consent GROUP BY school_id, recipient, channel, purpose) l
  ON l.school_id = r.school_id AND l.recipient = r.recipient AND l.channel = r.channel
 AND l.purpose = r.purpose AND l.latest = r.changed_at;

DROP TABLE t_consent_history;
DROP TABLE t_consent_confirmation;
DROP TABLE t_registration_consent;
