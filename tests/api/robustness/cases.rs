//! Malformed (and a few valid) import files, generated deterministically
//! from a seed: the same (seed, kind, index) always gives the same case.

use chrono::{Duration, NaiveDate};
use kinmu::ingest::ImportKind;

/// SplitMix64: small, fast, good enough, and ours (no new crates).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The generator of one case: independent of every other case.
    pub fn for_case(seed: u64, kind: ImportKind, index: usize) -> Rng {
        let k = match kind {
            ImportKind::Doctors => 1u64,
            ImportKind::Timecard => 2,
            ImportKind::Roster => 3,
            ImportKind::Pclog => 4,
            ImportKind::Employers => 5,
            ImportKind::Permits => 6,
            ImportKind::CompRest => 7,
        };
        let mut r =
            Rng(seed ^ k.wrapping_mul(0xA076_1D64_78BD_642F) ^ (index as u64).wrapping_mul(0xE703_7ED1_A0B4_28DB));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn range(&mut self, lo: usize, hi_inclusive: usize) -> usize {
        lo + self.below(hi_inclusive - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn byte(&mut self) -> u8 {
        self.next_u64() as u8
    }
}

/// What the import of a case must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Imports cleanly: all `rows` data rows inserted, nothing rejected.
    Valid { rows: usize, shift_jis: bool },
    /// A header and no rows: nothing rejected, nothing written.
    Noop,
    /// The file fails as a whole (`Err`); the message mentions this text.
    FileError { mentions: Option<String> },
    /// The import answers with this physical line among the rejected rows.
    RejectsLine(usize),
    /// Malformed beyond doubt, in a way that may surface either as an `Err`
    /// or as rejected rows.
    Fails,
    /// Anything may happen, but the invariants hold.
    Any,
}

/// One generated file.
#[derive(Debug, Clone)]
pub struct Case {
    /// What was done to the file, for failure messages.
    pub label: String,
    pub bytes: Vec<u8>,
    pub expect: Expect,
    pub skip_invalid: bool,
}

/// The doctors every database of the fuzz test starts with (setup file).
/// D001..D005 are for mutations of the stored base files; VAL-01..VAL-05
/// only appear in fresh files with dates of their own (see `fresh_base`),
/// so no mutation can ever touch them (a few byte edits cannot turn
/// `D001` into `VAL-01`).
pub fn setup_doctors() -> String {
    let mut s = String::from("staff_id,name,department,level,legal_holiday,pc_account\n");
    for i in 1..=5 {
        s.push_str(&format!("D00{i},医師 {i}号,内科,A,sun,pc-d00{i}\n"));
    }
    for i in 1..=5 {
        s.push_str(&format!("VAL-0{i},検証 {i}号,外科,B,sat,val-0{i}-pc\n"));
    }
    s
}

/// The stored base file of a kind (imported at setup, then mutated).
pub fn stored_base(kind: ImportKind) -> String {
    let mut s = String::new();
    match kind {
        ImportKind::Doctors => {
            s.push_str("staff_id,name,department,level,legal_holiday,pc_account\n");
            for i in 1..=5 {
                s.push_str(&format!("D00{i},医師 {i}号,内科,A,sun,pc-d00{i}\n"));
            }
        }
        ImportKind::Timecard | ImportKind::Roster => {
            s.push_str("staff_id,date,clock_in,clock_out,break_minutes,kind\n");
            for i in 1..=5 {
                for day in 3..=7 {
                    let (cin, cout, brk, k) = if day == 5 {
                        ("17:30", "32:00", "90", "duty")
                    } else {
                        ("08:30", "17:30", "60", "work")
                    };
                    s.push_str(&format!("D00{i},2024-06-{day:02},{cin},{cout},{brk},{k}\n"));
                }
            }
        }
        ImportKind::Pclog => {
            s.push_str("ユーザー,端末名,ログオン日時,ログオフ日時\n");
            for i in 1..=5 {
                for day in 3..=7 {
                    s.push_str(&format!(
                        "pc-d00{i},NS-0{i},2024/06/{day:02} 08:2{i}:10,2024/06/{day:02} 18:0{i}:00\n"
                    ));
                }
            }
        }
        ImportKind::Employers | ImportKind::Permits | ImportKind::CompRest => {
            unreachable!("the employers and permits files are not in the fuzz run (KINDS)")
        }
    }
    s
}

/// A CSV table with the English field name of each column ("" for columns
/// no import knows).
#[derive(Debug, Clone)]
struct Table {
    keys: Vec<&'static str>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn col(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| *k == key)
    }

    fn remove_col(&mut self, i: usize) {
        self.keys.remove(i);
        self.header.remove(i);
        for r in &mut self.rows {
            r.remove(i);
        }
    }

    fn push_col(&mut self, key: &'static str, header: &str, value: impl Fn(usize) -> String) {
        self.keys.push(key);
        self.header.push(header.to_string());
        for (i, r) in self.rows.iter_mut().enumerate() {
            r.push(value(i));
        }
    }

    fn required(kind: ImportKind) -> &'static [&'static str] {
        match kind {
            ImportKind::Doctors => &["staff_id", "name"],
            ImportKind::Timecard | ImportKind::Roster => &["staff_id", "date", "clock_in", "clock_out"],
            ImportKind::Pclog => &["staff_id", "logon", "logoff"],
            ImportKind::Employers => &["staff_id", "employer"],
            ImportKind::Permits => &["permit_no", "granted_on", "kind", "band_start", "band_end"],
            ImportKind::CompRest => &["staff_id", "date", "start", "end"],
        }
    }
}

