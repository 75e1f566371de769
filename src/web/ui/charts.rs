//! Server-rendered SVG charts (no script): the month's running total of
//! overtime + holiday work against the 80 / 100 / 155 h lines, and the last
//! twelve months as bars. Every text in them is escaped.

use crate::domain::time::{format_hm, Minutes};
use crate::html::escape;
use std::fmt::Write;

const W: f64 = 720.0;
const H: f64 = 260.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 12.0;

/// Reference lines: (minutes, label, colour).
const LINES: [(Minutes, &str, &str); 3] = [
    (4800, "80h", "#c9a400"),
    (6000, "100h", "#d9480f"),
    (9300, "155h", "#a11"),
];

fn scale_max(values: impl Iterator<Item = Minutes>) -> Minutes {
    let top = values.max().unwrap_or(0).max(9300);
    // Round up to the next 20 h.
    (top + 1199) / 1200 * 1200
}

/// The running total by day (`actual` through the as-of day, then
/// `projected`), with the threshold lines.
pub fn running_total(actual: &[Minutes], projected: &[Minutes], as_of_day: usize, title: &str) -> String {
    let days = projected.len().max(actual.len()).max(1);
    let max = scale_max(actual.iter().chain(projected).copied()) as f64;
    let x = |day: usize| LEFT + (W - LEFT - 8.0) * (day as f64) / days as f64;
    let y = |m: Minutes| TOP + (H - TOP - BOTTOM) * (1.0 - m as f64 / max);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{}"><title>{}</title>"#,
        escape(title),
        escape(title)
    );
    for (m, label, colour) in LINES {
        let yy = y(m);
        let _ = write!(
            s,
            r#"<line x1="{LEFT}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="{colour}" stroke-dasharray="4 3"/><text x="4" y="{:.1}" font-size="11" fill="{colour}">{label}</text>"#,
            W - 8.0,
            yy + 4.0
        );
    }
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
            r#"<text x="{:.1}" y="{}" font-size="10" text-anchor="middle">{day}</text>"#,
            x(day),
            H - 10.0
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
    s.push_str("</svg>");
    s
}

/// Bars of overtime + holiday minutes for labelled months.
pub fn months(bars: &[(String, Minutes)], title: &str) -> String {
    let n = bars.len().max(1);
    let max = scale_max(bars.iter().map(|(_, m)| *m)) as f64;
    let slot = (W - LEFT - 8.0) / n as f64;
    let y = |m: Minutes| TOP + (H - TOP - BOTTOM) * (1.0 - m as f64 / max);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{}"><title>{}</title>"#,
        escape(title),
        escape(title)
    );
    for (m, label, colour) in LINES {
        let yy = y(m);
        let _ = write!(
            s,
            r#"<line x1="{LEFT}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="{colour}" stroke-dasharray="4 3"/><text x="4" y="{:.1}" font-size="11" fill="{colour}">{label}</text>"#,
            W - 8.0,
            yy + 4.0
        );
    }
    for (i, (label, m)) in bars.iter().enumerate() {
        let x0 = LEFT + slot * i as f64 + slot * 0.15;
        let top = y(*m);
        let colour = if *m > 9300 {
            "#a11"
        } else if *m >= 6000 {
            "#d9480f"
        } else if *m >= 4800 {
            "#c9a400"
        } else {
            "#1d5fa8"
        };
        let _ = write!(
            s,
            r#"<rect x="{x0:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{colour}"><title>{} {}</title></rect><text x="{:.1}" y="{}" font-size="10" text-anchor="middle">{}</text>"#,
            slot * 0.7,
            (H - BOTTOM - top).max(0.0),
            escape(label),
            format_hm(*m),
            x0 + slot * 0.35,
            H - 10.0,
            escape(label.get(5..).unwrap_or(label))
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

/// The colour of a timeline class.
fn colour(class: &str) -> &'static str {
    match class {
        "work" => "#1d5fa8",
        "duty" => "#7048e8",
        "duty_permitted" => "#b197fc",
        "self_study" => "#2b8a3e",
        "external" => "#e8590c",
        "planned" => "#adb5bd",
        _ => "#212529",
    }
}

/// The month as rows of days on a 0–24 h axis: shifts as bars (split at
/// midnight), planned rows in grey, PC sessions as thin black lines.
pub fn timeline(days: &[chrono::NaiveDate], spans: &[Span], title: &str) -> String {
    let row = 18.0;
    let top = 18.0;
    let left = 70.0;
    let width = W - left - 8.0;
    let height = top + row * days.len() as f64 + 8.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart timeline" viewBox="0 0 {W} {height}" width="{W}" height="{height}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    );
    for h in (0..=24).step_by(3) {
        let x = left + width * f64::from(h) / 24.0;
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{top}" y2="{:.1}" stroke="#e3e6ea"/><text x="{x:.1}" y="12" font-size="10" text-anchor="middle">{h}</text>"##,
            height - 8.0
        );
    }
    for (i, day) in days.iter().enumerate() {
        let y = top + row * i as f64;
        let weekday = chrono::Datelike::weekday(day);
        let fill = match weekday {
            chrono::Weekday::Sun => "#a11",
            chrono::Weekday::Sat => "#1d5fa8",
            _ => "#333",
        };
        let _ = write!(
            s,
            r#"<text x="4" y="{:.1}" font-size="11" fill="{fill}">{}</text>"#,
            y + 13.0,
            day.format("%m/%d %a")
        );
        let midnight = day.and_time(chrono::NaiveTime::MIN);
        let next = midnight + chrono::Duration::days(1);
        for span in spans.iter().filter(|sp| sp.start < next && sp.end > midnight) {
            let from = (span.start.max(midnight) - midnight).num_minutes() as f64;
            let to = (span.end.min(next) - midnight).num_minutes() as f64;
            let x = left + width * from / 1440.0;
            let w = (width * (to - from) / 1440.0).max(1.0);
            let (yy, hh) = if span.class == "pc" {
                (y + 14.0, 3.0)
            } else {
                (y + 2.0, 11.0)
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

    #[test]
    fn the_running_total_draws_actual_and_projected_lines_and_the_thresholds() {
        let actual: Vec<Minutes> = (1..=30).map(|d| d * 100).collect();
        let svg = running_total(&actual, &actual, 14, "<title>");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        for label in ["80h", "100h", "155h"] {
            assert!(svg.contains(label));
        }
        assert!(svg.contains("&lt;title&gt;"), "titles are escaped");
    }

    #[test]
    fn a_night_shift_is_drawn_on_both_days_it_touches() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let spans = [Span {
            start: at("2024-06-03 17:00"),
            end: at("2024-06-04 09:00"),
            class: "duty",
            label: "宿日直 <17:00>".into(),
        }];
        let svg = timeline(&[d("2024-06-03"), d("2024-06-04"), d("2024-06-05")], &spans, "June");
        assert_eq!(svg.matches(r#"class="duty""#).count(), 2);
        assert!(svg.contains("&lt;17:00&gt;"));
    }

    #[test]
    fn a_bar_per_month_coloured_by_its_level() {
        let bars = vec![
            ("2024-05".to_string(), 3000),
            ("2024-06".to_string(), 6500),
            ("2024-07".to_string(), 9400),
        ];
        let svg = months(&bars, "12");
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("#d9480f") && svg.contains("#a11"));
        assert!(svg.contains("108:20"), "tooltips show H:MM");
    }
}
