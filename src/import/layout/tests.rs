//! Layouts read through the pure reader. The test files in
//! tests/data/layouts/ are written in each vendor's documented layout (the
//! page is named at the top of each preset); they are kept as UTF-8 and
//! turned into CP932 here where the vendor writes CP932.

use super::*;
use crate::domain::Kind;
use crate::import::RowError;
use chrono::NaiveDateTime;
use encoding_rs::SHIFT_JIS;

fn cp932(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = SHIFT_JIS.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// (staff, start, end, break, kind) of each row read.
fn rows(r: &Read<ShiftRecord>) -> Vec<(String, NaiveDateTime, NaiveDateTime, i64, Kind)> {
    r.parsed
        .rows
        .iter()
        .map(|r| {
            let s = &r.value.shift;
            (
                r.value.staff_id.clone(),
                s.start(),
                s.end(),
                s.break_minutes(),
                s.kind(),
            )
        })
        .collect()
}

fn row(staff: &str, start: &str, end: &str, brk: i64, kind: Kind) -> (String, NaiveDateTime, NaiveDateTime, i64, Kind) {
    (staff.into(), dt(start), dt(end), brk, kind)
}

const KOT: &str = include_str!("../../../tests/data/layouts/kingoftime-daily.csv");
const JINJER: &str = include_str!("../../../tests/data/layouts/jinjer-daily.csv");
const JINJER_PC: &str = include_str!("../../../tests/data/layouts/jinjer-pclog.csv");
const JOBCAN: &str = include_str!("../../../tests/data/layouts/jobcan-punches.csv");
const RECORDER: &str = include_str!("../../../tests/data/layouts/timerecorder-usb.csv");
const OWN_TOML: &str = include_str!("../../../tests/data/layouts/hospital-own.toml");
const OWN: &str = include_str!("../../../tests/data/layouts/hospital-own.csv");

#[test]
fn every_preset_is_valid_toml_named_like_its_file_and_listed() {
    let names: Vec<String> = Layout::presets().into_iter().map(|l| l.name).collect();
    assert_eq!(names, Layout::preset_names());
    assert_eq!(names.len(), 8);
    for name in Layout::preset_names() {
        let l = Layout::preset(name).unwrap();
        assert_eq!(l.name, name);
        assert_eq!(Layout::from_toml(&l.source).unwrap(), l);
    }
    assert_eq!(Layout::preset("nope"), Err(LayoutError::Unknown("nope".into())));
}

#[test]
fn only_presets_with_a_distinctive_header_are_recognised_automatically() {
    let auto: Vec<String> = Layout::presets()
        .into_iter()
        .filter(|l| l.recognised_automatically)
        .map(|l| l.name)
        .collect();
    // KING OF TIME's header does not say whether 1.15 is 10進 or 60進,
    // ジョブカン's is the customer's wording, the time recorder has none,
    // and kinmu's own is the fallback.
    assert_eq!(
        auto,
        vec![
            "jinjer-daily",
            "jinjer-pclog",
            "windows-eventviewer",
            "windows-getwinevent"
        ]
    );
    assert_eq!(read_shifts(None, &cp932(JINJER)).unwrap().layout, "jinjer-daily");
    assert_eq!(read_pclog(None, &cp932(JINJER_PC)).unwrap().layout, "jinjer-pclog");
    // A jinjer PC log offered as a timecard is not taken for jinjer-daily.
    assert!(matches!(
        read_shifts(None, &cp932(JINJER_PC)),
        Err(FileError::MissingColumns(_))
    ));
    let kinmu = "staff_id,date,clock_in,clock_out\nD001,2024-06-03,08:00,17:00\n";
    assert_eq!(read_shifts(None, kinmu.as_bytes()).unwrap().layout, "kinmu");
    // KING OF TIME without --layout is not guessed: kinmu's columns are missing.
    assert!(matches!(
        read_shifts(None, &cp932(KOT)),
        Err(FileError::MissingColumns(_))
    ));
}

#[test]
fn king_of_time_daily_reads_timestamps_sexagesimal_breaks_and_skips_unworked_days() {
    let l = Layout::preset("kingoftime-daily").unwrap();
    let r = read_shifts(Some(&l), &cp932(KOT)).unwrap();
    assert_eq!(r.parsed.rejected, vec![]);
    assert_eq!(r.parsed.encoding, "shift_jis");
    assert_eq!(
        rows(&r),
        vec![
            row("D001", "2024-06-03 08:30", "2024-06-03 17:45", 75, Kind::Work),
            row("D001", "2024-06-04 17:00", "2024-06-05 09:30", 90, Kind::Work),
            row("D001", "2024-06-09 09:00", "2024-06-09 12:00", 0, Kind::Work),
        ]
    );
    assert_eq!(r.parsed.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 3, 6]);
    assert_eq!(r.parsed.ignored_columns, vec!["名前", "労働合計時間"]);
    // The same export set up for 10進数: a hospital's copy of the preset.
    let decimal = Layout::from_toml(&l.source.replace("hours_sexagesimal", "hours_decimal")).unwrap();
    let r = read_shifts(Some(&decimal), &cp932(KOT)).unwrap();
    assert_eq!(
        rows(&r).iter().map(|r| r.3).collect::<Vec<_>>(),
        vec![69, 78, 0],
        "1.15 h and 1.30 h in 10進"
    );
}

