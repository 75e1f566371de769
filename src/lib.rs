//! kinmu — doctors' working hours under the 2024 reform (医師の働き方改革).
//!
//! A timecard row travels one way, and so does the code:
//!
//! ```text
//! CSV, form ─► import (parse: encoding, headers, cells → checked rows)
//!                └─► ingest (all or nothing, corrections) ─► db (every query)
//! domain (THE RULE BOOK, pure) ◄── month (load + compute one doctor or all, cached)
//!                                     │
//!        report (read models: dashboard, doctor month, 乖離 queue, inspection pack)
//!        monitor (interview records, the daily/monthly jobs' work, mails)
//!                                     │
//!                  jobs (one enum) ─► scheduler
//!                  web::ui   web::api   cli     ← siblings over the same read models
//! ```
//!
//! Where a change goes: a rule and its worked examples in `domain`; a
//! figure in `month` (one doctor or all) or a read model in `report`; who may
//! see it in `policy` (one pure access policy, pinned by its table test);
//! its query in `db`; then the views that show it (`web::ui` templates,
//! `web::api` typed responses and docs/openapi.yaml, `cli`). Codes are
//! enums with one label table each (`domain::interview::{Status, Reason,
//! MeasureReason}`, `report::dashboard::State`, `discrepancies::Resolution`),
//! words for people are `domain::text::{Label, Message}`.
//!
//! The dependency rule: a module may use the modules of its own layer and
//! of the layers before it in [`LAYERS`], never one after it, and no
//! modules — nor the files of one module — use each other in a cycle.
//! `tests/api/layers.rs` reads every `crate::` and `super::` path under
//! `src/` and fails on an edge against the rule; it also keeps the screens
//! and the API from using each other, SQL out of `web/`, and every file
//! under 800 lines unless its `//!` says why.

pub mod accounts;
pub mod app;
pub mod audit;
pub mod backup;
pub mod cli;
pub mod comp_rest;
pub mod config;
pub mod corrections;
pub mod db;
pub mod declarations;
pub mod demo;
pub mod discrepancies;
pub mod domain;
pub mod export;
pub mod generate;
pub mod html;
pub mod import;
pub mod ingest;
pub mod jobs;
pub mod layouts;
pub mod monitor;
pub mod month;
pub mod pc_reviews;
pub mod policy;
pub mod rate_limit;
pub mod records;
pub mod report;
pub mod scheduler;
pub mod self_study;
mod sim;
pub mod telemetry;
pub mod web;

/// The layers of the library, first to last (see the crate's
/// documentation): each may use only itself and the layers before it.
#[doc(hidden)]
pub const LAYERS: &[&[&str]] = &[
    // The rule book and pure helpers: no I/O, no database.
    &["domain", "export", "html"],
    // Settings, parsing files, logging setup.
    &["config", "import", "telemetry", "sim"],
    // Storage: every query.
    &["db"],
    // What rests on storage alone, and the compute stage (the month of one
    // doctor or all, and its cache).
    &[
        "audit",
        "accounts",
        "policy",
        "records",
        "corrections",
        "layouts",
        "backup",
        "rate_limit",
        "month",
    ],
    // Read models, imports and discrepancies.
    &[
        "report",
        "discrepancies",
        "pc_reviews",
        "ingest",
        "self_study",
        "declarations",
        "comp_rest",
    ],
    // Interviews, mails and jobs.
    &["monitor"],
    // Settings + pool + mailer.
    &["app"],
    // The jobs, one enum run by the scheduler and the command line.
    &["jobs"],
    // The scheduler of `kinmu serve`; example data.
    &["scheduler", "demo", "generate"],
    // The surfaces: the only modules that know actix-web's routes or clap
    // (the command line starts the web service).
    &["web", "cli"],
];
