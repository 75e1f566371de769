//! Server-rendered SVG charts (no script): the month's running total of
//! overtime + holiday work against the 80 / 100 / 155 h lines, and the last
//! twelve months as bars. Every text in them is escaped.
//!
//! Readable on a phone: each chart keeps its own size (the page lets it
//! scroll sideways in its box rather than shrinking it), no text is
//! smaller than 11 px, the axes carry their values (hours) and the bars
//! their figures, and each chart's `<title>`/`aria-label` says its data in
//! words for those who do not see it. Words follow the page's language.

use crate::domain::time::{format_hm, Minutes};
use crate::html::escape;
use crate::report::doctor_month::DayMark;
use std::fmt::Write;

const W: f64 = 720.0;
const H: f64 = 260.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 24.0;

/// Reference lines: (minutes, Japanese label, English label, colour; the
/// colours have at least 4.5:1 against white, the labels are text).
const LINES: [(Minutes, &str, &str, &str); 3] = [
    (4800, "80時間", "80 h", "#7a5d00"),
    (6000, "100時間", "100 h", "#b33c00"),
    (9300, "155時間", "155 h", "#a11"),
];

/// The y axis: a grid line and its value in hours every `step` minutes.
fn y_axis(s: &mut String, max: Minutes, y: &dyn Fn(Minutes) -> f64, ja: bool) {
    let step = if max > 24_000 { 4800 } else { 2400 };
    let mut m = 0;
    while m <= max {
        let yy = y(m);
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#e3e6ea"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#333">{}</text>"##,
            W - 8.0,
            LEFT - 4.0,
            yy + 4.0,
            m / 60
        );
        m += step;
    }
    let _ = write!(
        s,
        r##"<text x="4" y="{}" font-size="11" fill="#333">{}</text>"##,
        TOP - 2.0,
        if ja { "時間" } else { "hours" }
    );
}

/// The reference lines, labelled at their right end.
fn reference_lines(s: &mut String, y: &dyn Fn(Minutes) -> f64, ja: bool) {
    for (m, label_ja, label_en, colour) in LINES {
        let yy = y(m);
        let _ = write!(
            s,
            r#"<line x1="{LEFT}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="{colour}" stroke-dasharray="4 3"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="{colour}">{}</text>"#,
            W - 8.0,
            W - 10.0,
            yy - 3.0,
            if ja { label_ja } else { label_en }
        );
    }
}

fn scale_max(values: impl Iterator<Item = Minutes>) -> Minutes {
    let top = values.max().unwrap_or(0).max(9300);
    // Round up to the next 20 h.
    (top + 1199) / 1200 * 1200
}

/// The running total by day (`actual` through the as-of day, then
/// `projected`), with the threshold lines; `title` names the chart and
/// `summary` says its figures.
pub fn running_total(
    actual: &[Minutes],
    projected: &[Minutes],
    as_of_day: usize,
    (title, summary): (&str, &str),
    ja: bool,
) -> String {
    let days = projected.len().max(actual.len()).max(1);
    let max_m = scale_max(actual.iter().chain(projected).copied());
    let max = max_m as f64;
    let x = |day: usize| LEFT + (W - LEFT - 8.0) * (day as f64) / days as f64;
    let y = |m: Minutes| TOP + (H - TOP - BOTTOM) * (1.0 - m as f64 / max);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{t}: {d}"><title>{t}: {d}</title>"#,
        t = escape(title),
        d = escape(summary)
    );
    y_axis(&mut s, max_m, &y, ja);
    reference_lines(&mut s, &y, ja);
    let _ = write!(
        s,
        r##"<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{}" stroke="#888"/><line x1="{LEFT}" x2="{}" y1="{}" y2="{}" stroke="#888"/>"##,
        H - BOTTOM,
        W - 8.0,
        H - BOTTOM,
        H - BOTTOM
    );
    for day in (1..=days).filter(|d| *d == 1 || d % 5 == 0) {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" font-size="11" text-anchor="middle">{day}{}</text>"#,
            x(day),
            H - 10.0,
            if ja && day == 1 { "日" } else { "" }
        );
    }
    let path = |points: &mut dyn Iterator<Item = (usize, Minutes)>| -> String {
        points
            .map(|(d, m)| format!("{:.1},{:.1}", x(d), y(m)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let projected_points = path(
        &mut projected
            .iter()
            .enumerate()
            .skip(as_of_day.saturating_sub(1))
            .map(|(i, m)| (i + 1, *m)),
    );
    let _ = write!(
        s,
        r##"<polyline points="{projected_points}" fill="none" stroke="#1d5fa8" stroke-width="2" stroke-dasharray="6 4"/>"##
    );
    let actual_points = path(&mut actual.iter().take(as_of_day).enumerate().map(|(i, m)| (i + 1, *m)));
    let _ = write!(
        s,
        r##"<polyline points="{actual_points}" fill="none" stroke="#1d5fa8" stroke-width="2.5"/>"##
    );
    // The figures at the as-of day and the month end, in words on the chart.
    let last_actual = actual
        .get(as_of_day.saturating_sub(1).min(actual.len().saturating_sub(1)))
        .copied();
    if let Some(m) = last_actual {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" font-weight="700" fill="#123e6e" text-anchor="middle">{}</text>"##,
            x(as_of_day.max(1)),
            (y(m) - 6.0).max(TOP + 10.0),
            format_hm(m)
        );
    }
    if let Some(m) = projected.last().copied().filter(|_| projected.len() > as_of_day) {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#123e6e" text-anchor="end">{}</text>"##,
            x(days) - 2.0,
            (y(m) - 6.0).max(TOP + 10.0),
            format_hm(m)
        );
    }
    s.push_str("</svg>");
    s
}