#[test]
fn jinjer_daily_gives_a_row_per_pair_past_24_on_the_start_date_and_breaks_in_their_pair() {
    let r = read_shifts(Some(&Layout::preset("jinjer-daily").unwrap()), &cp932(JINJER)).unwrap();
    assert_eq!(r.parsed.rejected, vec![]);
    assert_eq!(
        rows(&r),
        vec![
            row("D001", "2024-06-03 08:30", "2024-06-03 12:00", 0, Kind::Work),
            row("D001", "2024-06-03 13:00", "2024-06-03 17:30", 0, Kind::Work),
            row("D001", "2024-06-04 17:00", "2024-06-05 09:12", 75, Kind::Work),
            row("D002", "2024-06-03 08:00", "2024-06-03 17:00", 60, Kind::Work),
        ]
    );
}

#[test]
fn a_break_outside_every_pair_and_a_half_pair_are_row_errors_naming_the_column() {
    let text = "*従業員ID,*年月日,出勤1,退勤1,出勤2,退勤2,休憩1,復帰1\n\
                D001,2024/06/03,08:00,12:00,13:00,17:00,12:15,12:45\n\
                D001,2024/06/04,08:00,,,,,\n\
                D001,2024/06/05,08:00,12:00,13:00,17:00,13:15,13:45\n";
    let r = read_shifts(None, text.as_bytes()).unwrap();
    assert_eq!(r.layout, "jinjer-daily");
    assert_eq!(
        r.parsed.rejected,
        vec![
            RowError {
                line: 2,
                column: Some("休憩1".into()),
                reason: "休憩（2024-06-03 12:15:00 → 2024-06-03 12:45:00）がどの出勤・退勤の間にもありません / break outside every punch pair".into(),
            },
            RowError {
                line: 3,
                column: Some("退勤1".into()),
                reason: "退勤がありません / clock-out is missing".into(),
            },
        ]
    );
    // The break of the 5th is in the second pair.
    assert_eq!(rows(&r)[1].3, 30);
}

#[test]
fn jinjer_pc_log_gives_a_session_from_pc_start_to_stop_past_24() {
    let r = read_pclog(Some(&Layout::preset("jinjer-pclog").unwrap()), &cp932(JINJER_PC)).unwrap();
    assert_eq!(r.parsed.rejected, vec![]);
    let got: Vec<(&str, NaiveDateTime, NaiveDateTime)> = r
        .parsed
        .rows
        .iter()
        .map(|r| (r.value.account.as_str(), r.value.logon, r.value.logoff))
        .collect();
    assert_eq!(
        got,
        vec![
            ("D001", dt("2024-06-03 08:25"), dt("2024-06-03 17:50")),
            ("D001", dt("2024-06-04 16:55"), dt("2024-06-05 09:20")),
        ]
    );
}

