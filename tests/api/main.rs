//! Integration tests: one binary, every database test on SQLite and on
//! PostgreSQL (see helpers.rs).

mod helpers;

mod api;
mod commands;
mod imports;
mod reports;