/// The state of a month's figure in words and its bar colour (every
/// colour at least 4.5:1 against white; the words go with the bar).
fn level(m: Minutes, ja: bool) -> (&'static str, &'static str) {
    let (label_ja, label_en, colour) = if m > 9300 {
        ("155時間超", "over 155 h", "#a11")
    } else if m >= 6000 {
        ("100時間以上", "100 h or more", "#b33c00")
    } else if m >= 4800 {
        ("80時間以上", "80 h or more", "#7a5d00")
    } else {
        ("80時間未満", "under 80 h", "#1d5fa8")
    };
    (if ja { label_ja } else { label_en }, colour)
}

/// Bars of overtime + holiday minutes for labelled months (`YYYY-MM`),
/// each with its figure in hours above it.
pub fn months(bars: &[(String, Minutes)], title: &str, ja: bool) -> String {
    let n = bars.len().max(1);
    let max_m = scale_max(bars.iter().map(|(_, m)| *m));
    let max = max_m as f64;
    let slot = (W - LEFT - 8.0) / n as f64;
    let y = |m: Minutes| TOP + (H - TOP - BOTTOM) * (1.0 - m as f64 / max);
    let summary: Vec<String> = bars
        .iter()
        .map(|(label, m)| format!("{label} {}（{}）", format_hm(*m), level(*m, ja).0))
        .collect();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{t}: {d}"><title>{t}: {d}</title>"#,
        t = escape(title),
        d = escape(&summary.join(if ja { "、" } else { ", " }))
    );
    y_axis(&mut s, max_m, &y, ja);
    reference_lines(&mut s, &y, ja);
    for (i, (label, m)) in bars.iter().enumerate() {
        let x0 = LEFT + slot * i as f64 + slot * 0.15;
        let top = y(*m);
        let (words, colour) = level(*m, ja);
        let month = label.get(5..).unwrap_or(label).trim_start_matches('0');
        let _ = write!(
            s,
            r##"<rect x="{x0:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{colour}"><title>{} {}（{}）</title></rect><text x="{:.1}" y="{:.1}" font-size="11" font-weight="700" text-anchor="middle" fill="#1f2328">{}</text><text x="{:.1}" y="{}" font-size="11" text-anchor="middle">{}{}</text>"##,
            slot * 0.7,
            (H - BOTTOM - top).max(0.0),
            escape(label),
            format_hm(*m),
            words,
            x0 + slot * 0.35,
            top - 4.0,
            m / 60,
            x0 + slot * 0.35,
            H - 10.0,
            escape(month),
            if ja { "月" } else { "" }
        );
    }
    s.push_str("</svg>");
    s
}

/// One bar of the month's timeline.
pub struct Span {
    pub start: chrono::NaiveDateTime,
    pub end: chrono::NaiveDateTime,
    /// `work`, `duty`, `duty_permitted`, `self_study`, `external`, `planned` or `pc`.
    pub class: &'static str,
    pub label: String,
}

