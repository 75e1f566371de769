//! kinmu — doctors' working hours under the 2024 reform (医師の働き方改革).
//!
//! The data flows one way: `import` (CSV → validated rows) → `db` (storage)
//! → `month` (load + the rule book of `domain`, one doctor or all, cached)
//! → `report` (read models) → the surfaces `web` and `cli` (figures out).
//!
//! The dependency rule: a module may use the modules of its own layer and
//! of the layers before it in [`LAYERS`], never one after it, and no
//! modules use each other in a cycle. `tests/api/layers.rs` reads every
//! `crate::` path under `src/` and fails on an edge against the rule.

pub mod accounts;
pub mod app;
pub mod audit;
pub mod backup;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod discrepancies;
pub mod domain;
pub mod export;
pub mod generate;
pub mod html;
pub mod import;
pub mod ingest;
pub mod jobs;
pub mod monitor;
pub mod month;
pub mod policy;
pub mod rate_limit;
pub mod records;
pub mod report;
pub mod scheduler;
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
        "backup",
        "rate_limit",
        "month",
    ],
    // Read models, imports and discrepancies.
    &["report", "discrepancies", "ingest"],
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
