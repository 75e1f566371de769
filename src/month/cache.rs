//! The monthly report, computed once per month, as-of day and version of the
//! data (see [`crate::db::data_version`]), and kept — with its JSON already
//! written — until an import, resolution or deletion changes the data. Many
//! people (and scripts) asking for the same month then cost one computation.
//! Every reader of a whole month (the API, the dashboard, the daily and
//! monthly jobs) takes it through [`ReportCache::report`]: it lives here, in the compute
//! stage, below the surfaces.

use super::{compute_all_on, DoctorComputation, MonthlyReport, ReportError};
use crate::db::models::Doctor;
use crate::db::{self, DbError, Pool};
use crate::domain::hours::RuleConfig;
use crate::domain::time::YearMonth;
use bytes::Bytes;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Reports kept at most (months × as-of days); the oldest go first.
const KEEP: usize = 16;

/// A computed month: every doctor's computation, the report made of it and
/// the report's JSON.
#[derive(Debug, Clone)]
pub struct Cached {
    pub report: Arc<MonthlyReport>,
    pub json: Bytes,
    /// Every doctor with their computed month (the jobs' input).
    pub computed: Arc<Vec<(Doctor, DoctorComputation)>>,
}

type Key = (YearMonth, NaiveDate);

#[derive(Debug, Default)]
pub struct ReportCache {
    entries: Mutex<HashMap<Key, (i64, u64, Cached)>>,
    /// One computation at a time: the others wait and find it cached.
    computing: Mutex<()>,
}

impl ReportCache {
    /// The monthly report of `month` as of `as_of` (clamped into the month)
    /// from the cache while the data has not changed, else computed — once,
    /// however many ask at the same time — and kept. Blocking (diesel): call
    /// it on a blocking thread. No connection is held while waiting for
    /// another reader's computation.
    pub fn report(
        &self,
        pool: &Pool,
        month: YearMonth,
        as_of: NaiveDate,
        rules: &RuleConfig,
    ) -> Result<Cached, ReportError> {
        let as_of = month.clamp(as_of);
        let version =
            || -> Result<i64, ReportError> { Ok(db::data_version(&mut *pool.get().map_err(DbError::from)?)?) };
        if let Some(hit) = self.get(month, as_of, version()?) {
            return Ok(hit);
        }
        let _turn = self.computing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut conn = pool.get().map_err(DbError::from)?;
        // Read the version before computing: data changed meanwhile gets a
        // new version, so a report is never kept under a version newer than
        // its data.
        let v = db::data_version(&mut conn)?;
        if let Some(hit) = self.get(month, as_of, v) {
            return Ok(hit);
        }
        let mut spare = db::spare_connections(pool, 2);
        let computed = compute_all_on(&mut conn, db::as_spare(&mut spare), month, as_of, rules)?;
        drop((conn, spare));
        let report = MonthlyReport::of(month, as_of, rules.permits_register, &computed);
        let json = serde_json::to_vec(&report)?;
        let cached = Cached {
            report: Arc::new(report),
            json: json.into(),
            computed: Arc::new(computed),
        };
        self.put(month, as_of, v, cached.clone());
        Ok(cached)
    }

    /// The report of `month` as of `as_of` if computed at data `version`.
    pub fn get(&self, month: YearMonth, as_of: NaiveDate, version: i64) -> Option<Cached> {
        let entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries
            .get(&(month, as_of))
            .filter(|(v, _, _)| *v == version)
            .map(|(_, _, c)| c.clone())
    }

    /// Keeps a report computed at data `version`.
    pub fn put(&self, month: YearMonth, as_of: NaiveDate, version: i64, cached: Cached) {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let stamp = entries.values().map(|(_, s, _)| *s).max().unwrap_or(0) + 1;
        entries.insert((month, as_of), (version, stamp, cached));
        while entries.len() > KEEP {
            let Some(oldest) = entries.iter().min_by_key(|(_, (_, s, _))| *s).map(|(k, _)| *k) else {
                break;
            };
            entries.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cached(month: &str) -> Cached {
        Cached {
            report: Arc::new(MonthlyReport {
                month: month.into(),
                month_first_day: NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
                month_last_day: NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
                as_of: NaiveDate::from_ymd_opt(2024, 6, 20).unwrap(),
                permits_register: Default::default(),
                doctors: vec![],
            }),
            json: Bytes::from(month.to_string()),
            computed: Arc::new(Vec::new()),
        }
    }

    #[test]
    fn a_report_is_kept_for_its_data_version_only_and_the_oldest_go_first() {
        let c = ReportCache::default();
        let june = YearMonth::parse("2024-06").unwrap();
        let day = NaiveDate::from_ymd_opt(2024, 6, 20).unwrap();
        c.put(june, day, 7, cached("2024-06"));
        assert_eq!(c.get(june, day, 7).unwrap().json, Bytes::from("2024-06"));
        assert!(c.get(june, day, 8).is_none(), "the data changed");
        assert!(c.get(june, day.succ_opt().unwrap(), 7).is_none());
        for i in 0..KEEP as u32 {
            c.put(june, NaiveDate::from_ymd_opt(2025, 1, 1 + i).unwrap(), 7, cached("x"));
        }
        assert!(c.get(june, day, 7).is_none(), "the oldest went");
        assert_eq!(c.entries.lock().unwrap().len(), KEEP);
    }
}
