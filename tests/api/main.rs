//! Integration tests: one binary, every database test on SQLite and on
//! PostgreSQL (see helpers.rs).

// Test code may panic on unexpected errors: that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod a_level_exception;
mod access;
mod accounts;
mod api_monthly_report;
mod api_screens;
mod audit;
mod audit_key;
mod backup;
mod browser;
mod commands;
mod comp_rest;
mod coverage;
mod dashboard_screen;
mod declarations;
mod demo;
mod doctor_page;
mod health_access;
mod hr_screens;
mod imports;
mod input_limits;
mod inputs_v2;
mod intake;
mod interview_screens;
mod interviews_and_alerts;
mod late_months;
mod layers;
mod layouts;
mod lockout;
mod mapping_screen;
mod monthly_checks;
mod openapi;
mod opinion_record;
mod outbox;
mod pc_reviews;
mod permits;
mod print_pack;
mod print_pack_records;
mod purge;
mod queue_screen;
mod reimport;
mod report_cache;
mod reports;
mod rest_inputs;
mod rest_ledger;
mod robustness;
mod roster_check;
mod screen_roles;
mod self_study;
mod slow_clients;
mod snapshots;
mod worklists;
