//! Realistic attendance files of any size, for benchmarks and load tests
//! (`kinmu generate`).
//!
//! [`Generator`] writes the five files a hospital's systems hand over — the
//! doctors list, the 宿日直許可 register, the attendance system's timecard,
//! the duty roster (勤務予定) and the PC log-on log — for N doctors over M
//! months, with the Japanese headers of formats.md. Every file is written as a stream, one line at a
//! time; only one doctor's rows are held at once, so memory does not grow
//! with the files (a million PC sessions: about 15 MB, under a second).
//!
//! The shapes follow a real hospital's: each doctor has one of a few work
//! patterns (`ARCHETYPES`), a two-week cycle of day codes like the demo's
//! (day shifts 08:30–17:30 with a varying stay, night shifts 16:30→翌09:00,
//! night duty 宿直 17:00→翌08:30 with the morning after, weekend duty on the
//! statutory holiday, self-study, a side job, permitted duty). Day shifts
//! give way to national holidays (祝日) and to the odd day of leave; about
//! one worked day in twenty runs late. In a full month about 40 % of the
//! doctors stay under 45 h of overtime and holiday work, 30 % are between
//! 45 and 80 h, 13 % between 80 and 100 h (watch), 12 % over 100 h and 3–4 %
//! over 155 h; a third have at least one discrepancy.
//!
//! The permits register (`permits.csv`, formats.md R.3) holds a 宿直 permit
//! 17:00–翌08:30 every day and a 日直 permit 09:00–17:00 on Saturdays and
//! Sundays, granted three years before the period, for every generated
//! department but 救急科, and a hospital-wide 宿直 permit revoked before the
//! period. So the permitted night duty (`P`) of most doctors lies inside a
//! permit; an emergency physician's is working time, and so is the last
//! half hour (08:30–09:00) of a doctor who starts at 09:00 — the 日直 begins
//! at 09:00 so that a Friday night does not count as a Saturday 日直 (rules
//! §13.2, §13.4). No generated duty is a permitted 日直.
//!
//! PC sessions follow the worked rows (none at the side job): the session
//! count asked for (`--pc-sessions`) is spread evenly over them. Doctors of
//! some patterns leave the PC on 45–90 minutes past clock-out now and then,
//! or log on for an hour on a day off: those are the discrepancies (乖離).
//!
//! Everything is deterministic: the same options give the same bytes. Each
//! day of each doctor draws from its own seeded generator, so a day looks the
//! same whatever the period around it.
//!
//! It stays in the production library although no hospital needs it:
//! `kinmu generate` is a command of the shipped binary (README,
//! "Benchmarks"; `bench/run` and `bench/snapshot` drive it), and its days
//! come from `sim`, which the demo of `kinmu serve --demo` uses too. It is
//! one generator with its pattern tables, hence one file past 800 lines.

use crate::domain::time::{midnight, YearMonth};
use crate::sim::{clock_out, day_rows, fortnight_day, hm, minute_of_day, minutes, Pattern, Rng, Row, RowKind};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Weekday};
use serde::Serialize;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The doctors list's header (formats.md, "Doctors").
pub const DOCTORS_HEADER: &str = "職員番号,氏名,診療科,水準,メールアドレス,法定休日,PCアカウント,所定始業,所属長";
/// The timecard's header (formats.md, "Timecard and roster").
pub const TIMECARD_HEADER: &str = "職員番号,勤務日,出勤,退勤,休憩時間(分),勤務区分";
/// The roster's header: the same columns, under the roster tool's aliases.
pub const ROSTER_HEADER: &str = "職員番号,日付,開始,終了,休憩,区分";
/// The permits register's header (formats.md R.3).
pub const PERMITS_HEADER: &str = "許可番号,許可年月日,種別,診療科,開始時刻,終了時刻,曜日,取消日,備考";
/// The department whose permitted duty no permit names (an emergency
/// department rarely holds a 宿日直許可).
const NO_PERMIT: &str = "救急科";
/// The PC log's header (formats.md, "PC logs"): the account column holds
/// the doctor's PC account where there is one, else the staff id.
pub const PCLOG_HEADER: &str = "アカウント,端末名,ログオン日時,ログオフ日時";

/// The text encoding of the generated files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8 without BOM.
    #[value(name = "utf-8")]
    Utf8,
    /// Shift_JIS, as most Japanese attendance systems export.
    #[value(name = "shift_jis")]
    ShiftJis,
}

/// How the timecard writes its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Notation {
    /// One notation throughout: `2024/06/03`, `08:30`, breaks in minutes.
    Plain,
    /// What real exports mix (issue 12's benchmark): per row, dates with
    /// slashes, dashes or one-digit months and days; times with seconds;
    /// breaks as `H:MM` or minutes; and now and then full-width digits.
    Mixed,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct Options {
    /// How many doctors.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=9_999_999))]
    pub doctors: u32,
    /// How many months, from --start.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub months: u32,
    /// The first month, YYYY-MM.
    #[arg(long, default_value = "2024-06", value_parser = parse_month)]
    pub start: YearMonth,
    /// PC sessions in all, spread over the worked rows (default: one to
    /// three a row).
    #[arg(long)]
    pub pc_sessions: Option<u64>,
    /// Timecard and PC log end on this day (default: the period's last);
    /// the roster always covers the whole period.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// The seed: other seeds give other hospitals of the same shape.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The files' text encoding.
    #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
    pub encoding: Encoding,
    /// How the timecard's cells are written.
    #[arg(long, value_enum, default_value_t = Notation::Plain)]
    pub notation: Notation,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            doctors: 100,
            months: 1,
            start: YearMonth::new(2024, 6).unwrap_or_else(|| YearMonth::of(NaiveDate::MIN)),
            pc_sessions: None,
            as_of: None,
            seed: 1,
            encoding: Encoding::Utf8,
            notation: Notation::Plain,
        }
    }
}