#[test]
fn jobcan_punches_are_assembled_per_staff_into_shifts_with_breaks() {
    let r = read_shifts(Some(&Layout::preset("jobcan-punches").unwrap()), &cp932(JOBCAN)).unwrap();
    assert_eq!(r.parsed.rejected, vec![]);
    assert_eq!(
        rows(&r),
        vec![
            row("D001", "2024-06-03 08:30", "2024-06-03 17:30", 45, Kind::Work),
            row("D002", "2024-06-03 17:00", "2024-06-04 09:15", 0, Kind::Work),
            row("D001", "2024-06-04 08:00", "2024-06-04 12:00", 0, Kind::Work),
            row("D001", "2024-06-04 13:00", "2024-06-04 18:00", 0, Kind::Work),
        ]
    );
    assert_eq!(
        r.parsed.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        vec![2, 6, 8, 10]
    );
}

#[test]
fn punches_that_do_not_make_a_shift_are_errors_on_their_own_lines() {
    let text = "スタッフコード,打刻日時,グループ,打刻区分\n\
                D001,2024/06/03 08:30,,出勤\n\
                D001,2024/06/03 12:00,,休憩開始\n\
                D001,2024/06/03 17:30,,退勤\n\
                D002,2024/06/03 09:00,,退勤\n\
                D003,2024/06/03 09:00,,出勤\n\
                D003,2024/06/03 10:00,,外出\n";
    let r = read_shifts(Some(&Layout::preset("jobcan-punches").unwrap()), text.as_bytes()).unwrap();
    assert!(r.parsed.rows.is_empty());
    let got: Vec<(usize, &str)> = r
        .parsed
        .rejected
        .iter()
        .map(|e| (e.line, e.reason.rsplit(" / ").next().unwrap()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "break start without a break end"),
            (5, "clock-out without a clock-in"),
            (6, "clock-in without a clock-out"),
            (7, "unknown punch type"),
        ]
    );
    assert!(r
        .parsed
        .rejected
        .iter()
        .all(|e| e.column.as_deref() == Some("打刻区分")));
}

#[test]
fn a_time_recorders_usb_file_reads_three_pairs_and_a_next_day_flag_on_the_start_row() {
    let r = read_shifts(Some(&Layout::preset("timerecorder-usb").unwrap()), &cp932(RECORDER)).unwrap();
    assert_eq!(r.parsed.rejected, vec![]);
    assert_eq!(
        rows(&r),
        vec![
            row("0101", "2024-06-03 08:54", "2024-06-03 12:02", 0, Kind::Work),
            row("0101", "2024-06-03 12:57", "2024-06-03 18:08", 0, Kind::Work),
            row("0101", "2024-06-04 16:52", "2024-06-04 21:03", 0, Kind::Work),
            row("0101", "2024-06-04 21:58", "2024-06-05 00:23", 0, Kind::Work),
        ]
    );
    assert_eq!(r.parsed.rows[0].line, 2, "the header record is line 1");
}

#[test]
fn a_hospitals_own_layout_reads_positions_minutes_the_next_day_prefix_and_skips_totals() {
    let l = Layout::from_toml(OWN_TOML).unwrap();
    assert!(!l.recognised_automatically);
    let r = read_shifts(Some(&l), OWN.as_bytes()).unwrap();
    assert_eq!(r.layout, "hospital-own");
    assert_eq!(r.parsed.rejected, vec![]);
    assert_eq!(
        rows(&r),
        vec![
            row("D001", "2024-06-03 08:30", "2024-06-03 17:30", 60, Kind::Work),
            row("D001", "2024-06-04 17:00", "2024-06-05 09:00", 90, Kind::Duty),
            row("D001", "2024-06-05 18:00", "2024-06-05 20:00", 0, Kind::SelfStudy),
            row("D002", "2024-06-03 17:00", "2024-06-04 08:30", 0, Kind::DutyPermitted),
        ]
    );
    assert_eq!(r.parsed.rows[0].line, 3, "two leading lines are skipped but counted");
    // Without the skip rule, the totals row is a row error in its column.
    let strict = Layout::from_toml(&OWN_TOML.replace("values = [\"合計\"]", "values = []")).unwrap();
    let r = read_shifts(Some(&strict), OWN.as_bytes()).unwrap();
    assert_eq!(r.parsed.rejected.len(), 1);
    assert_eq!(
        (r.parsed.rejected[0].line, r.parsed.rejected[0].column.as_deref()),
        (8, Some("2列目"))
    );
}

