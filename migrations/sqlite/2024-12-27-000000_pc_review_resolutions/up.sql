-- The resolution of a PC review item (rules §9): PC use inside self-study
-- outside the schedule (`kind` 'pc_during_self_study') or inside the
-- permitted part of permitted duty ('pc_during_permitted_duty') over
-- `pc_review_minutes` on a day. `resolution` is 'work',
-- 'self_study_confirmed', 'permitted_light_duty' or 'not_work'; who, when
-- and why are kept. One per doctor, day and kind. A working-time record
-- (rules §10): kept and purged with the discrepancy resolutions.
CREATE TABLE pc_review_resolutions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id BIGINT NOT NULL REFERENCES doctors (id),
    day DATE NOT NULL,
    kind TEXT NOT NULL,
    resolution TEXT NOT NULL,
    reason TEXT NOT NULL,
    resolved_by TEXT,
    resolved_at TIMESTAMP NOT NULL,
    UNIQUE (doctor_id, day, kind)
);
CREATE INDEX pc_review_resolutions_day ON pc_review_resolutions (day);