/// `kinmu generate`: the options and the directory to write to.
#[derive(Debug, Clone, clap::Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub options: Options,
    /// The directory for doctors.csv, permits.csv, timecard.csv, roster.csv
    /// and pclog.csv (created if missing; the files are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

fn parse_month(s: &str) -> Result<YearMonth, String> {
    YearMonth::parse(s).ok_or_else(|| format!("月は YYYY-MM で指定してください: {s:?} / month must be YYYY-MM"))
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("日付は YYYY-MM-DD で指定してください: {s:?} / date must be YYYY-MM-DD"))
}

/// What was written (printed by `kinmu generate` as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub doctors: u64,
    pub permits: u64,
    pub timecard_rows: u64,
    pub roster_rows: u64,
    pub pc_sessions: u64,
    /// The period's first and last day.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The last day of the timecard and PC log, when any.
    pub as_of: Option<NaiveDate>,
    pub encoding: &'static str,
    pub files: Files,
}

/// The paths written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Files {
    pub doctors: PathBuf,
    pub permits: PathBuf,
    pub timecard: PathBuf,
    pub roster: PathBuf,
    pub pclog: PathBuf,
}

/// Writes the five files into `args.out`.
pub fn run(args: &GenerateArgs) -> io::Result<Summary> {
    Generator::new(args.options.clone()).write_files(&args.out)
}

/// The generator of one hospital.
#[derive(Debug, Clone)]
pub struct Generator {
    opts: Options,
    doctors: Vec<Doctor>,
    from: NaiveDate,
    to: NaiveDate,
    /// The last day of actual rows; `None` when the as-of day is before the period.
    last_actual: Option<NaiveDate>,
}

impl Generator {
    pub fn new(opts: Options) -> Generator {
        let from = opts.start.first_day();
        let mut last = opts.start;
        for _ in 1..opts.months.max(1) {
            last = last.next();
        }
        let to = last.last_day();
        let last_actual = match opts.as_of {
            Some(d) if d < from => None,
            Some(d) => Some(d.min(to)),
            None => Some(to),
        };
        let width = opts.doctors.to_string().len().max(5);
        let doctors = (0..u64::from(opts.doctors))
            .map(|i| Doctor::new(opts.seed, i, width))
            .collect();
        Generator {
            opts,
            doctors,
            from,
            to,
            last_actual,
        }
    }

    /// Writes doctors.csv, permits.csv, timecard.csv, roster.csv and
    /// pclog.csv into `dir`.
    pub fn write_files(&self, dir: &Path) -> io::Result<Summary> {
        std::fs::create_dir_all(dir)?;
        let files = Files {
            doctors: dir.join("doctors.csv"),
            permits: dir.join("permits.csv"),
            timecard: dir.join("timecard.csv"),
            roster: dir.join("roster.csv"),
            pclog: dir.join("pclog.csv"),
        };
        let create = |p: &Path| File::create(p).map(|f| BufWriter::with_capacity(1 << 20, f));
        let doctors = self.write_doctors(create(&files.doctors)?)?;
        let permits = self.write_permits(create(&files.permits)?)?;
        let timecard_rows = self.write_timecard(create(&files.timecard)?)?;
        let roster_rows = self.write_roster(create(&files.roster)?)?;
        let pc_sessions = self.write_pclog(create(&files.pclog)?)?;
        Ok(Summary {
            doctors,
            permits,
            timecard_rows,
            roster_rows,
            pc_sessions,
            from: self.from,
            to: self.to,
            as_of: self.last_actual,
            encoding: match self.opts.encoding {
                Encoding::Utf8 => "utf-8",
                Encoding::ShiftJis => "shift_jis",
            },
            files,
        })
    }

    /// The doctors list. Returns the number of doctors.
    pub fn write_doctors<W: Write>(&self, w: W) -> io::Result<u64> {
        let mut out = Out::new(w, self.opts.encoding, "\n");
        out.line.push_str(DOCTORS_HEADER);
        out.end_line()?;
        for d in &self.doctors {
            let _ = write!(
                out.line,
                "{},{},{},{},{}@hospital.example,{},{},{},{}",
                d.staff_id,
                d.name,
                d.department.name,
                d.level,
                d.staff_id.to_ascii_lowercase(),
                if d.legal_holiday == Weekday::Sat { "土" } else { "日" },
                d.pc_account.as_deref().unwrap_or(""),
                if d.start == HOSPITAL_START {
                    String::new()
                } else {
                    hm(d.start)
                },
                d.department.manager,
            );
            out.end_line()?;
        }
        out.finish()?;
        Ok(self.doctors.len() as u64)
    }

    /// The 宿日直許可 register (see the module's notes): the departments of
    /// the generated doctors in `DEPARTMENTS` order. Returns the number of
    /// permits.
    pub fn write_permits<W: Write>(&self, w: W) -> io::Result<u64> {
        let mut out = Out::new(w, self.opts.encoding, "\n");
        out.line.push_str(PERMITS_HEADER);
        out.end_line()?;
        let named: Vec<&str> = DEPARTMENTS
            .iter()
            .filter(|dep| dep.name != NO_PERMIT && self.doctors.iter().any(|d| d.department.name == dep.name))
            .map(|dep| dep.name)
            .collect();
        let year = self.from.year() - 3;
        let (old, granted) = (format!("{}-04-01", year - 5), format!("{year}-04-01"));
        let mut lines = vec![format!(
            "G-{}-001,{old},宿直,全科,17:00,08:30,,{granted},病院全体の宿直（救急告示により取消）",
            year - 5
        )];
        if !named.is_empty() {
            let departments = named.join("、");
            lines.push(format!(
                "G-{year}-011,{granted},宿直,{departments},17:00,08:30,,,病棟の巡視・定時の検温・少数の軽症患者の診察"
            ));
            lines.push(format!(
                "G-{year}-012,{granted},日直,{departments},09:00,17:00,土、日,,休日の少数の軽症患者の診察"
            ));
        }
        for line in &lines {
            out.line.push_str(line);
            out.end_line()?;
        }
        out.finish()?;
        Ok(lines.len() as u64)
    }

