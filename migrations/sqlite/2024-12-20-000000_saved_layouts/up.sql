-- Layouts HR saved on the mapping screen or registered from a TOML file
-- (issue 12): how a hospital's own export maps onto kinmu's rows, chosen by
-- name on the upload form, in intake rules, with --layout and ?layout=.
-- The TOML is the layout itself (docs/formats.md, "Layouts"), kept as
-- written so that it can be downloaded and shared; name, title and yields
-- are copied out of it for lists. A name never equals a built-in preset's.
-- Saving a name again replaces its TOML (the access log keeps who did).
CREATE TABLE saved_layouts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    -- shifts, pc_sessions, windows or kinmu.
    yields TEXT NOT NULL,
    toml TEXT NOT NULL,
    saved_by TEXT,
    saved_at TIMESTAMP NOT NULL
);
