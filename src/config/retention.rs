//! The settings of rules §10: how long working-time records are kept.

use super::{ConfigError, RawSettings};
use crate::domain::retention::WorkRetention;

/// `work_records_retention_years` (3 to 100: 附則143条 allows no fewer than
/// 3), `wage_payment_day` (1 to 31) and `wage_payment_month_offset` (0 to 2
/// months after the month's name); unset keys take the defaults.
pub(super) fn read(raw: &RawSettings) -> Result<WorkRetention, ConfigError> {
    let d = WorkRetention::default();
    let within = |key: &'static str, v: Option<i64>, default: i64, (lo, hi): (i64, i64), expected: &'static str| match v
        .unwrap_or(default)
    {
        v if (lo..=hi).contains(&v) => Ok(v),
        v => Err(ConfigError::Value {
            key,
            value: v.to_string(),
            expected,
        }),
    };
    Ok(WorkRetention {
        years: within(
            "work_records_retention_years",
            raw.work_records_retention_years,
            d.years.into(),
            (WorkRetention::MIN_YEARS.into(), 100),
            "3〜100（年。労基法附則143条により3年以上） / 3 to 100 years",
        )? as i32,
        wage_payment_day: within(
            "wage_payment_day",
            raw.wage_payment_day,
            d.wage_payment_day.into(),
            (1, 31),
            "1〜31（日） / a day of the month, 1 to 31",
        )? as u32,
        wage_payment_month_offset: within(
            "wage_payment_month_offset",
            raw.wage_payment_month_offset,
            d.wage_payment_month_offset.into(),
            (0, 2),
            "0〜2（か月後） / 0 to 2 months after",
        )? as u32,
    })
}