    /// The timecard (actual rows up to the as-of day), CRLF line ends as
    /// Windows exports write them. Returns the number of rows.
    pub fn write_timecard<W: Write>(&self, w: W) -> io::Result<u64> {
        let mut out = Out::new(w, self.opts.encoding, "\r\n");
        out.line.push_str(TIMECARD_HEADER);
        out.end_line()?;
        let mut n = 0;
        let Some(last) = self.last_actual else {
            out.finish()?;
            return Ok(0);
        };
        for d in &self.doctors {
            for r in self.schedule(d, last, true) {
                let _ = write!(out.line, "{},", d.staff_id);
                match self.opts.notation {
                    Notation::Plain => {
                        push_date(&mut out.line, r.start.date(), '/');
                        let _ = write!(
                            out.line,
                            ",{},{},{},{}",
                            hm(minute_of_day(r.start)),
                            clock_out(&r),
                            r.break_minutes,
                            r.kind.label()
                        );
                    }
                    Notation::Mixed => push_mixed(&mut out.line, &r, n),
                }
                out.end_line()?;
                n += 1;
            }
        }
        out.finish()?;
        Ok(n)
    }

    /// The roster: the planned rows of the whole period (self-study is
    /// never planned). Returns the number of rows.
    pub fn write_roster<W: Write>(&self, w: W) -> io::Result<u64> {
        let mut out = Out::new(w, self.opts.encoding, "\n");
        out.line.push_str(ROSTER_HEADER);
        out.end_line()?;
        let mut n = 0;
        for d in &self.doctors {
            for r in self.schedule(d, self.to, false) {
                if r.kind == RowKind::SelfStudy {
                    continue;
                }
                let _ = write!(out.line, "{},", d.staff_id);
                push_date(&mut out.line, r.start.date(), '-');
                let _ = write!(
                    out.line,
                    ",{},{},{}:{:02},{}",
                    hm(minute_of_day(r.start)),
                    clock_out(&r),
                    r.break_minutes / 60,
                    r.break_minutes % 60,
                    r.kind.label()
                );
                out.end_line()?;
                n += 1;
            }
        }
        out.finish()?;
        Ok(n)
    }

    /// The PC log-on log. Returns the number of sessions.
    pub fn write_pclog<W: Write>(&self, w: W) -> io::Result<u64> {
        let mut out = Out::new(w, self.opts.encoding, "\n");
        out.line.push_str(PCLOG_HEADER);
        out.end_line()?;
        let Some(last) = self.last_actual else {
            out.finish()?;
            return Ok(0);
        };
        let plan = self.opts.pc_sessions.map(|target| {
            // First pass: how many rows and days off there are to spread over.
            let (mut rows, mut off_days) = (0u64, 0u64);
            for d in &self.doctors {
                let schedule = self.schedule(d, last, true);
                rows += schedule.iter().filter(|r| r.kind.uses_pc()).count() as u64;
                off_days += self.off_day_sessions(d, &schedule, last).len() as u64;
            }
            let with_off_days = target >= rows + off_days;
            let spread = if with_off_days { target - off_days } else { target };
            Spread {
                rows,
                spread,
                with_off_days,
                next: 0,
                carry: 0,
            }
        });
        let mut plan = plan;
        let mut n = 0;
        let mut sessions: Vec<Session> = Vec::new();
        for d in &self.doctors {
            sessions.clear();
            let schedule = self.schedule(d, last, true);
            self.row_sessions(d, &schedule, plan.as_mut(), &mut sessions);
            if plan.as_ref().is_none_or(|p| p.with_off_days) {
                sessions.extend(self.off_day_sessions(d, &schedule, last));
            }
            sessions.sort_unstable_by_key(|s| (s.logon, s.logoff));
            let account = d.pc_account.as_deref().unwrap_or(&d.staff_id);
            for s in &sessions {
                let _ = write!(out.line, "{account},{}-PC{:02},", d.department.code, s.pc);
                push_datetime(&mut out.line, s.logon);
                out.line.push(',');
                push_datetime(&mut out.line, s.logoff);
                out.end_line()?;
                n += 1;
            }
        }
        out.finish()?;
        Ok(n)
    }

    /// A doctor's rows from the period's first day to `last`: as worked
    /// (`actual`) or as planned. Rows never overlap: a row that would start
    /// before the previous one ends starts when it ends (and is dropped if
    /// little is left).
    fn schedule(&self, d: &Doctor, last: NaiveDate, actual: bool) -> Vec<Row> {
        let mut rows: Vec<Row> = Vec::new();
        for date in self.from.iter_days().take_while(|x| *x <= last) {
            let code = d.code(self.opts.seed, date);
            let mut rng = Rng::new(self.opts.seed, d.index, date, 1);
            for mut row in day_rows(&d.pattern(), code, date, actual, &mut rng) {
                if let Some(prev) = rows.last() {
                    row.start = row.start.max(prev.end);
                }
                if minutes(row.start, row.end) >= row.break_minutes + 60 {
                    rows.push(row);
                }
            }
        }
        rows
    }