/// How a table is written out.
#[derive(Debug, Clone, Default)]
struct Style {
    /// Mixed LF / CRLF / CR, blank and comma-only lines, leading blank lines.
    messy: bool,
    /// One line ending for the whole file when not messy.
    ending: &'static str,
    trailing_newline: bool,
    bom: bool,
}

impl Style {
    fn random(rng: &mut Rng) -> Style {
        Style {
            messy: rng.chance(40),
            ending: ["\n", "\r\n", "\r"][rng.below(3)],
            trailing_newline: rng.chance(85),
            bom: rng.chance(15),
        }
    }
}

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// 1-based physical line of `offset`: LF, CRLF and a lone CR each end a line.
pub fn line_at(text: &[u8], offset: usize) -> usize {
    let mut line = 1;
    for i in 0..offset.min(text.len()) {
        match text[i] {
            b'\n' => line += 1,
            b'\r' if text.get(i + 1) != Some(&b'\n') => line += 1,
            _ => {}
        }
    }
    line
}

/// Writes `t`; `raw` replaces the text of some data rows. Returns the text
/// and the physical line each data row starts on.
fn render(t: &Table, style: &Style, rng: &mut Rng, raw: &[(usize, String)]) -> (String, Vec<usize>) {
    let mut out = String::new();
    if style.bom {
        out.push('\u{feff}');
    }
    let ending = |rng: &mut Rng| -> &'static str {
        if style.messy {
            ["\n", "\r\n", "\r", "\n", "\r\n"][rng.below(5)]
        } else {
            style.ending
        }
    };
    if style.messy {
        for _ in 0..rng.below(3) {
            out.push_str(ending(rng));
        }
    }
    out.push_str(&t.header.iter().map(|h| quote(h)).collect::<Vec<_>>().join(","));
    let mut offsets = Vec::new();
    for (i, row) in t.rows.iter().enumerate() {
        out.push_str(ending(rng));
        if style.messy && rng.chance(20) {
            let filler = if rng.chance(50) {
                String::new()
            } else {
                ",".repeat(t.header.len().saturating_sub(1))
            };
            out.push_str(&filler);
            out.push_str(ending(rng));
        }
        offsets.push(out.len());
        match raw.iter().find(|(r, _)| *r == i) {
            Some((_, text)) => out.push_str(text),
            None => out.push_str(&row.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",")),
        }
    }
    if style.trailing_newline {
        out.push_str(ending(rng));
    }
    let lines = offsets.iter().map(|&o| line_at(out.as_bytes(), o)).collect();
    (out, lines)
}