#[test]
fn an_hours_and_minutes_break_is_read_when_the_layout_says_so() {
    let l = Layout::from_toml(&OWN_TOML.replace("unit = \"minutes\"", "unit = \"h:mm\"")).unwrap();
    let text = "\n\nD001,2024/06/03,08:00,17:00,1:15,\n";
    let r = read_shifts(Some(&l), text.as_bytes()).unwrap();
    assert_eq!(rows(&r)[0].3, 75);
    let r = read_shifts(Some(&l), "\n\nD001,2024/06/03,08:00,17:00,75,\n".as_bytes()).unwrap();
    assert_eq!(r.parsed.rejected[0].column.as_deref(), Some("5列目"));
}

#[test]
fn a_wrong_layout_is_refused_naming_the_key() {
    let key = |text: &str| match Layout::from_toml(text) {
        Err(LayoutError::Key { key, .. }) => key,
        other => panic!("{other:?}"),
    };
    let base = "name = \"x\"\nyields = \"shifts\"\n";
    let unknown = Layout::from_toml(&format!("{base}colour = 1\n")).unwrap_err();
    assert!(
        matches!(&unknown, LayoutError::Invalid(m) if m.contains("colour")),
        "{unknown}"
    );
    assert_eq!(
        key(&format!(
            "{base}[columns]\ndate = \"日付\"\n[[pairs]]\nstart = \"出\"\nend = \"退\"\n"
        )),
        "columns.staff_id"
    );
    let pairs = "[columns]\nstaff_id = \"ID\"\ndate = \"日付\"\n[[pairs]]\nstart = \"出\"\nend = \"退\"\n";
    assert_eq!(key(&format!("{base}{pairs}[break]\ncolumn = \"休憩\"\n")), "break.unit");
    assert_eq!(
        key(&format!("{base}{pairs}[break]\ncolumn = \"休憩\"\nunit = \"hours\"\n")),
        "break.unit"
    );
    assert_eq!(key(&format!("{base}header = false\n{pairs}")), "columns.staff_id");
    assert_eq!(
        key(&format!("{base}{pairs}[kind]\ndefault = \"休み\"\n")),
        "kind.default"
    );
    assert_eq!(
        key(&format!("{base}[columns]\nstaff_id = \"ID\"\ndate = \"日付\"\n")),
        "pairs"
    );
    assert_eq!(key("name = \"x\"\nyields = \"rosters\"\n"), "yields");
    let e = Layout::from_toml(&format!("{base}{pairs}[break]\ncolumn = \"休憩\"\n")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("取込レイアウトの break.unit が正しくありません: 休憩時間の単位"),
        "{e}"
    );
}

#[test]
fn a_layout_of_one_kind_refuses_another_import() {
    let jobcan = Layout::preset("jobcan-punches").unwrap();
    assert!(matches!(read_pclog(Some(&jobcan), b"x"), Err(FileError::Layout(_))));
    let pc = Layout::preset("jinjer-pclog").unwrap();
    assert!(matches!(read_shifts(Some(&pc), b"x"), Err(FileError::Layout(_))));
    assert!(check_doctors(Some(&pc)).is_err());
    assert!(check_doctors(Some(&Layout::preset("kinmu").unwrap())).is_ok());
}

#[test]
fn windows_layouts_only_choose_the_windows_events_reader_and_its_settings() {
    use crate::import::winevent::Flavour;
    let l = Layout::preset("windows-eventviewer").unwrap();
    let (flavour, options) = l.windows().unwrap();
    assert_eq!((flavour, options.max_open_minutes), (Flavour::EventViewer, 960));
    let own = Layout::from_toml(
        "name = \"w\"\nyields = \"windows\"\n[windows]\nflavour = \"getwinevent\"\nmax_open_minutes = 600\npc_name = \"PC-1\"\n",
    )
    .unwrap();
    let (flavour, options) = own.windows().unwrap();
    assert_eq!(
        (flavour, options.max_open_minutes, options.pc_name.as_deref()),
        (Flavour::GetWinEvent, 600, Some("PC-1"))
    );
    let header = "レベル,日付と時刻,ソース,イベント ID,タスクのカテゴリ,\n情報,2024/06/03 8:00:00,Microsoft-Windows-Security-Auditing,4624,Logon,x\n";
    let recognised = recognise(header.as_bytes(), Yields::reads_sessions).map(|l| l.name);
    assert_eq!(recognised.as_deref(), Some("windows-eventviewer"));
}