    /// The sessions during the worked rows: `k` a row, one after another,
    /// each at a PC of the department; the last one of a day shift may run
    /// 45–90 minutes past clock-out (a discrepancy).
    fn row_sessions(&self, d: &Doctor, rows: &[Row], mut plan: Option<&mut Spread>, out: &mut Vec<Session>) {
        for (i, r) in rows.iter().enumerate() {
            if !r.kind.uses_pc() {
                continue;
            }
            let mut rng = Rng::new(
                self.opts.seed,
                d.index,
                r.start.date(),
                2 + minute_of_day(r.start) as u64,
            );
            let wanted = match plan.as_deref_mut() {
                Some(p) => p.take(),
                None => match r.kind {
                    RowKind::Day | RowKind::Night => rng.between(1, 3) as u64,
                    _ => rng.between(1, 2) as u64,
                },
            };
            let margin = if matches!(r.kind, RowKind::Day | RowKind::Night) {
                3
            } else {
                5
            };
            let window_start = r.start + Duration::minutes(margin);
            let window = (r.end - r.start).num_seconds() - 2 * margin * 60;
            // At least two minutes a session.
            let k = wanted.min((window / 120).max(0) as u64);
            if let Some(p) = plan.as_deref_mut() {
                p.give_back(wanted - k);
            }
            let k = k as i64;
            if k == 0 {
                continue;
            }
            let free_after = rows.get(i + 1).is_none_or(|next| minutes(r.end, next.start) >= 120);
            let overrun = d.archetype.overrun_one_in > 0
                && r.kind == RowKind::Day
                && free_after
                && rng.between(0, d.archetype.overrun_one_in as i64 - 1) == 0;
            let segment = window / k;
            let slack = (segment / 4).min(15 * 60);
            for j in 0..k {
                let seg_start = window_start + Duration::seconds(j * segment);
                let logon = seg_start + Duration::seconds(rng.between(0, slack));
                let mut logoff = seg_start + Duration::seconds(segment - rng.between(0, slack));
                if overrun && j == k - 1 {
                    logoff = r.end + Duration::minutes(rng.between(45, 90)) + Duration::seconds(rng.between(0, 59));
                }
                out.push(Session {
                    logon,
                    logoff,
                    pc: rng.between(1, 12) as u8,
                });
            }
        }
    }

    /// Log-ons on days off (about one in 60 for doctors of the patterns
    /// that overrun): 35–80 minutes in the day, no timecard row — a
    /// discrepancy.
    fn off_day_sessions(&self, d: &Doctor, rows: &[Row], last: NaiveDate) -> Vec<Session> {
        let mut out = Vec::new();
        if d.archetype.overrun_one_in == 0 {
            return out;
        }
        let mut next_row = 0;
        for date in self.from.iter_days().take_while(|x| *x <= last) {
            // Skip rows that start before this day.
            while rows.get(next_row).is_some_and(|r| r.start.date() < date) {
                next_row += 1;
            }
            let worked = rows.get(next_row).is_some_and(|r| r.start.date() == date);
            // A row of the day before that runs into this one (night, duty).
            let busy_morning = next_row > 0 && rows[next_row - 1].end > midnight(date) + Duration::hours(10);
            if worked || busy_morning {
                continue;
            }
            let mut rng = Rng::new(self.opts.seed, d.index, date, 7);
            if rng.below(60) != 0 {
                continue;
            }
            let logon = midnight(date)
                + Duration::minutes(rng.between(10 * 60, 18 * 60))
                + Duration::seconds(rng.between(0, 59));
            let logoff = logon + Duration::minutes(rng.between(35, 80)) + Duration::seconds(rng.between(0, 59));
            out.push(Session {
                logon,
                logoff,
                pc: rng.between(1, 12) as u8,
            });
        }
        out
    }
}

/// An exact session count spread evenly over the worked rows, in order.
#[derive(Debug)]
struct Spread {
    rows: u64,
    spread: u64,
    with_off_days: bool,
    next: u64,
    /// Sessions a short row could not take, handed on to the next rows.
    carry: u64,
}

impl Spread {
    /// The sessions of the next row: ⌊(j+1)·S/R⌋ − ⌊j·S/R⌋, plus what earlier
    /// rows handed on.
    fn take(&mut self) -> u64 {
        if self.rows == 0 {
            return 0;
        }
        let (j, s, r) = (u128::from(self.next), u128::from(self.spread), u128::from(self.rows));
        self.next += 1;
        ((j + 1) * s / r - j * s / r) as u64 + std::mem::take(&mut self.carry)
    }

    /// Hands sessions a row could not take on to the next rows.
    fn give_back(&mut self, n: u64) {
        self.carry += n;
    }
}

#[derive(Debug, Clone, Copy)]
struct Session {
    logon: NaiveDateTime,
    logoff: NaiveDateTime,
    pc: u8,
}

/// Lines written one at a time, in the chosen encoding.
struct Out<W: Write> {
    w: W,
    encoding: Encoding,
    newline: &'static str,
    /// The line being written (without its end).
    line: String,
}

impl<W: Write> Out<W> {
    fn new(w: W, encoding: Encoding, newline: &'static str) -> Self {
        Out {
            w,
            encoding,
            newline,
            line: String::with_capacity(128),
        }
    }

    fn end_line(&mut self) -> io::Result<()> {
        self.line.push_str(self.newline);
        match self.encoding {
            Encoding::Utf8 => self.w.write_all(self.line.as_bytes())?,
            Encoding::ShiftJis => self.w.write_all(&encoding_rs::SHIFT_JIS.encode(&self.line).0)?,
        }
        self.line.clear();
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        self.w.flush()
    }
}