/// A valid file of a kind whose rows belong to this case alone: doctors
/// with staff ids of their own, shifts and sessions of the VAL doctors on
/// four days no other case uses.
fn fresh_base(kind: ImportKind, index: usize, rng: &mut Rng, japanese: bool) -> Table {
    let day0 = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap_or_default() + Duration::days(4 * index as i64);
    let day = |d: i64, rng: &mut Rng| -> String {
        let date = day0 + Duration::days(d);
        match rng.below(4) {
            0 => date.format("%Y/%-m/%-d").to_string(),
            1 => date.format("%Y/%m/%d").to_string(),
            2 if japanese => to_full_width(&date.format("%Y/%m/%d").to_string()),
            _ => date.format("%Y-%m-%d").to_string(),
        }
    };
    match kind {
        ImportKind::Doctors => {
            let header: Vec<&str> = if japanese {
                vec![
                    "職員番号",
                    "氏名",
                    "診療科",
                    "水準",
                    "メールアドレス",
                    "法定休日",
                    "PCアカウント",
                    "所定始業",
                ]
            } else {
                vec![
                    "staff_id",
                    "name",
                    "department",
                    "level",
                    "email",
                    "legal_holiday",
                    "pc_account",
                    "scheduled_start",
                ]
            };
            let keys = vec![
                "staff_id",
                "name",
                "department",
                "level",
                "email",
                "legal_holiday",
                "pc_account",
                "scheduled_start",
            ];
            let n = rng.range(2, 8);
            let rows = (1..=n)
                .map(|j| {
                    let id = format!("N{index:05}-{j}");
                    vec![
                        id.clone(),
                        rng.pick(&["山田 太郎", "佐藤　花子", "髙橋 一郎", "ﾀﾅｶ ｼﾞﾛｳ", "Smith John"])
                            .to_string(),
                        rng.pick(&["内科", "外科", "", "救急科"]).to_string(),
                        rng.pick(&["A", "連携B", "B", "C-1", "C-2", ""]).to_string(),
                        if rng.chance(50) {
                            format!("{}@example.org", id.to_lowercase())
                        } else {
                            String::new()
                        },
                        rng.pick(&["sun", "sat", "土", "日", ""]).to_string(),
                        if rng.chance(60) {
                            format!("{}-pc", id.to_lowercase())
                        } else {
                            String::new()
                        },
                        rng.pick(&["08:30", "9:00", "", "０８：００"]).to_string(),
                    ]
                })
                .collect();
            Table {
                keys,
                header: header.into_iter().map(String::from).collect(),
                rows,
            }
        }
        ImportKind::Timecard | ImportKind::Roster => {
            let header: Vec<&str> = if japanese {
                vec![
                    "職員番号",
                    "勤務日",
                    "出勤時刻",
                    "退勤時刻",
                    "休憩時間（分）",
                    "勤務区分",
                ]
            } else {
                vec!["staff_id", "date", "clock_in", "clock_out", "break_minutes", "kind"]
            };
            let keys = vec!["staff_id", "date", "clock_in", "clock_out", "break_minutes", "kind"];
            let mut rows = Vec::new();
            for d in 0..3 {
                for v in 1..=5 {
                    if !rng.chance(30) {
                        continue;
                    }
                    let id = format!("VAL-0{v}");
                    let night = rng.chance(30);
                    let (cin, cout, brk) = if night {
                        (
                            "18:00",
                            *rng.pick(&["25:00", "01:00", "24:30"]),
                            *rng.pick(&["30", "0:30", "0"]),
                        )
                    } else {
                        (
                            *rng.pick(&["08:30", "8:30", "08:30:15"]),
                            *rng.pick(&["17:30", "17:30:59", "19:00"]),
                            *rng.pick(&["60", "1:00", "45", ""]),
                        )
                    };
                    let kind = match (japanese, night) {
                        (true, true) => *rng.pick(&["夜勤", "宿日直"]),
                        (true, false) => *rng.pick(&["日勤", "通常", ""]),
                        (false, true) => *rng.pick(&["work", "duty"]),
                        (false, false) => *rng.pick(&["work", ""]),
                    };
                    let (cin, cout) = if japanese && rng.chance(20) {
                        (to_full_width(cin), to_full_width(cout))
                    } else {
                        (cin.to_string(), cout.to_string())
                    };
                    rows.push(vec![id, day(d, rng), cin, cout, brk.to_string(), kind.to_string()]);
                }
            }
            if rows.is_empty() {
                rows.push(vec![
                    "VAL-01".into(),
                    day(1, rng),
                    "08:30".into(),
                    "17:30".into(),
                    "60".into(),
                    String::new(),
                ]);
            }
            Table {
                keys,
                header: header.into_iter().map(String::from).collect(),
                rows,
            }
        }
        ImportKind::Pclog => {
            let header: Vec<&str> = match (japanese, rng.below(2)) {
                (true, 0) => vec!["ユーザー", "端末名", "ログオン日時", "ログオフ日時"],
                (true, _) => vec!["アカウント", "コンピュータ名", "ログオン", "ログオフ"],
                (false, 0) => vec!["staff_id", "pc_name", "logon", "logoff"],
                (false, _) => vec!["account", "pc_name", "logon", "logoff"],
            };
            let keys = vec!["staff_id", "pc_name", "logon", "logoff"];
            let mut rows = Vec::new();
            for d in 0..3 {
                for v in 1..=5 {
                    if !rng.chance(35) {
                        continue;
                    }
                    let account = if rng.chance(50) {
                        format!("VAL-0{v}")
                    } else {
                        format!("val-0{v}-pc")
                    };
                    let sep = *rng.pick(&[" ", "T", " "]);
                    let date = day(d, rng);
                    let on = format!("{date}{sep}{}", rng.pick(&["07:55:12", "8:05", "08:00"]));
                    let off = format!("{date}{sep}{}", rng.pick(&["18:10:00", "21:45", "23:59:59"]));
                    rows.push(vec![
                        account,
                        rng.pick(&["NS-01", "OR-02", "", "ＰＣ－０３"]).to_string(),
                        on,
                        off,
                    ]);
                }
            }
            if rows.is_empty() {
                let date = day(0, rng);
                rows.push(vec![
                    "VAL-01".into(),
                    "NS-01".into(),
                    format!("{date} 08:00"),
                    format!("{date} 17:00"),
                ]);
            }
            Table {
                keys,
                header: header.into_iter().map(String::from).collect(),
                rows,
            }
        }
        ImportKind::Employers | ImportKind::Permits | ImportKind::CompRest => {
            unreachable!("the employers and permits files are not in the fuzz run (KINDS)")
        }
    }
}