#[test]
fn full_width_digits_in_a_vendor_file_are_read_like_ascii() {
    let text = "*従業員ID,*年月日,出勤1,退勤1\nＤ００１,２０２４／０６／０３,０８：００,１７：００\n";
    let r = read_shifts(None, text.as_bytes()).unwrap();
    assert_eq!(
        rows(&r),
        vec![row("D001", "2024-06-03 08:00", "2024-06-03 17:00", 0, Kind::Work)]
    );
}

// ---- the mapping screen (mapping.rs) ----

/// The layout a mapping started from `preset` writes, for `file`.
fn mapped(preset: &str, file: &[u8], name: &str) -> (Mapping, Layout) {
    let start = Layout::preset(preset).unwrap();
    let (header, skip) = match &start.reader {
        spec::Reader::Shifts(t) | spec::Reader::PcSessions(t) => (t.header, t.skip_lines),
        _ => unreachable!(),
    };
    let sample = sample(file, "auto", header, skip).unwrap();
    let mut m = Mapping::from_layout(&start, &sample);
    m.name = name.into();
    let toml = m.to_toml(&sample.columns).unwrap();
    let layout = Layout::from_toml(&toml).unwrap_or_else(|e| panic!("{e}\n{toml}"));
    (m, layout)
}

#[test]
fn a_mapping_started_from_each_preset_reads_its_test_file_exactly_as_the_preset_does() {
    let shift_files: [(&str, Vec<u8>); 4] = [
        ("kingoftime-daily", cp932(KOT)),
        ("jinjer-daily", cp932(JINJER)),
        ("jobcan-punches", JOBCAN.as_bytes().to_vec()),
        ("timerecorder-usb", cp932(RECORDER)),
    ];
    for (preset, file) in shift_files {
        let (_, layout) = mapped(preset, &file, "mine");
        let ours = read_shifts(Some(&layout), &file).unwrap();
        let theirs = read_shifts(Some(&Layout::preset(preset).unwrap()), &file).unwrap();
        assert!(!theirs.parsed.rows.is_empty(), "{preset}");
        assert_eq!(rows(&ours), rows(&theirs), "{preset}");
        assert_eq!(ours.parsed.rejected.len(), theirs.parsed.rejected.len(), "{preset}");
        assert_eq!(ours.layout, "mine");
    }
    let file = cp932(JINJER_PC);
    let (m, layout) = mapped("jinjer-pclog", &file, "pc");
    assert!(m.sessions);
    let ours = read_pclog(Some(&layout), &file).unwrap().parsed;
    let theirs = read_pclog(Some(&Layout::preset("jinjer-pclog").unwrap()), &file)
        .unwrap()
        .parsed;
    let spans = |p: &crate::import::Parsed<PcRecord>| -> Vec<(NaiveDateTime, NaiveDateTime)> {
        p.rows.iter().map(|r| (r.value.logon, r.value.logoff)).collect()
    };
    assert!(!theirs.rows.is_empty());
    assert_eq!(spans(&ours), spans(&theirs));
}

#[test]
fn the_sample_shows_each_column_with_its_header_and_first_values() {
    let s = sample(&cp932(KOT), "auto", true, 0).unwrap();
    assert_eq!(s.encoding, "shift_jis");
    assert_eq!(s.columns.len(), 8);
    let c = &s.columns[4];
    assert_eq!((c.position, c.header.as_str()), (5, "出勤時刻(時刻のみ)"));
    assert_eq!(c.values, ["08:30", "17:00", "０９:００"]);
    assert_eq!(s.columns[3].distinct.first().map(String::as_str), Some("平日"));
    assert!(s.columns[3].distinct.contains(&"法定休日".to_string()));
    // Without a header row, columns are numbered.
    let s = sample(&cp932(RECORDER), "auto", false, 1).unwrap();
    assert_eq!(s.columns[2].label(), "3列目");
    assert_eq!(s.columns[2].values[0], "24/06/03");
}

/// Staff id in column 1, the date in 2, one pair in 3 and 4.
fn staff_date_pair(name: &str) -> Mapping {
    Mapping {
        name: name.into(),
        staff_id: Some(0),
        date: Some(1),
        pairs: vec![PairChoice {
            start: Some(2),
            end: Some(3),
            ..Default::default()
        }],
        ..Default::default()
    }
}