fn push_date(s: &mut String, d: NaiveDate, sep: char) {
    let _ = write!(s, "{:04}{sep}{:02}{sep}{:02}", d.year(), d.month(), d.day());
}

/// A timecard row's cells after the staff id in one of the notations real
/// exports mix, chosen by the row's number: the same values as
/// [`Notation::Plain`] writes, read back to the same row.
fn push_mixed(s: &mut String, r: &Row, n: u64) {
    let start = s.len();
    let date = r.start.date();
    match n % 3 {
        0 => push_date(s, date, '/'),
        1 => push_date(s, date, '-'),
        _ => {
            let _ = write!(s, "{}/{}/{}", date.year(), date.month(), date.day());
        }
    }
    let _ = write!(s, ",{}:00,{}", hm(minute_of_day(r.start)), clock_out(r));
    if n % 2 == 0 {
        let _ = write!(s, ":00,{}:{:02},", r.break_minutes / 60, r.break_minutes % 60);
    } else {
        let _ = write!(s, ",{},", r.break_minutes);
    }
    s.push_str(r.kind.label());
    // Every seventh row as a spreadsheet typed in full width writes it.
    if n % 7 == 3 {
        let tail: String = s[start..]
            .chars()
            .map(|c| match c {
                '0'..='9' | ':' | '/' | '-' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
                other => other,
            })
            .collect();
        s.truncate(start);
        s.push_str(&tail);
    }
}

fn push_datetime(s: &mut String, t: NaiveDateTime) {
    push_date(s, t.date(), '-');
    let _ = write!(s, " {:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
}

/// The hospital's scheduled start (所定始業), minutes after midnight.
const HOSPITAL_START: i64 = 8 * 60 + 30;

/// A department, its PC names' prefix and its head's login (所属長).
#[derive(Debug)]
struct Department {
    name: &'static str,
    code: &'static str,
    manager: &'static str,
}

const DEPARTMENTS: [Department; 10] = [
    Department {
        name: "内科",
        code: "NAIKA",
        manager: "naika-bucho",
    },
    Department {
        name: "外科",
        code: "GEKA",
        manager: "geka-bucho",
    },
    Department {
        name: "救急科",
        code: "ER",
        manager: "kyukyu-bucho",
    },
    Department {
        name: "小児科",
        code: "SHONI",
        manager: "shoni-bucho",
    },
    Department {
        name: "産婦人科",
        code: "SANFU",
        manager: "sanfu-bucho",
    },
    Department {
        name: "麻酔科",
        code: "MASUI",
        manager: "masui-bucho",
    },
    Department {
        name: "整形外科",
        code: "SEIKEI",
        manager: "seikei-bucho",
    },
    Department {
        name: "循環器内科",
        code: "JUNKAN",
        manager: "junkan-bucho",
    },
    Department {
        name: "脳神経外科",
        code: "NOSHIN",
        manager: "noshin-bucho",
    },
    Department {
        name: "放射線科",
        code: "HOSHA",
        manager: "hosha-bucho",
    },
];

const FAMILY_NAMES: [(&str, &str); 20] = [
    ("佐藤", "sato"),
    ("鈴木", "suzuki"),
    ("高橋", "takahashi"),
    ("田中", "tanaka"),
    ("伊藤", "ito"),
    ("渡辺", "watanabe"),
    ("山本", "yamamoto"),
    ("中村", "nakamura"),
    ("小林", "kobayashi"),
    ("加藤", "kato"),
    ("吉田", "yoshida"),
    ("山田", "yamada"),
    ("佐々木", "sasaki"),
    ("山口", "yamaguchi"),
    ("松本", "matsumoto"),
    ("井上", "inoue"),
    ("木村", "kimura"),
    ("林", "hayashi"),
    ("斎藤", "saito"),
    ("清水", "shimizu"),
];

const GIVEN_NAMES: [&str; 20] = [
    "健一",
    "美咲",
    "誠",
    "優子",
    "大輔",
    "翔太",
    "彩",
    "浩二",
    "真理子",
    "拓也",
    "恵",
    "直樹",
    "陽子",
    "健太",
    "由美",
    "隆",
    "智子",
    "亮",
    "香織",
    "修",
];

/// A work pattern and how common it is.
#[derive(Debug)]
struct Archetype {
    /// Doctors per thousand.
    weight: i64,
    levels: &'static [&'static str],
    /// Departments (indexes into `DEPARTMENTS`); empty: any.
    departments: &'static [usize],
    /// Two weeks of day codes, each starting on a Sunday:
    ///
    /// | code | the day |
    /// |---|---|
    /// | `D` | day shift (日勤), staying on for `stay` minutes |
    /// | `S` | day shift, then self-study (自己研鑽) |
    /// | `h` | Saturday morning clinic |
    /// | `T` | day shift, then night duty (宿直) 17:00→翌始業 |
    /// | `P` | day shift, then permitted night duty (宿日直許可) |
    /// | `A` | the morning after a duty (明け): on until noon or so |
    /// | `L` | the morning after a duty, but on until the evening |
    /// | `N` | night shift (夜勤) 16:30→翌09:00 |
    /// | `E` | weekend day duty (日直) |
    /// | `W` | weekend 24-hour duty (宿日直) |
    /// | `X` | side job at another hospital (副業) |
    /// | `-` | day off |
    fortnight: &'static str,
    /// Minutes worked past the end of a day shift, lowest and highest.
    stay: (i64, i64),
    /// The PC stays on past clock-out on about one day shift in this many,
    /// and is used on days off now and then (0: never).
    overrun_one_in: u64,
}

