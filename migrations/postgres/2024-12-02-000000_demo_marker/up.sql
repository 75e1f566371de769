-- Written by `kinmu serve --demo` into a database it created (or was told
-- to use with --demo-into-this-database): demo data and the public demo
-- password only ever go into a database that carries this mark.
CREATE TABLE demo_marker (
    id INTEGER PRIMARY KEY,
    created_at TIMESTAMP NOT NULL
);
