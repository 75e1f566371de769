//! kinmu — doctors' working hours under the 2024 reform (医師の働き方改革).
//!
//! The data flows one way: `import` (CSV → validated rows) → `db` (storage)
//! → `domain` (the rule book, pure) → `report` and `web` (figures out).

pub mod accounts;
pub mod app;
pub mod audit;
pub mod backup;
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
pub mod monitor;
pub mod policy;
pub mod records;
pub mod report;
mod sim;
pub mod telemetry;
pub mod web;