const ARCHETYPES: [Archetype; 8] = [
    // Office hours, a little overtime.
    Archetype {
        weight: 300,
        levels: &["A"],
        departments: &[],
        fortnight: "-DDDDD--DDDDD-",
        stay: (0, 90),
        overrun_one_in: 0,
    },
    // Self-study evenings.
    Archetype {
        weight: 120,
        levels: &["A"],
        departments: &[],
        fortnight: "-DSDSD--DSDDS-",
        stay: (15, 75),
        overrun_one_in: 60,
    },
    // One night duty a fortnight and one permitted duty.
    Archetype {
        weight: 200,
        levels: &["A"],
        departments: &[],
        fortnight: "-DDTADD-DDDDP-",
        stay: (30, 90),
        overrun_one_in: 50,
    },
    // Two duties a fortnight and Saturday clinics: the 80 h watch level.
    Archetype {
        weight: 180,
        levels: &["A", "連携B"],
        departments: &[],
        fortnight: "-DTADDh-DDTADh",
        stay: (45, 120),
        overrun_one_in: 40,
    },
    // Three duties a fortnight and a weekend day duty: about 100 h.
    Archetype {
        weight: 100,
        levels: &["B", "連携B"],
        departments: &[1, 2, 4, 7, 8],
        fortnight: "EDTADDh-DDTADh",
        stay: (90, 180),
        overrun_one_in: 30,
    },
    // A side job on top of a duty week.
    Archetype {
        weight: 40,
        levels: &["連携B"],
        departments: &[0, 3, 5, 6, 9],
        fortnight: "-DDTADX-DDDDDX",
        stay: (60, 120),
        overrun_one_in: 40,
    },
    // Emergency rota: nights and weekend duties.
    Archetype {
        weight: 40,
        levels: &["B", "C-1"],
        departments: &[2, 4, 8],
        fortnight: "WADTAD--DDTADN",
        stay: (60, 120),
        overrun_one_in: 20,
    },
    // Duty every other night: well over 155 h.
    Archetype {
        weight: 20,
        levels: &["C-1"],
        departments: &[2],
        fortnight: "WATADDN-DTATAN",
        stay: (30, 90),
        overrun_one_in: 20,
    },
];

/// One generated doctor.
#[derive(Debug, Clone)]
struct Doctor {
    index: u64,
    staff_id: String,
    name: String,
    department: &'static Department,
    level: &'static str,
    legal_holiday: Weekday,
    /// 所定始業, minutes after midnight.
    start: i64,
    pc_account: Option<String>,
    archetype: &'static Archetype,
    /// Where in the fortnight the doctor's cycle starts (0 or 7), so that
    /// not everyone is on duty the same night.
    rotation: usize,
}

impl Doctor {
    /// The shape of this doctor's days.
    fn pattern(&self) -> Pattern {
        Pattern {
            start: self.start,
            stay: self.archetype.stay,
            late_evenings: true,
        }
    }

    fn new(seed: u64, index: u64, width: usize) -> Doctor {
        let mut rng = Rng::seeded(seed, index, 0, 0);
        let total: i64 = ARCHETYPES.iter().map(|a| a.weight).sum();
        let mut pick = rng.between(0, total - 1);
        let archetype = ARCHETYPES
            .iter()
            .find(|a| {
                pick -= a.weight;
                pick < 0
            })
            .unwrap_or(&ARCHETYPES[0]);
        let department = if archetype.departments.is_empty() {
            &DEPARTMENTS[rng.below(DEPARTMENTS.len())]
        } else {
            &DEPARTMENTS[archetype.departments[rng.below(archetype.departments.len())]]
        };
        let (family, romaji) = FAMILY_NAMES[rng.below(FAMILY_NAMES.len())];
        let given = GIVEN_NAMES[rng.below(GIVEN_NAMES.len())];
        let staff_id = format!("D{:0width$}", index + 1);
        Doctor {
            index,
            name: format!("{family} {given}"),
            department,
            level: archetype.levels[rng.below(archetype.levels.len())],
            legal_holiday: if rng.below(20) == 0 { Weekday::Sat } else { Weekday::Sun },
            start: if rng.below(10) == 0 { 9 * 60 } else { HOSPITAL_START },
            pc_account: (rng.below(4) == 0).then(|| format!("{romaji}.{:0width$}", index + 1)),
            archetype,
            rotation: if rng.below(2) == 0 { 0 } else { 7 },
            staff_id,
        }
    }

    /// The doctor's day code for `date`: the pattern's, with day shifts
    /// off on national holidays and on about one day in 60 (leave).
    fn code(&self, seed: u64, date: NaiveDate) -> char {
        let codes = self.archetype.fortnight.as_bytes();
        let code = char::from(codes[(fortnight_day(date) + self.rotation) % codes.len()]);
        if matches!(code, 'D' | 'S' | 'h' | 'X')
            && (is_national_holiday(date) || Rng::new(seed, self.index, date, 3).below(60) == 0)
        {
            return '-';
        }
        code
    }
}

