//! Reading the worked examples of rules.md (`docs/examples/*.json`) in the
//! tests that run them: one example by id, and the cells they are written
//! in. Test code only.

use super::permits::{Permit, PermitKind, EVERY_DAY};
use super::profile::WeekdaySet;
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

/// The permits of an example (rules §13.1).
pub(crate) fn permits(v: &Value) -> Vec<Permit> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|p| Permit {
                    permit_no: p["permit_no"].as_str().unwrap().into(),
                    granted_on: date(&p["granted_on"]),
                    kind: PermitKind::parse(p["kind"].as_str().unwrap()).unwrap(),
                    departments: p["departments"]
                        .as_array()
                        .map(|d| d.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                        .unwrap_or_default(),
                    band_start: time(&p["band_start"]),
                    band_end: time(&p["band_end"]),
                    weekdays: match p["weekdays"].as_array() {
                        None => EVERY_DAY,
                        Some(days) => {
                            let text: Vec<&str> = days.iter().map(|x| x.as_str().unwrap()).collect();
                            WeekdaySet::parse(&text.join(",")).unwrap()
                        }
                    },
                    revoked_on: p.get("revoked_on").map(date),
                })
                .collect()
        })
        .unwrap_or_default()
}