/// ASCII digits, ':', '/', '-' and letters to their full-width forms (what
/// a Japanese spreadsheet may write; NFKC folds them back).
fn to_full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// A bad value for one cell, with the column it goes in.
fn bad_cell(kind: ImportKind, rng: &mut Rng) -> (&'static str, String) {
    let big = || "9".repeat(1 << 20);
    match kind {
        ImportKind::Timecard | ImportKind::Roster => {
            let cases: &[(&str, &str)] = &[
                ("date", "2024-02-30"),
                ("date", "2023-02-29"),
                ("date", "2024-13-01"),
                ("date", "2024/00/10"),
                ("date", "2024-04-31"),
                ("date", "0000-00-00"),
                ("date", "２０２４／１３／０１"),
                ("date", ""),
                ("date", "yesterday"),
                ("date", "2024-06-01 08:00"),
                ("date", "20240601"),
                ("date", "99999-01-01"),
                ("clock_in", "99:99"),
                ("clock_in", "24:60"),
                ("clock_in", "-1:00"),
                ("clock_in", "48:01"),
                ("clock_in", "49:00"),
                ("clock_in", "48:00"),
                ("clock_in", "8時"),
                ("clock_in", ""),
                ("clock_in", "08:30:60"),
                ("clock_in", "12345:00"),
                ("clock_in", "８：６０"),
                ("clock_out", "99:99"),
                ("clock_out", "-1:00"),
                ("clock_out", "48:30"),
                ("clock_out", "1e3"),
                ("clock_out", ""),
                ("break_minutes", "-5"),
                ("break_minutes", "abc"),
                ("break_minutes", "1:60"),
                ("break_minutes", "999999"),
                ("break_minutes", "9999"),
                ("break_minutes", "1.5"),
                ("kind", "休み"),
                ("kind", "vacation"),
                ("staff_id", ""),
                ("staff_id", "NOBODY"),
                ("staff_id", "D0\"01"),
            ];
            // Now and then a 1 MB value (not often: they cost time).
            match rng.below(cases.len() * 4 + 1) {
                i if i < cases.len() * 4 => (cases[i / 4].0, cases[i / 4].1.to_string()),
                _ => (*rng.pick(&["date", "clock_in", "staff_id"]), big()),
            }
        }
        ImportKind::Pclog => {
            let cases: &[(&str, &str)] = &[
                ("logon", "2024-02-30 08:00"),
                ("logon", "2024-13-01 08:00"),
                ("logon", "2024-06-01 24:00"),
                ("logon", "2024-06-01 99:99"),
                ("logon", "2024-06-01 -1:00"),
                ("logon", "2024-06-01 48:00"),
                ("logon", "2024-06-01"),
                ("logon", "08:00"),
                ("logon", ""),
                ("logon", "2024-06-01 08:00 x"),
                ("logoff", "2024-04-31 08:00"),
                ("logoff", "2024/6/1 25:00"),
                ("logoff", "not a time"),
                ("logoff", ""),
                ("staff_id", ""),
                ("staff_id", "ghost"),
                ("staff_id", "D0\"01"),
            ];
            // Now and then a 1 MB value (not often: they cost time).
            match rng.below(cases.len() * 4 + 1) {
                i if i < cases.len() * 4 => (cases[i / 4].0, cases[i / 4].1.to_string()),
                _ => (*rng.pick(&["logon", "staff_id"]), big()),
            }
        }
        ImportKind::Employers | ImportKind::Permits | ImportKind::CompRest => {
            unreachable!("the employers and permits files are not in the fuzz run (KINDS)")
        }
        ImportKind::Doctors => {
            let cases: &[(&str, &str)] = &[
                ("staff_id", ""),
                ("name", ""),
                ("level", "D"),
                ("level", "連携C"),
                ("email", "a@b@c"),
                ("email", "no-at-sign"),
                ("email", "a b@c"),
                ("legal_holiday", "funday"),
                ("legal_holiday", "月月"),
                ("scheduled_start", "25:00"),
                ("scheduled_start", "24:00"),
                ("scheduled_start", "99:99"),
                ("scheduled_start", "-1:00"),
                ("scheduled_start", "0830"),
                // VAL doctors are never touched by mutations: these stay taken.
                ("pc_account", "VAL-02"),
                ("pc_account", "val-04-pc"),
                ("pc_account", "val-03-pc"),
            ];
            // Now and then a 1 MB value (not often: they cost time).
            match rng.below(cases.len() * 4 + 1) {
                i if i < cases.len() * 4 => (cases[i / 4].0, cases[i / 4].1.to_string()),
                _ => ("scheduled_start", big()),
            }
        }
    }
}