/// Japan's national holidays (国民の祝日), near enough for a work pattern:
/// the fixed days, the Monday holidays, and the equinoxes as the 20th of
/// March and the 23rd of September (substitute holidays are left out).
pub fn is_national_holiday(d: NaiveDate) -> bool {
    let (m, day) = (d.month(), d.day());
    let nth_monday = |n: u32| d.weekday() == Weekday::Mon && (day - 1) / 7 + 1 == n;
    matches!(
        (m, day),
        (1, 1)
            | (2, 11)
            | (2, 23)
            | (3, 20)
            | (4, 29)
            | (5, 3)
            | (5, 4)
            | (5, 5)
            | (8, 11)
            | (9, 23)
            | (11, 3)
            | (11, 23)
    ) || (m == 1 && nth_monday(2))
        || (m == 7 && nth_monday(3))
        || (m == 9 && nth_monday(3))
        || (m == 10 && nth_monday(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{open, DatabaseUrl};
    use crate::domain::RuleConfig;
    use crate::import::{decode, parse_shifts};
    use crate::ingest::{self, ImportKind, ImportRequest};
    use crate::month::monthly;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The four files in memory.
    fn bytes(opts: &Options) -> [Vec<u8>; 4] {
        let g = Generator::new(opts.clone());
        let mut out: [Vec<u8>; 4] = Default::default();
        g.write_doctors(&mut out[0]).unwrap();
        g.write_timecard(&mut out[1]).unwrap();
        g.write_roster(&mut out[2]).unwrap();
        g.write_pclog(&mut out[3]).unwrap();
        out
    }

    #[test]
    fn the_same_options_give_the_same_bytes_and_another_seed_other_bytes() {
        let opts = Options {
            doctors: 40,
            pc_sessions: Some(5_000),
            ..Options::default()
        };
        assert_eq!(bytes(&opts), bytes(&opts));
        let other = bytes(&Options {
            seed: 2,
            ..opts.clone()
        });
        assert_ne!(bytes(&opts)[1], other[1]);
        // A doctor's days do not depend on how many doctors there are.
        let fewer = bytes(&Options {
            doctors: 10,
            pc_sessions: None,
            ..opts
        });
        let first = |b: &[u8]| -> Vec<String> {
            String::from_utf8_lossy(b)
                .lines()
                .filter(|l| l.starts_with("D00001,"))
                .map(String::from)
                .collect()
        };
        let all = bytes(&Options {
            doctors: 40,
            ..Options::default()
        });
        assert_eq!(first(&fewer[1]), first(&all[1]));
    }

    #[test]
    fn headers_are_the_documented_japanese_ones_and_shift_jis_is_detected() {
        let opts = Options {
            doctors: 12,
            ..Options::default()
        };
        let [doctors, timecard, roster, pclog] = bytes(&opts);
        for (b, header) in [
            (&doctors, DOCTORS_HEADER),
            (&timecard, TIMECARD_HEADER),
            (&roster, ROSTER_HEADER),
            (&pclog, PCLOG_HEADER),
        ] {
            assert!(String::from_utf8_lossy(b).starts_with(header), "{header}");
        }
        let text = String::from_utf8(timecard).unwrap();
        for kind in ["日勤", "宿直", "宿日直許可", "自己研鑽"] {
            assert!(text.contains(&format!(",{kind}\r\n")), "no {kind} row");
        }
        let sjis = bytes(&Options {
            encoding: Encoding::ShiftJis,
            ..opts
        });
        let parsed = parse_shifts(&sjis[1]).unwrap();
        assert_eq!(parsed.encoding, "shift_jis");
        assert!(parsed.rejected.is_empty());
        assert!(decode(&sjis[0]).unwrap().text.starts_with(DOCTORS_HEADER));
    }

    #[test]
    fn a_mixed_notation_timecard_reads_back_to_the_plain_one_row_for_row() {
        let opts = Options {
            doctors: 40,
            months: 2,
            ..Options::default()
        };
        let plain = bytes(&opts)[1].clone();
        let mixed = bytes(&Options {
            notation: Notation::Mixed,
            ..opts
        })[1]
            .clone();
        let text = String::from_utf8(mixed.clone()).unwrap();
        for written in ["/", "-", ":00,", "１", "：", ",1:00,"] {
            assert!(text.contains(written), "no {written:?} in the mixed file");
        }
        assert_ne!(plain, mixed);
        let (plain, mixed) = (parse_shifts(&plain).unwrap(), parse_shifts(&mixed).unwrap());
        assert!(mixed.rejected.is_empty(), "{:?}", mixed.rejected.first());
        assert!(plain.rows.len() > 1000);
        assert_eq!(plain.rows, mixed.rows);
    }

    #[test]
    fn the_pc_session_count_asked_for_is_written_exactly() {
        for target in [30, 7_777, 40_000] {
            let g = Generator::new(Options {
                doctors: 25,
                pc_sessions: Some(target),
                ..Options::default()
            });
            let mut out = Vec::new();
            assert_eq!(g.write_pclog(&mut out).unwrap(), target);
            assert_eq!(out.iter().filter(|b| **b == b'\n').count() as u64, target + 1);
        }
    }

    #[test]
    fn the_files_import_without_a_rejected_row_and_the_report_spreads_out() {
        let dir = tempfile::tempdir().unwrap();
        let opts = Options {
            doctors: 150,
            months: 2,
            start: YearMonth::new(2024, 5).unwrap(),
            pc_sessions: Some(30_000),
            as_of: Some(d("2024-06-20")),
            ..Options::default()
        };
        let summary = Generator::new(opts).write_files(&dir.path().join("files")).unwrap();
        let pool = open(&DatabaseUrl::Sqlite(dir.path().join("kinmu.db")), 2).unwrap();
        let mut conn = pool.get().unwrap();
        let now = midnight(d("2024-06-21"));
        for (kind, path, rows) in [
            (ImportKind::Doctors, &summary.files.doctors, summary.doctors),
            (ImportKind::Permits, &summary.files.permits, summary.permits),
            (ImportKind::Timecard, &summary.files.timecard, summary.timecard_rows),
            (ImportKind::Roster, &summary.files.roster, summary.roster_rows),
            (ImportKind::Pclog, &summary.files.pclog, summary.pc_sessions),
        ] {
            let bytes = std::fs::read(path).unwrap();
            let report = ingest::run(
                &mut conn,
                &ImportRequest {
                    layout: None,
                    period: None,
                    published_at: None,
                    kind,
                    bytes: &bytes,
                    file_name: "generated.csv",
                    skip_invalid: false,
                    actor: None,
                    now,
                },
            )
            .unwrap();
            assert!(
                report.rejected.is_empty(),
                "{kind}: {:?}",
                &report.rejected[..3.min(report.rejected.len())]
            );
            assert!(report.ignored_columns.is_empty());
            assert_eq!(report.inserted as u64, rows, "{kind}");
        }
        assert_eq!(summary.pc_sessions, 30_000);

        let month = YearMonth::new(2024, 5).unwrap();
        let report = monthly(&mut conn, month, month.last_day(), &RuleConfig::default()).unwrap();
        assert_eq!(report.doctors.len(), 150);
        let count = |f: &dyn Fn(&crate::month::DoctorMonth) -> bool| report.doctors.iter().filter(|l| f(l)).count();
        assert!(count(&|l| !l.watch) >= 60, "most doctors under 80 h");
        assert!(count(&|l| l.watch && !l.over_100) >= 10, "some on watch");
        assert!(count(&|l| l.over_100) >= 3, "some over 100 h");
        assert!(count(&|l| l.over_155) >= 1, "a few over 155 h");
        assert!(count(&|l| l.over_155) <= 15, "only a few over 155 h");
        assert!(count(&|l| l.holiday_minutes > 0) >= 10);
        assert!(count(&|l| l.open_discrepancies > 0) >= 5);
        assert!(count(&|l| l.self_study_minutes > 0) >= 10);
        assert!(count(&|l| l.external_minutes > 0) >= 1);
        // The permits cover most permitted nights (rules §13): 救急科's and
        // the 09:00 starters' last half hour are outside them; no night
        // counts as a 日直.
        assert!(count(&|l| l.duty_permitted_minutes > 0 && l.duty_outside_permit_minutes == 0) >= 10);
        assert!(count(&|l| l.permitted_night_duties > 0) >= 10);
        assert!(count(&|l| l.duty_outside_permit_minutes > 0) >= 1);
        let starter = |l: &crate::month::DoctorMonth| {
            l.duty_permitted_minutes > 0 && l.duty_outside_permit_minutes > 0 && l.duty_outside_permit_minutes % 30 == 0
        };
        assert!(count(&starter) >= 1, "a 09:00 starter: half an hour a night");
        assert!(
            count(&|l| l.duty_outside_permit_minutes >= 930 && l.duty_permitted_minutes == 0) >= 1,
            "救急科"
        );
        assert_eq!(count(&|l| l.permitted_day_duties > 0), 0);

        // June as of the 20th: projected on the roster.
        let june = monthly(&mut conn, month.next(), d("2024-06-20"), &RuleConfig::default()).unwrap();
        assert!(june.doctors.iter().any(|l| l.projected_over_100 && !l.over_100));
    }

    #[test]
    fn the_permits_name_the_generated_departments_but_the_emergency_one() {
        // The file's text and the departments of its 宿直 permit (the second).
        let permits = |doctors: u32| -> (String, Vec<String>) {
            let mut out = Vec::new();
            let g = Generator::new(Options {
                doctors,
                encoding: Encoding::ShiftJis,
                ..Options::default()
            });
            let n = g.write_permits(&mut out).unwrap();
            let parsed = crate::import::parse_permits(&out).unwrap();
            assert!(parsed.rejected.is_empty() && parsed.ignored_columns.is_empty());
            assert_eq!(parsed.rows.len() as u64, n);
            let night = parsed
                .rows
                .get(1)
                .map(|r| r.value.departments.clone())
                .unwrap_or_default();
            (decode(&out).unwrap().text.into_owned(), night)
        };
        let (text, _) = permits(300);
        assert!(text.starts_with(PERMITS_HEADER), "{text}");
        assert!(text.contains(
            ",2021-04-01,宿直,内科、外科、小児科、産婦人科、麻酔科、整形外科、循環器内科、脳神経外科、放射線科,17:00,08:30,,,"
        ));
        assert!(text.contains(",2021-04-01,日直,内科、"));
        assert!(text.contains(",09:00,17:00,土、日,,"));
        assert!(
            text.contains(",2016-04-01,宿直,全科,17:00,08:30,,2021-04-01,"),
            "the revoked one"
        );
        assert!(!text.contains("救急科"));
        // Only departments someone works in; the same options, the same bytes.
        let few = Generator::new(Options {
            doctors: 4,
            ..Options::default()
        });
        let mut want: Vec<String> = DEPARTMENTS
            .iter()
            .filter(|dep| dep.name != NO_PERMIT && few.doctors.iter().any(|d| d.department.name == dep.name))
            .map(|dep| dep.name.to_string())
            .collect();
        let (_, mut got) = permits(4);
        want.sort();
        got.sort();
        assert_eq!(got, want);
        assert!(want.len() < 9, "four doctors do not work in every department");
        assert_eq!(permits(4), permits(4));
    }

    #[test]
    fn the_fortnight_starts_on_a_sunday() {
        assert_eq!(fortnight_day(d("2000-01-02")), 0);
        assert_eq!(fortnight_day(d("2024-06-02")) % 7, 0);
        assert_eq!(fortnight_day(d("2024-06-08")) % 7, 6);
    }

    #[test]
    fn national_holidays() {
        for h in [
            "2024-01-01",
            "2024-01-08",
            "2024-07-15",
            "2024-09-16",
            "2024-10-14",
            "2024-11-03",
        ] {
            assert!(is_national_holiday(d(h)), "{h}");
        }
        for w in ["2024-01-09", "2024-07-08", "2024-06-14"] {
            assert!(!is_national_holiday(d(w)), "{w}");
        }
    }
}