#[test]
fn a_mapping_names_unique_headers_and_falls_back_to_positions() {
    let file = "ID,日付,時刻,時刻,休憩\nD001,2024/06/03,08:30,17:30,60\n";
    let s = sample(file.as_bytes(), "auto", true, 0).unwrap();
    let m = Mapping {
        break_column: Some(4),
        break_unit: "minutes".into(),
        ..staff_date_pair("dup")
    };
    let toml = m.to_toml(&s.columns).unwrap();
    assert!(toml.contains("staff_id = \"ID\""), "{toml}");
    assert!(toml.contains("start = 3\nend = 4"), "{toml}");
    let layout = Layout::from_toml(&toml).unwrap();
    let read = read_shifts(Some(&layout), file.as_bytes()).unwrap();
    assert_eq!(
        rows(&read),
        vec![row("D001", "2024-06-03 08:30", "2024-06-03 17:30", 60, Kind::Work)]
    );
}

#[test]
fn a_mapping_from_a_form_keeps_rows_in_order_and_drops_empty_ones() {
    let form: Vec<(String, String)> = [
        ("name", " 当院 "),
        ("reads", "shifts"),
        ("header", "1"),
        ("staff_id", "1"),
        ("date", "2"),
        ("pair_start", "3"),
        ("pair_end", "4"),
        ("pair_start", ""),
        ("pair_end", ""),
        ("pair_start", "5"),
        ("pair_end", ""),
        ("kind_column", "6"),
        ("kv_value", "日勤"),
        ("kv_kind", "work"),
        ("kv_value", "公休"),
        ("kv_kind", "day_off"),
        ("kv_value", "当直"),
        ("kv_kind", ""),
        ("csrf", "x"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let m = Mapping::from_form(&form);
    assert_eq!(m.name, "当院");
    assert_eq!((m.staff_id, m.date), (Some(0), Some(1)));
    assert_eq!(m.pairs.len(), 2);
    assert_eq!(m.pairs[1].end, None);
    assert_eq!(
        m.kind_values,
        vec![
            ("日勤".to_string(), "work".to_string()),
            ("公休".into(), "day_off".into())
        ]
    );
    // The half-chosen pair is named.
    let err = m.to_toml(&[]).unwrap_err();
    assert_eq!(err.field, "pair");
    assert!(err.reason.starts_with("2行目"), "{}", err.reason);
}

#[test]
fn hostile_text_in_a_mapping_stays_a_string_in_the_toml() {
    let m = Mapping {
        skip_column: Some(0),
        skip_values: "合計, \"]\\".into(),
        ..staff_date_pair("x\"\ny = 1\n[columns]")
    };
    let toml = m.to_toml(&[]).unwrap();
    // The name is one string: a control character in it is refused by the
    // layout's own check, not read as TOML.
    let err = Layout::from_toml(&toml).unwrap_err();
    assert!(
        matches!(err, LayoutError::Key { ref key, .. } if key == "name"),
        "{err}\n{toml}"
    );
    let m = Mapping {
        name: "a\"]\\b".into(),
        ..m
    };
    let layout = Layout::from_toml(&m.to_toml(&[]).unwrap()).unwrap();
    assert_eq!(layout.name, "a\"]\\b");
}

#[test]
fn the_best_start_is_the_preset_whose_headers_the_file_has() {
    let s = sample(&cp932(KOT), "auto", true, 0).unwrap();
    assert_eq!(
        best_start(&s, false).map(|l| l.name).as_deref(),
        Some("kingoftime-daily")
    );
    let s = sample(&cp932(JINJER_PC), "auto", true, 0).unwrap();
    assert_eq!(best_start(&s, true).map(|l| l.name).as_deref(), Some("jinjer-pclog"));
    let s = sample(b"a,b,c\n1,2,3\n", "auto", true, 0).unwrap();
    assert!(best_start(&s, false).is_none());
}

#[test]
fn a_layout_key_maps_to_its_form_field() {
    assert_eq!(field_of("columns.staff_id"), "staff_id");
    assert_eq!(field_of("pairs[2].end"), "pair");
    assert_eq!(field_of("break.unit"), "break");
    assert_eq!(field_of("kind.values.日勤"), "kind");
    assert_eq!(field_of("punch.types"), "punch");
}