/// The colour of a kind of time, one table for the doctor's timeline and
/// the 乖離 queue's day chart, so a kind looks the same on both (the
/// legend in doctor.html names them). White text on each dark colour is at
/// least 4.5:1 (WCAG 1.4.3); the light ones take dark text.
pub fn colour(class: &str) -> &'static str {
    match class {
        "work" => "#1d5fa8",
        "duty" => "#7048e8",
        "duty_permitted" => "#b197fc",
        "self_study" => "#237a37",
        "external" => "#c24a00",
        "planned" => "#adb5bd",
        "pc" => "#495057",
        // Uncovered PC time on the queue's chart.
        "uncovered" => "#d9480f",
        _ => "#212529",
    }
}

/// The weekday of a date as a letter: 月火水木金土日, or Mon–Sun.
pub fn weekday(d: chrono::NaiveDate, ja: bool) -> &'static str {
    const JA: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = chrono::Datelike::weekday(&d).num_days_from_monday() as usize;
    if ja {
        JA[i]
    } else {
        EN[i]
    }
}

/// The month as rows of days on a 0–24 h axis: shifts as bars (split at
/// midnight), planned rows in grey, PC sessions as thin black lines. Each
/// day is labelled with its date and weekday, and marked in text — 「祝」
/// for a national holiday (its name in the row's title), 「法休」 for the
/// doctor's statutory holiday — as well as by the row's tint.
pub fn timeline(days: &[DayMark], spans: &[Span], title: &str, ja: bool) -> String {
    let row = 20.0;
    let top = 20.0;
    let left = 118.0;
    let width = W - left - 8.0;
    let height = top + row * days.len() as f64 + 8.0;
    let holidays: Vec<String> = days
        .iter()
        .filter_map(|d| {
            d.holiday
                .map(|h| format!("{} {}", d.date.format("%m/%d"), if ja { h.ja } else { h.en }))
        })
        .collect();
    let statutory = days.iter().filter(|d| d.statutory).count();
    let summary = if ja {
        format!(
            "{}日分。祝日: {}。法定休日: {}日",
            days.len(),
            if holidays.is_empty() {
                "なし".to_string()
            } else {
                holidays.join("、")
            },
            statutory
        )
    } else {
        format!(
            "{} days. Holidays: {}. Statutory holidays: {}",
            days.len(),
            if holidays.is_empty() {
                "none".to_string()
            } else {
                holidays.join(", ")
            },
            statutory
        )
    };
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart timeline" viewBox="0 0 {W} {height}" width="{W}" height="{height}" role="img" aria-label="{t}: {d}"><title>{t}: {d}</title>"#,
        t = escape(title),
        d = escape(&summary)
    );
    for h in (0..=24).step_by(3) {
        let x = left + width * f64::from(h) / 24.0;
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{top}" y2="{:.1}" stroke="#e3e6ea"/><text x="{x:.1}" y="14" font-size="11" text-anchor="middle">{h}{}</text>"##,
            height - 8.0,
            if h == 0 {
                if ja {
                    "時"
                } else {
                    "h"
                }
            } else {
                ""
            }
        );
    }
    for (i, day) in days.iter().enumerate() {
        let y = top + row * i as f64;
        let weekday_no = chrono::Datelike::weekday(&day.date);
        // Text colours at least 4.5:1 on the row's tint.
        let fill = if day.holiday.is_some() || weekday_no == chrono::Weekday::Sun {
            "#a11"
        } else if weekday_no == chrono::Weekday::Sat {
            "#1d5fa8"
        } else {
            "#1f2328"
        };
        let tint = if day.holiday.is_some() {
            Some("#fdecec")
        } else if day.statutory {
            Some("#eef1f8")
        } else {
            None
        };
        if let Some(tint) = tint {
            let _ = write!(
                s,
                r#"<rect x="0" y="{y:.1}" width="{W}" height="{row}" fill="{tint}"/>"#
            );
        }
        let mut marks = Vec::new();
        if day.holiday.is_some() {
            marks.push(if ja { "祝" } else { "hol." });
        }
        if day.statutory {
            marks.push(if ja { "法休" } else { "stat." });
        }
        let name = day.holiday.map(|h| if ja { h.ja } else { h.en });
        let _ = write!(
            s,
            r#"<text x="4" y="{:.1}" font-size="12" fill="{fill}" data-day="{}">{}{} {}{}{}</text>"#,
            y + 15.0,
            day.date,
            name.map(|n| format!("<title>{}</title>", escape(n)))
                .unwrap_or_default(),
            day.date.format("%m/%d"),
            weekday(day.date, ja),
            if marks.is_empty() { "" } else { " " },
            marks.join(" ")
        );
        let midnight = day.date.and_time(chrono::NaiveTime::MIN);
        let next = midnight + chrono::Duration::days(1);
        for span in spans.iter().filter(|sp| sp.start < next && sp.end > midnight) {
            let from = (span.start.max(midnight) - midnight).num_minutes() as f64;
            let to = (span.end.min(next) - midnight).num_minutes() as f64;
            let x = left + width * from / 1440.0;
            let w = (width * (to - from) / 1440.0).max(1.0);
            let (yy, hh) = if span.class == "pc" {
                (y + 15.0, 3.0)
            } else {
                (y + 3.0, 11.0)
            };
            let _ = write!(
                s,
                r#"<rect class="{}" x="{x:.1}" y="{yy:.1}" width="{w:.1}" height="{hh}" fill="{}"><title>{}</title></rect>"#,
                span.class,
                colour(span.class),
                escape(&span.label)
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn plain(s: &str) -> DayMark {
        DayMark {
            date: d(s),
            holiday: None,
            statutory: false,
        }
    }

    #[test]
    fn the_running_total_draws_actual_and_projected_lines_the_thresholds_and_the_hours() {
        let actual: Vec<Minutes> = (1..=30).map(|d| d * 100).collect();
        let svg = running_total(&actual, &actual, 14, ("<title>", "14日 23:20"), true);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        for label in ["80時間", "100時間", "155時間", ">40</text>", ">160</text>", "23:20"] {
            assert!(svg.contains(label), "{label}");
        }
        assert!(svg.contains("&lt;title&gt;"), "titles are escaped");
        let en = running_total(&actual, &actual, 14, ("t", "s"), false);
        assert!(en.contains("155 h") && !en.contains("時間"));
        assert!(!svg.contains(r#"font-size="10""#), "no text under 11 px");
    }

    #[test]
    fn a_night_shift_is_drawn_on_both_days_it_touches() {
        let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let spans = [Span {
            start: at("2024-06-03 17:00"),
            end: at("2024-06-04 09:00"),
            class: "duty",
            label: "宿日直 <17:00>".into(),
        }];
        let days = [plain("2024-06-03"), plain("2024-06-04"), plain("2024-06-05")];
        let svg = timeline(&days, &spans, "June", true);
        assert_eq!(svg.matches(r#"class="duty""#).count(), 2);
        assert!(svg.contains("&lt;17:00&gt;"));
    }

    #[test]
    fn the_timeline_names_weekdays_holidays_and_the_statutory_holiday_in_words() {
        let days = [
            DayMark {
                date: d("2024-07-14"),
                holiday: None,
                statutory: true,
            },
            DayMark {
                date: d("2024-07-15"),
                holiday: Some(crate::domain::text::Label::new("海の日", "Marine Day")),
                statutory: false,
            },
            plain("2024-07-16"),
        ];
        let ja = timeline(&days, &[], "7月", true);
        assert!(ja.contains("07/14 日 法休") && ja.contains("07/15 月 祝") && ja.contains("07/16 火<"));
        assert!(ja.contains("<title>海の日</title>") && ja.contains("祝日: 07/15 海の日"));
        assert!(!ja.contains("Mon") && !ja.contains("Sun"));
        let en = timeline(&days, &[], "July", false);
        assert!(en.contains("07/14 Sun stat.") && en.contains("07/15 Mon hol.") && en.contains("Marine Day"));
    }

    #[test]
    fn a_bar_per_month_with_its_figure_and_its_state_in_words() {
        let bars = vec![
            ("2024-05".to_string(), 3000),
            ("2024-06".to_string(), 6500),
            ("2024-07".to_string(), 11460),
        ];
        let svg = months(&bars, "12", true);
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("#b33c00") && svg.contains("#a11"));
        assert!(svg.contains("108:20"), "tooltips show H:MM");
        assert!(
            svg.contains(">191</text>") && svg.contains(">50</text>"),
            "the hours on the bars"
        );
        assert!(
            svg.contains("2024-07 191:00（155時間超）"),
            "the summary says the data: {svg}"
        );
        assert!(svg.contains(">7月</text>"));
        assert!(!svg.contains(r#"font-size="10""#));
    }
}