/// Changes a valid row into one that must be rejected; `None` when the
/// change is a whole-row one written through `raw` instead.
fn break_row(kind: ImportKind, t: &mut Table, r: usize, rng: &mut Rng) -> (String, Option<String>) {
    let width = t.header.len();
    let joined = |row: &[String]| row.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",");
    match rng.below(10) {
        // Wrong number of fields.
        0 => {
            let mut row = t.rows[r].clone();
            row.pop();
            ("one field missing".into(), Some(joined(&row)))
        }
        1 => {
            let extra = *rng.pick(&[1usize, 3, 5000]);
            let row = t.rows[r].clone();
            let text = format!("{}{}", joined(&row), ",x".repeat(extra));
            (format!("{extra} fields too many"), Some(text))
        }
        // An unclosed quote in some cell: the rest of the file is one value.
        2 => {
            let mut row: Vec<String> = t.rows[r].iter().map(|c| quote(c)).collect();
            let c = if rng.chance(40) { width - 1 } else { rng.below(width) };
            row[c] = format!("\"{}", row[c].trim_matches('"'));
            (format!("unclosed quote in column {c}"), Some(row.join(",")))
        }
        // Ends before it starts (timecard/roster/pclog), or a duplicate.
        3 if kind == ImportKind::Pclog => {
            let (on, off) = (t.col("logon").unwrap_or(2), t.col("logoff").unwrap_or(3));
            if rng.chance(50) {
                t.rows[r][off] = t.rows[r][on].clone();
                ("logoff equal to logon".into(), None)
            } else {
                t.rows[r].swap(on, off);
                ("logoff before logon".into(), None)
            }
        }
        3 if matches!(kind, ImportKind::Employers | ImportKind::Permits | ImportKind::CompRest) => {
            unreachable!("the employers and permits files are not in the fuzz run (KINDS)")
        }
        3 if kind == ImportKind::Doctors => {
            if r == 0 {
                t.rows[0][1] = String::new();
                return ("empty name".into(), None);
            }
            let (first, id) = (rng.below(r), t.col("staff_id").unwrap_or(0));
            t.rows[r][id] = t.rows[first][id].clone();
            ("staff_id repeated from an earlier row".into(), None)
        }
        3 => {
            let (cin, cout) = (t.col("clock_in").unwrap_or(2), t.col("clock_out").unwrap_or(3));
            match rng.below(3) {
                0 => {
                    t.rows[r][cin] = "25:00".into();
                    t.rows[r][cout] = "24:30".into();
                    ("ends before it starts (25:00 → 24:30)".into(), None)
                }
                1 => {
                    t.rows[r][cin] = "00:00".into();
                    t.rows[r][cout] = "48:00".into();
                    let b = t.col("break_minutes").unwrap_or(4);
                    t.rows[r][b] = "2881".into();
                    ("break longer than the 48 h shift".into(), None)
                }
                _ => {
                    t.rows[r][cin] = "10:00".into();
                    t.rows[r][cout] = "10:00".into();
                    // 10:00 → 10:00 is read as the next day's 10:00 (24 h):
                    // valid, so make the break impossible instead.
                    let b = t.col("break_minutes").unwrap_or(4);
                    t.rows[r][b] = "1441".into();
                    ("break longer than a 24 h shift".into(), None)
                }
            }
        }
        _ => {
            let (key, value) = bad_cell(kind, rng);
            let label = format!(
                "{key} = {:?}",
                if value.len() > 40 {
                    format!("<{} bytes>", value.len())
                } else {
                    value.clone()
                }
            );
            match t.col(key) {
                Some(c) => t.rows[r][c] = value,
                None => return break_row(kind, t, r, rng),
            }
            (label, None)
        }
    }
}

/// Adds an end_date column (empty or the row's own end) to a shift table so
/// that "ends before it starts" and "longer than 48 h" can be written.
fn with_end_date(t: &mut Table, rng: &mut Rng, r: usize) -> String {
    let date_col = t.col("date").unwrap_or(1);
    t.push_col("end_date", "end_date", |_| String::new());
    let end = t.col("end_date").unwrap_or(6);
    let date = t.rows[r][date_col].clone();
    let parsed = kinmu_date(&date);
    let shifted = |days: i64| parsed.map(|d| (d + Duration::days(days)).format("%Y-%m-%d").to_string());
    if rng.chance(50) {
        t.rows[r][end] = shifted(-1).unwrap_or_else(|| "1999-01-01".into());
        "end_date the day before the date".into()
    } else {
        t.rows[r][end] = shifted(3).unwrap_or_else(|| "2999-01-01".into());
        "end_date three days later (longer than 48 h)".into()
    }
}

fn kinmu_date(s: &str) -> Option<NaiveDate> {
    let s: String = s
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
            c => c,
        })
        .collect();
    let sep = if s.contains('/') { '/' } else { '-' };
    let mut p = s.split(sep);
    let (y, m, d) = (
        p.next()?.parse().ok()?,
        p.next()?.parse().ok()?,
        p.next()?.parse().ok()?,
    );
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Noise bytes that matter to a CSV reader or a decoder.
const NOISE: &[u8] = b",\"\n\r:/-09 T\xE3\x82\xFF\x81\x00\x80\xA0";

