//! Reading the worked examples of rules.md (`docs/examples/*.json`) in the
//! tests that run them: one example by id, and the cells they are written
//! in. Test code only.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value;

/// The example `id` of a JSON list of examples (`name` says which file).
pub(crate) fn example_in(all: &str, name: &str, id: &str) -> Value {
    let all: Vec<Value> = serde_json::from_str(all).unwrap_or_else(|e| panic!("{name}: {e}"));
    all.into_iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no example {id} in {name}"))
}

/// `2024-06-10`.
pub(crate) fn date(v: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap()
}

/// `2024-06-10 08:00` or `2024-06-10T08:00`.
pub(crate) fn instant(v: &Value) -> NaiveDateTime {
    let s = v.as_str().unwrap().replace('T', " ");
    NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M").unwrap()
}

/// `08:30`.
pub(crate) fn time(v: &Value) -> NaiveTime {
    NaiveTime::parse_from_str(v.as_str().unwrap(), "%H:%M").unwrap()
}
