//! The queue's view: its filters and page as GET parameters, kept through
//! every form and redirect, and the paging of a list.

use crate::domain::time::Minutes;
use crate::report::queue::Filter;
use crate::web::ui::{Lang, UiError};
use chrono::NaiveDate;
use serde::Deserialize;

/// The queue's filters and page as asked: GET parameters, kept through
/// every form and redirect of the page (all text, checked when read).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct View {
    /// The department (empty: every one).
    pub dept: String,
    /// Part of a doctor's name or staff id.
    pub doctor: String,
    pub from: String,
    pub to: String,
    /// The least unexplained minutes shown.
    pub min: String,
    /// `open` (default) or `resolved`.
    pub state: String,
    pub page: String,
    /// The page of the PC review items (their own paging, below the cards).
    pub rpage: String,
}

impl View {
    /// The filter of the read model; a malformed date or size is refused.
    pub(super) fn filter(&self, lang: Lang) -> Result<Filter, UiError> {
        let date = |label: (&'static str, &'static str), s: &str| -> Result<Option<NaiveDate>, UiError> {
            if s.trim().is_empty() {
                return Ok(None);
            }
            crate::domain::input::parse_date(label, s.trim())
                .map(Some)
                .map_err(|e| UiError::BadRequest(lang, e.0))
        };
        let min = match self.min.trim() {
            "" => 0,
            m => m.parse::<Minutes>().ok().filter(|m| (0..=10_000).contains(m)).ok_or_else(|| {
                UiError::BadRequest(
                    lang,
                    "未打刻の分数は 0〜10000 の整数で指定してください / the minutes must be a whole number from 0 to 10000"
                        .into(),
                )
            })?,
        };
        Ok(Filter {
            department: self.dept.trim().to_string(),
            doctor: self.doctor.trim().to_string(),
            from: date(("開始日", "from"), &self.from)?,
            to: date(("終了日", "to"), &self.to)?,
            min_minutes: min,
        })
    }
    pub(super) fn page_no(&self) -> usize {
        self.page.trim().parse().unwrap_or(1).max(1)
    }
    pub(super) fn review_page_no(&self) -> usize {
        self.rpage.trim().parse().unwrap_or(1).max(1)
    }
    pub fn resolved(&self) -> bool {
        self.state == "resolved"
    }
    /// The view's parameters as a query string (`&`-separated, without the
    /// pages), empty ones left out.
    pub fn query(&self) -> String {
        [
            ("dept", &self.dept),
            ("doctor", &self.doctor),
            ("from", &self.from),
            ("to", &self.to),
            ("min", &self.min),
            ("state", &self.state),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("&{k}={}", crate::web::ui::urlencode(v.trim())))
        .collect()
    }
    /// The view's parameters read from a posted form's pairs.
    pub(super) fn from_pairs(pairs: &[(String, String)]) -> View {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        View {
            dept: get("dept"),
            doctor: get("doctor"),
            from: get("from"),
            to: get("to"),
            min: get("min"),
            state: get("state"),
            page: get("page"),
            rpage: get("rpage"),
        }
    }
}

/// The paging of the shown list: total, first and last shown, the page,
/// the number of pages.
#[derive(Debug, Clone, Copy, Default)]
pub struct Paging {
    pub total: usize,
    pub first: usize,
    pub last: usize,
    pub page: usize,
    pub pages: usize,
}

impl Paging {
    /// Page `asked` (clamped) of `total` items, `per` a page: the paging
    /// and the range of the items shown.
    pub fn of(total: usize, asked: usize, per: usize) -> (Paging, std::ops::Range<usize>) {
        let pages = total.div_ceil(per).max(1);
        let page = asked.clamp(1, pages);
        let start = ((page - 1) * per).min(total);
        let end = (start + per).min(total);
        let paging = Paging {
            total,
            first: if start == end { 0 } else { start + 1 },
            last: end,
            page,
            pages,
        };
        (paging, start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::Paging;

    #[test]
    fn a_page_of_a_list_is_clamped_and_numbered_from_one() {
        let (p, r) = Paging::of(120, 2, 50);
        assert_eq!(
            (p.total, p.first, p.last, p.page, p.pages, r),
            (120, 51, 100, 2, 3, 50..100)
        );
        let (p, r) = Paging::of(120, 9, 50);
        assert_eq!(
            (p.first, p.last, p.page, r),
            (101, 120, 3, 100..120),
            "past the end: the last page"
        );
        let (p, r) = Paging::of(0, 1, 50);
        assert_eq!(
            (p.first, p.last, p.page, p.pages, r),
            (0, 0, 1, 1, 0..0),
            "an empty list has one empty page"
        );
        let (p, _) = Paging::of(50, 0, 50);
        assert_eq!((p.page, p.pages, p.last), (1, 1, 50));
    }
}