/// Random edits of a (valid) file: bytes, lines and columns.
fn mutate(bytes: &mut Vec<u8>, rng: &mut Rng) -> String {
    let mut done = Vec::new();
    for _ in 0..rng.range(1, 3) {
        let op = rng.below(11);
        let len = bytes.len().max(1);
        match op {
            0 => {
                let at = rng.below(len).min(bytes.len().saturating_sub(1));
                if let Some(b) = bytes.get_mut(at) {
                    *b = rng.byte();
                }
                done.push("byte flip");
            }
            1 => {
                let at = rng.below(len).min(bytes.len().saturating_sub(1));
                if let Some(b) = bytes.get_mut(at) {
                    *b = *rng.pick(NOISE);
                }
                done.push("noise byte");
            }
            2 => {
                let at = rng.below(bytes.len() + 1);
                bytes.insert(at, *rng.pick(NOISE));
                done.push("byte insert");
            }
            3 => {
                if !bytes.is_empty() {
                    let at = rng.below(bytes.len());
                    bytes.remove(at);
                }
                done.push("byte delete");
            }
            4..=6 | 9 | 10 => {
                let mut lines: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
                let n = lines.len();
                match op {
                    4 => {
                        lines.remove(rng.below(n));
                        done.push("line deleted");
                    }
                    5 => {
                        let i = rng.below(n);
                        let l = lines[i].clone();
                        lines.insert(rng.below(n + 1), l);
                        done.push("line duplicated");
                    }
                    6 => {
                        let (a, b) = (rng.below(n), rng.below(n));
                        lines.swap(a, b);
                        done.push("lines swapped");
                    }
                    9 => {
                        // Swap two columns, in the header, the data, or both.
                        let (a, b) = (rng.below(6), rng.below(6));
                        let which = rng.below(3);
                        for (i, l) in lines.iter_mut().enumerate() {
                            let header = i == 0;
                            if (which == 0 && !header) || (which == 1 && header) {
                                continue;
                            }
                            let mut cells: Vec<Vec<u8>> = l.split(|b| *b == b',').map(<[u8]>::to_vec).collect();
                            if a < cells.len() && b < cells.len() {
                                cells.swap(a, b);
                            }
                            *l = cells.join(&b","[..]);
                        }
                        done.push(
                            [
                                "columns swapped in header",
                                "columns swapped in data",
                                "columns swapped",
                            ][which],
                        );
                    }
                    _ => {
                        let garbage: Vec<u8> = (0..rng.below(40)).map(|_| *rng.pick(NOISE)).collect();
                        lines.insert(rng.below(n + 1), garbage);
                        done.push("garbage line");
                    }
                }
                *bytes = lines.join(&b'\n');
            }
            7 => {
                let at = rng.below(bytes.len() + 1);
                bytes.truncate(at);
                done.push("truncated");
            }
            _ => {
                // Replace a line ending by another.
                if let Some(at) = bytes.iter().position(|b| *b == b'\n') {
                    let skip = rng.below(bytes.len());
                    let at = bytes
                        .iter()
                        .enumerate()
                        .skip(skip)
                        .find(|(_, b)| **b == b'\n')
                        .map_or(at, |(i, _)| i);
                    match rng.below(2) {
                        0 => bytes[at] = b'\r',
                        _ => bytes.insert(at, b'\r'),
                    }
                }
                done.push("line ending changed");
            }
        }
    }
    done.join(" + ")
}

fn random_bytes(rng: &mut Rng) -> (String, Vec<u8>, bool) {
    let len = rng.below(4000);
    match rng.below(3) {
        0 => ("random bytes".into(), (0..len).map(|_| rng.byte()).collect(), true),
        1 => {
            let alphabet = b"abc,\"\n\r:/ 0123456789-_";
            (
                "random CSV-ish ASCII".into(),
                (0..len).map(|_| *rng.pick(alphabet)).collect(),
                true,
            )
        }
        _ => {
            let words = [
                "職員",
                "番号",
                ",",
                "\n",
                "勤務日",
                "2024-06-01",
                "08:00",
                "\"",
                "ログオン",
                "氏名",
            ];
            let mut s = String::new();
            while s.len() < len {
                s.push_str(words[rng.below(words.len())]);
            }
            ("random Japanese-ish words".into(), s.into_bytes(), false)
        }
    }
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if big_endian { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] });
    }
    for u in text.encode_utf16() {
        out.extend_from_slice(&if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
    }
    out
}

fn shift_jis(text: &str) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    (!unmappable).then(|| bytes.into_owned())
}

/// The English name of a required column, as file-level messages name it.
fn field_mention(key: &str) -> String {
    format!("({key})")
}

