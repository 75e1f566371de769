//! The cards of the 乖離 queue: each open day's timecard rows and PC
//! sessions as listed, and the day chart (three lanes on one time axis).

use crate::domain::time::{midnight, Minutes};
use crate::html::escape;
use crate::report::queue::QueueItem;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::fmt::Write;

/// A timecard row of the day, as listed.
pub struct RowLine {
    pub kind_code: &'static str,
    pub kind_ja: &'static str,
    pub start: String,
    pub end: String,
    pub break_minutes: Minutes,
}

/// A PC session of the day, as listed.
pub struct PcLine {
    pub pc_name: String,
    pub logon: String,
    pub logoff: String,
    /// Its minutes outside every timecard row.
    pub uncovered: Minutes,
}

/// One open discrepancy day.
pub struct Item {
    pub staff_id: String,
    pub name: String,
    pub department: String,
    pub date: NaiveDate,
    pub uncovered: Minutes,
    pub rows: Vec<RowLine>,
    pub sessions: Vec<PcLine>,
    /// The intervals a `work` resolution would add, as `HH:MM–HH:MM`.
    pub gaps: Vec<String>,
    pub svg: String,
}

impl Item {
    /// The element id and form key of the day.
    pub fn key(&self) -> String {
        format!("{}_{}", self.staff_id, self.date)
    }
    /// The value of the day's checkbox in the bulk form (`STAFF:DAY`).
    pub fn pick(&self) -> String {
        format!("{}:{}", self.staff_id, self.date)
    }
}

/// One bar of the day chart.
struct Bar {
    start: NaiveDateTime,
    end: NaiveDateTime,
    class: &'static str,
    title: String,
}

/// The day as three lanes on one time axis — timecard rows, PC sessions,
/// and the uncovered PC time — from midnight to the end of the latest bar
/// (at least 24 h, at most 72 h). Every text is escaped, so the SVG may be
/// inserted as is.
fn day_chart(day: NaiveDate, lanes: &[(&str, Vec<Bar>)], title: &str) -> String {
    const W: f64 = 720.0;
    const LEFT: f64 = 96.0;
    const TOP: f64 = 16.0;
    const ROW: f64 = 22.0;
    let from = midnight(day);
    let latest = lanes.iter().flat_map(|(_, bars)| bars.iter().map(|b| b.end)).max();
    let hours = latest.map_or(24, |l| {
        let minutes = (l - from).num_minutes();
        ((minutes + 59) / 60).clamp(24, 72)
    });
    let to = from + Duration::hours(hours);
    let span = (hours * 60) as f64;
    let width = W - LEFT - 8.0;
    let x = |t: NaiveDateTime| LEFT + width * (t.clamp(from, to) - from).num_minutes() as f64 / span;
    let height = TOP + ROW * lanes.len() as f64 + 6.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart day" viewBox="0 0 {W} {height}" width="{W}" height="{height}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    );
    let step = if hours > 24 { 6 } else { 3 };
    for h in (0..=hours).step_by(step) {
        let xx = LEFT + width * (h * 60) as f64 / span;
        let _ = write!(
            s,
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{TOP}" y2="{:.1}" stroke="#e3e6ea"/><text x="{xx:.1}" y="11" font-size="10" text-anchor="middle">{}</text>"##,
            height - 6.0,
            h % 24
        );
    }
    for (i, (label, bars)) in lanes.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let _ = write!(
            s,
            r#"<text x="4" y="{:.1}" font-size="11">{}</text>"#,
            y + 15.0,
            escape(label)
        );
        for b in bars.iter().filter(|b| b.end > from && b.start < to) {
            let (x0, x1) = (x(b.start), x(b.end));
            let _ = write!(
                s,
                r#"<rect class="{}" x="{x0:.1}" y="{:.1}" width="{:.1}" height="14" fill="{}"><title>{}</title></rect>"#,
                b.class,
                y + 4.0,
                (x1 - x0).max(1.0),
                crate::web::ui::charts::colour(b.class),
                escape(&b.title)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// A queue item (`report::queue`) as the page shows it: its rows and
/// sessions as listed, and the day chart.
pub(super) fn item_of(i: QueueItem) -> Item {
    let day = i.date;
    let row_bars = i
        .rows
        .iter()
        .map(|s| Bar {
            start: s.start(),
            end: s.end(),
            class: s.kind().code(),
            title: format!("{} {}–{}", s.kind().label_ja(), i.at(s.start()), i.at(s.end())),
        })
        .collect();
    let pc_bars = i
        .sessions
        .iter()
        .map(|s| Bar {
            start: s.logon,
            end: s.logoff,
            class: "pc",
            title: format!("PC {} {}–{}", s.pc_name, i.at(s.logon), i.at(s.logoff)),
        })
        .collect();
    let gap_bars = i
        .gaps
        .iter()
        .map(|g| Bar {
            start: g.start,
            end: g.end,
            class: "uncovered",
            title: format!("未打刻 {}–{}（{}分）", i.at(g.start), i.at(g.end), g.minutes()),
        })
        .collect();
    let svg = day_chart(
        day,
        &[("タイムカード", row_bars), ("PCログ", pc_bars), ("未打刻", gap_bars)],
        &format!("{} {} {}", i.staff_id, i.name, day),
    );
    Item {
        rows: i
            .rows
            .iter()
            .map(|s| RowLine {
                kind_code: s.kind().code(),
                kind_ja: s.kind().label_ja(),
                start: i.at(s.start()),
                end: i.at(s.end()),
                break_minutes: s.break_minutes(),
            })
            .collect(),
        sessions: i
            .sessions
            .iter()
            .map(|s| PcLine {
                pc_name: s.pc_name.clone(),
                logon: i.at(s.logon),
                logoff: i.at(s.logoff),
                uncovered: s.uncovered,
            })
            .collect(),
        gaps: i.gap_texts(),
        svg,
        staff_id: i.staff_id,
        name: i.name,
        department: i.department,
        date: i.date,
        uncovered: i.uncovered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_day_chart_escapes_its_texts_and_widens_for_sessions_past_midnight() {
        let day = NaiveDate::from_ymd_opt(2024, 6, 3).unwrap();
        let bars = vec![Bar {
            start: at("2024-06-03 22:00"),
            end: at("2024-06-04 02:00"),
            class: "pc",
            title: "PC <script>".into(),
        }];
        let svg = day_chart(day, &[("PC<ログ>", bars)], "A01 & co");
        assert!(svg.contains("PC &lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.contains("PC&lt;ログ&gt;") && svg.contains("A01 &amp; co"));
        assert_eq!(svg.matches("<rect").count(), 1);
        assert!(svg.contains(">6</text>"), "a 30 h axis is ticked every 6 h");
    }
}
