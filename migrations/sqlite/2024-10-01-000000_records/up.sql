-- Records an inspector can trust: a tamper-evident access log (each entry
-- carries the hash of the previous one) and legal holds that stop a purge.

ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';

CREATE TABLE legal_holds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    reason TEXT NOT NULL,
    placed_by TEXT,
    placed_at TIMESTAMP NOT NULL,
    released_at TIMESTAMP
);