/// Generates case `index` of `kind`.
pub fn generate(seed: u64, kind: ImportKind, index: usize) -> Case {
    let mut rng = Rng::for_case(seed, kind, index);
    let japanese = rng.chance(50);
    let mut t = fresh_base(kind, index, &mut rng, japanese);
    let rows = t.rows.len();
    let style = Style::random(&mut rng);
    let file_error = |label: String, bytes: Vec<u8>, mentions: Option<String>| Case {
        label,
        bytes,
        expect: Expect::FileError { mentions },
        skip_invalid: false,
    };
    // A few huge cases only: they cost time.
    let class = if index % 250 == 249 { 100 } else { rng.below(100) };
    match class {
        // Valid files, written in every way an export may write them.
        0..=9 => {
            let mut label = format!(
                "valid ({})",
                if japanese {
                    "Japanese headers"
                } else {
                    "English headers"
                }
            );
            if rng.chance(30) {
                // Unknown columns, one of them with a quoted multi-line value.
                t.push_col("", "備考", |i| {
                    if i == 0 {
                        "一行目\n二行目, \"引用\"".into()
                    } else {
                        "x".into()
                    }
                });
                label.push_str(" + multi-line remark column");
            }
            if rng.chance(10) {
                for i in 0..rng.range(10, 3000) {
                    t.push_col("", &format!("extra{i}"), |_| String::new());
                }
                label.push_str(" + thousands of unknown columns");
            }
            if rng.chance(30) && t.header.len() > 2 {
                // Columns in another order.
                let (a, b) = (rng.below(t.header.len()), rng.below(t.header.len()));
                t.keys.swap(a, b);
                t.header.swap(a, b);
                for r in &mut t.rows {
                    r.swap(a, b);
                }
                label.push_str(" + columns reordered");
            }
            let (text, _) = render(&t, &style, &mut rng, &[]);
            let sjis = japanese && !style.bom && rng.chance(50);
            let bytes = if sjis {
                match shift_jis(&text) {
                    Some(b) => b,
                    None => text.into_bytes(),
                }
            } else {
                text.into_bytes()
            };
            let shift_jis = sjis && std::str::from_utf8(&bytes).is_err();
            label.push_str(&format!(" {style:?}"));
            Case {
                label,
                bytes,
                expect: Expect::Valid { rows, shift_jis },
                skip_invalid: false,
            }
        }
        // Header only.
        10..=12 => {
            t.rows.clear();
            let (text, _) = render(&t, &style, &mut rng, &[]);
            Case {
                label: "header only".into(),
                bytes: text.into_bytes(),
                expect: Expect::Noop,
                skip_invalid: false,
            }
        }
        // The whole file is wrong.
        13..=32 => match rng.below(14) {
            0 => file_error("empty file".into(), Vec::new(), Some("空".into())),
            1 => {
                let junk = rng.pick(&["\n", "\r\n\r\n", " , ,\n,,\n", "\u{feff}", "\u{feff}\n \n"]);
                file_error(
                    format!("blank file {junk:?}"),
                    junk.as_bytes().to_vec(),
                    Some("空".into()),
                )
            }
            2 => {
                let (text, _) = render(&t, &style, &mut rng, &[]);
                let (be, bom) = (rng.chance(50), rng.chance(70));
                file_error(
                    format!("UTF-16 (big endian {be}, BOM {bom})"),
                    utf16(&text, be, bom),
                    Some("文字コード".into()),
                )
            }
            3 => {
                // EUC-JP with Japanese headers: read as Shift_JIS it cannot
                // name the columns (or it does not decode at all).
                let mut t = fresh_base(kind, index, &mut rng, true);
                t.rows.truncate(2);
                let (text, _) = render(&t, &style, &mut rng, &[]);
                let (bytes, _, _) = encoding_rs::EUC_JP.encode(&text);
                file_error("EUC-JP".into(), bytes.into_owned(), None)
            }
            4 => {
                // Shift_JIS cut in the middle of a two-byte character.
                let t = fresh_base(kind, index, &mut rng, true);
                let (text, _) = render(&t, &style, &mut rng, &[]);
                let Some(mut bytes) = shift_jis(&text) else {
                    return file_error("empty file".into(), Vec::new(), None);
                };
                let (mut i, mut last_lead) = (0, 0);
                while i < bytes.len() {
                    if matches!(bytes[i], 0x81..=0x9F | 0xE0..=0xFC) {
                        last_lead = i;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
                let cut = last_lead;
                bytes.truncate(cut + 1);
                file_error(
                    "Shift_JIS truncated after a lead byte".into(),
                    bytes,
                    Some("文字コード".into()),
                )
            }
            5 => {
                // A lone Shift_JIS lead byte before a comma or a line end.
                let t = fresh_base(kind, index, &mut rng, true);
                let (text, _) = render(&t, &style, &mut rng, &[]);
                let Some(mut bytes) = shift_jis(&text) else {
                    return file_error("empty file".into(), Vec::new(), None);
                };
                let seps: Vec<usize> = (0..bytes.len()).filter(|&i| matches!(bytes[i], b',' | b'\n')).collect();
                let at = *rng.pick(&seps);
                bytes.insert(at, *rng.pick(&[0x81u8, 0x9F, 0xE0, 0xFC]));
                file_error(
                    "Shift_JIS lead byte before a separator".into(),
                    bytes,
                    Some("文字コード".into()),
                )
            }
            6 => {
                // Latin-1 (a byte above 0x7F that neither UTF-8 nor
                // Shift_JIS can take here: before a comma).
                let (text, _) = render(&t, &style, &mut rng, &[]);
                let ascii: String = text.chars().map(|c| if c.is_ascii() { c } else { 'x' }).collect();
                let mut bytes = ascii.into_bytes();
                let commas: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] == b',').collect();
                let at = *rng.pick(&commas);
                bytes.splice(at..at, [b'J', b'o', b's', 0xE9]);
                file_error("Latin-1 é before a comma".into(), bytes, Some("文字コード".into()))
            }
            7 => {
                let (text, _) = render(&t, &style, &mut rng, &[]);
                let mut bytes = text.into_bytes();
                for _ in 0..rng.range(1, 3) {
                    let at = rng.below(bytes.len() + 1);
                    bytes.insert(at, 0);
                }
                file_error("NUL bytes".into(), bytes, Some("文字コード".into()))
            }
            8 => {
                let required = Table::required(kind);
                let key = *rng.pick(required);
                if let Some(c) = t.col(key) {
                    t.remove_col(c);
                }
                let (text, _) = render(&t, &style, &mut rng, &[]);
                file_error(
                    format!("required column {key} missing"),
                    text.into_bytes(),
                    Some(field_mention(key)),
                )
            }
            9 => {
                // The same header spelling twice (after NFKC, trimming and
                // ASCII lower-casing).
                let c = rng.below(t.header.len());
                let same = match rng.below(3) {
                    0 => t.header[c].clone(),
                    1 => format!(" {} ", t.header[c]),
                    _ => t.header[c].to_uppercase(),
                };
                let key = t.keys[c];
                t.push_col(key, &same, |_| String::new());
                let (text, _) = render(&t, &style, &mut rng, &[]);
                file_error(
                    format!("header {same:?} twice"),
                    text.into_bytes(),
                    Some("同じ項目".into()),
                )
            }
            10 => {
                // An unclosed quote in the header swallows the whole file.
                let c = rng.below(t.header.len());
                t.header[c] = format!("\"{}", t.header[c]);
                let mut text = String::new();
                text.push_str(&t.header.join(","));
                for r in &t.rows {
                    text.push('\n');
                    text.push_str(&r.join(","));
                }
                text.push('\n');
                Case {
                    label: format!("unclosed quote in header cell {c}"),
                    bytes: text.into_bytes(),
                    expect: Expect::Fails,
                    skip_invalid: false,
                }
            }
            _ => {
                let (label, bytes, sure) = random_bytes(&mut rng);
                Case {
                    label,
                    bytes,
                    // Random words might happen to spell a header.
                    expect: if sure { Expect::Fails } else { Expect::Any },
                    skip_invalid: false,
                }
            }
        },
        // One row is wrong: it is rejected, by its line.
        33..=67 => {
            let r = rng.below(rows);
            if rng.chance(30) {
                // An ignored last column, with a legitimately multi-line
                // value on some row (before the bad one, if it can be).
                let before = if r > 0 { rng.below(r) } else { usize::MAX };
                t.push_col("", "備考", |i| {
                    if i == before {
                        "複数\n行の\r\n備考".into()
                    } else {
                        String::new()
                    }
                });
            }
            let mut raw = Vec::new();
            let label = if kind != ImportKind::Doctors && kind != ImportKind::Pclog && rng.chance(10) {
                with_end_date(&mut t, &mut rng, r)
            } else {
                match break_row(kind, &mut t, r, &mut rng) {
                    (label, Some(text)) => {
                        raw.push((r, text));
                        label
                    }
                    (label, None) => label,
                }
            };
            let (text, lines) = render(&t, &style, &mut rng, &raw);
            let skip_invalid = rng.chance(20);
            Case {
                label: format!(
                    "row {} (line {}) broken: {label}{}",
                    r + 1,
                    lines[r],
                    if skip_invalid { " [skip_invalid]" } else { "" }
                ),
                bytes: text.into_bytes(),
                expect: Expect::RejectsLine(lines[r]),
                skip_invalid,
            }
        }
        // Random edits of a valid file (the stored base or a fresh one).
        68..=99 => {
            let mut bytes = if rng.chance(50) {
                stored_base(kind).into_bytes()
            } else {
                render(&t, &style, &mut rng, &[]).0.into_bytes()
            };
            let label = mutate(&mut bytes, &mut rng);
            Case {
                label: format!("mutated: {label}"),
                bytes,
                expect: Expect::Any,
                skip_invalid: rng.chance(15),
            }
        }
        // Huge: a 1 MB cell, or many columns in every row.
        _ => {
            if rng.chance(50) {
                let r = rng.below(rows);
                let key = match kind {
                    ImportKind::Doctors => "scheduled_start",
                    ImportKind::Pclog => "logon",
                    _ => "date",
                };
                let c = t.col(key).unwrap_or(1);
                t.rows[r][c] = format!("{}８", "9".repeat(1 << 20));
                let (text, lines) = render(&t, &style, &mut rng, &[]);
                Case {
                    label: format!("1 MB cell in {key} of row {}", r + 1),
                    bytes: text.into_bytes(),
                    expect: Expect::RejectsLine(lines[r]),
                    skip_invalid: false,
                }
            } else {
                let mut text = render(&t, &style, &mut rng, &[]).0;
                text.push('\n');
                let line = line_at(text.as_bytes(), text.len());
                text.push_str(&",".repeat(200_000));
                text.push_str("x\n");
                Case {
                    label: "a last row of 200 001 fields".into(),
                    bytes: text.into_bytes(),
                    expect: Expect::RejectsLine(line),
                    skip_invalid: false,
                }
            }
        }
    }
}
