//! Integration tests: one binary, every database test on SQLite and on
//! PostgreSQL (see helpers.rs).

// Test code may panic on unexpected errors: that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod access;
mod accounts;
mod api;
mod api_more;
mod audit;
mod audit_key;
mod backup;
mod browser;
mod commands;
mod coverage;
mod demo;
mod forms;
mod health_access;
mod hr;
mod imports;
mod inputs;
mod layers;
mod lockout;
mod monitoring;
mod outbox;
mod print;
mod purge;
mod report_cache;
mod reports;
mod robustness;
mod slow_clients;
mod smtp;
mod ui;
