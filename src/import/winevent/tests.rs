use super::*;
use chrono::NaiveDateTime;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

/// A session as `read` gives it: (line, account, PC, logon, logoff).
type Row = (usize, String, Option<String>, NaiveDateTime, NaiveDateTime);

fn rows(parsed: &Parsed<PcRecord>) -> Vec<Row> {
    parsed
        .rows
        .iter()
        .map(|r| {
            let v = &r.value;
            (r.line, v.account.clone(), v.pc_name.clone(), v.logon, v.logoff)
        })
        .collect()
}

fn row(line: usize, account: &str, pc: &str, logon: &str, logoff: &str) -> Row {
    (line, account.into(), Some(pc.into()), at(logon), at(logoff))
}

fn notices(parsed: &Parsed<PcRecord>) -> Vec<(usize, String)> {
    parsed.notices.iter().map(|n| (n.line, n.reason.clone())).collect()
}

fn file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/layouts/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

// ---- The test files (tests/data/layouts/windows-events-README.md) ----

#[test]
fn the_event_viewer_file_pairs_into_the_expected_sessions_and_notices() {
    let bytes = file("windows-eventviewer.csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Event Viewer writes a BOM");
    let parsed = read(&bytes, Flavour::EventViewer, &Options::default()).unwrap();
    assert_eq!(parsed.encoding, "utf-8");
    assert_eq!(parsed.rejected, vec![]);
    let pc = "PC-ER-01";
    assert_eq!(
        rows(&parsed),
        vec![
            // No end in the file: closed 16 hours (the default) after it started.
            row(2, "suzuki-h", pc, "2024-06-04 19:00:00", "2024-06-05 11:00:00"),
            // Unlocked (4624 of type 7) while the morning's session had no end.
            row(54, "yamada-t", pc, "2024-06-04 13:02:00", "2024-06-04 17:45:00"),
            row(97, "yamada-t", pc, "2024-06-04 08:05:00", "2024-06-04 13:02:00"),
            // Overnight, ended by the shutdown.
            row(142, "suzuki-h", pc, "2024-06-03 21:45:00", "2024-06-04 07:15:00"),
            // The second account on the same PC, interleaved.
            row(238, "suzuki-h", pc, "2024-06-03 13:10:00", "2024-06-03 15:20:00"),
            // Lock and unlock in the middle: two sessions.
            row(300, "yamada-t", pc, "2024-06-03 12:58:30", "2024-06-03 18:30:00"),
            row(394, "yamada-t", pc, "2024-06-03 08:02:10", "2024-06-03 12:01:00"),
        ]
    );
    let notices = notices(&parsed);
    assert_eq!(notices.iter().map(|n| n.0).collect::<Vec<_>>(), vec![2, 97, 545]);
    assert_eq!(
        notices[0].1,
        "suzuki-h の 2024-06-04 19:00:00 からのセッションに終了（ログオフ・ロック・シャットダウン）の記録がないため、960分後（2024-06-05 11:00:00）で終了としました / no logoff, lock or shutdown after this logon or unlock: the session was closed after 960 minutes (2024-06-05 11:00:00)"
    );
    assert!(notices[1]
        .1
        .ends_with("the session was closed at the next logon or unlock (2024-06-04 13:02:00)"));
    assert_eq!(
        notices[2].1,
        "suzuki-h のログオフ（2024-06-03 07:45:10）より前に、そのログオンまたはロック解除の記録がファイルにないため、無視しました / a logoff with no logon or unlock before it in the file was ignored (2024-06-03 07:45:10)"
    );
}

#[test]
fn the_get_winevent_file_pairs_per_machine_and_account() {
    let parsed = read(
        &file("windows-getwinevent.csv"),
        Flavour::GetWinEvent,
        &Options::default(),
    )
    .unwrap();
    assert_eq!(parsed.rejected, vec![]);
    let (a, b) = ("PC-ER-01.hosp.local", "PC-WARD-3.hosp.local");
    assert_eq!(
        rows(&parsed),
        vec![
            row(3, "yamada-t", a, "2024-06-11 08:10:00", "2024-06-12 00:10:00"),
            // No shutdown before the next startup (a power cut).
            row(46, "suzuki-h", b, "2024-06-11 07:55:00", "2024-06-11 08:40:00"),
            // Remote desktop, overnight.
            row(98, "suzuki-h", a, "2024-06-10 21:00:00", "2024-06-11 02:10:00"),
            row(172, "yamada-t", b, "2024-06-10 14:00:00", "2024-06-10 15:10:00"),
            row(258, "yamada-t", a, "2024-06-10 12:45:10", "2024-06-10 17:30:00"),
            // Ended by the shutdown of its PC.
            row(330, "suzuki-h", b, "2024-06-10 08:30:00", "2024-06-10 11:15:00"),
            // The network logon and logoff at 10:00 (type 3) end nothing.
            row(426, "yamada-t", a, "2024-06-10 08:00:05", "2024-06-10 12:00:00"),
        ]
    );
    let notices = notices(&parsed);
    assert_eq!(notices.iter().map(|n| n.0).collect::<Vec<_>>(), vec![3, 46, 513]);
    assert!(notices[0].1.ends_with("closed after 960 minutes (2024-06-12 00:10:00)"));
    assert!(notices[1]
        .1
        .ends_with("closed at the next startup of the PC (2024-06-11 08:40:00)"));
    assert!(notices[2].1.starts_with("yamada-t のログオフ（2024-06-10 07:40:00）"));
}

#[test]
fn a_named_pc_and_a_shorter_limit_are_honoured() {
    let options = Options {
        max_open_minutes: 120,
        pc_name: Some("救急外来1".into()),
    };
    let parsed = read(&file("windows-eventviewer.csv"), Flavour::EventViewer, &options).unwrap();
    let first = &parsed.rows[0].value;
    assert_eq!(first.pc_name.as_deref(), Some("救急外来1"));
    assert_eq!(
        (first.logon, first.logoff),
        (at("2024-06-04 19:00:00"), at("2024-06-04 21:00:00"))
    );
    // The limit comes before the next start too.
    let morning = &parsed.rows[2].value;
    assert_eq!(
        (morning.logon, morning.logoff),
        (at("2024-06-04 08:05:00"), at("2024-06-04 10:05:00"))
    );
    assert!(parsed.notices[1]
        .reason
        .ends_with("closed after 120 minutes (2024-06-04 10:05:00)"));
}

#[test]
fn shift_jis_and_utf16_exports_read_the_same() {
    let utf8 = file("windows-eventviewer.csv");
    let text = std::str::from_utf8(&utf8[3..]).unwrap();
    let expected = rows(&read(&utf8, Flavour::EventViewer, &Options::default()).unwrap());
    let (sjis, _, lossy) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!lossy);
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        le.extend(unit.to_le_bytes());
        be.extend(unit.to_be_bytes());
    }
    for (bytes, encoding) in [(sjis.to_vec(), "shift_jis"), (le, "utf-16le"), (be, "utf-16be")] {
        let parsed = read(&bytes, Flavour::EventViewer, &Options::default()).unwrap();
        assert_eq!(parsed.encoding, encoding);
        assert_eq!(rows(&parsed), expected, "{encoding}");
    }
    // A UTF-16 file cut in the middle of a character is refused.
    assert_eq!(
        read(&[0xFF, 0xFE, 0x41], Flavour::EventViewer, &Options::default()).err(),
        Some(FileError::Encoding)
    );
}

#[test]
fn each_file_is_recognised_as_its_flavour() {
    assert_eq!(flavour_of(&file("windows-eventviewer.csv")), Some(Flavour::EventViewer));
    assert_eq!(flavour_of(&file("windows-getwinevent.csv")), Some(Flavour::GetWinEvent));
    assert_eq!(flavour_of(b"staff_id,logon,logoff\n"), None);
    assert_eq!(flavour_of(b"\xFF"), None);
}

// ---- Small files written here ----

fn subject(title: &str, account: &str, logon_id: Option<&str>) -> String {
    let id = logon_id.map(|id| format!("\n\tLogon ID:\t\t{id}")).unwrap_or_default();
    format!("{title}\n\nSubject:\n\tSecurity ID:\t\tHOSP\\{account}\n\tAccount Name:\t\t{account}\n\tAccount Domain:\t\tHOSP{id}")
}

fn logon(account: &str, logon_type: u32, logon_id: Option<&str>) -> String {
    let id = logon_id.map(|id| format!("\n\tLogon ID:\t\t{id}")).unwrap_or_default();
    format!(
        "An account was successfully logged on.\n\nSubject:\n\tAccount Name:\t\tPC-01$\n\tLogon ID:\t\t0x3E7\n\nLogon Information:\n\tLogon Type:\t\t{logon_type}\n\nNew Logon:\n\tAccount Name:\t\t{account}{id}\n\nNetwork Information:\n\tWorkstation Name:\tPC-01"
    )
}

fn logoff(account: &str, logon_type: u32, logon_id: Option<&str>) -> String {
    format!(
        "{}\n\nLogon Type:\t\t\t{logon_type}",
        subject("An account was logged off.", account, logon_id)
    )
}

/// An English Event Viewer export of the security log (whose first column
/// is Keywords), in the order given.
fn viewer(events: &[(&str, u32, String)]) -> Vec<u8> {
    let mut out = String::from("Keywords,Date and Time,Source,Event ID,Task Category\r\n");
    for (time, id, message) in events {
        let source = if matches!(id, 6005 | 6006) {
            "EventLog"
        } else {
            "Microsoft-Windows-Security-Auditing"
        };
        out.push_str(&format!(
            "Audit Success,{time},{source},{id},Logon,\"{}\"\r\n",
            message.replace('"', "\"\"")
        ));
    }
    out.into_bytes()
}

fn sessions(bytes: &[u8]) -> Vec<(String, NaiveDateTime, NaiveDateTime)> {
    let parsed = read(bytes, Flavour::EventViewer, &Options::default()).unwrap();
    assert_eq!(parsed.rejected, vec![]);
    parsed
        .rows
        .into_iter()
        .map(|r| (r.value.account, r.value.logon, r.value.logoff))
        .collect()
}

#[test]
fn english_event_viewer_dates_and_physical_lines_are_read_in_either_order() {
    let events = [
        ("6/3/2024 8:00:00 AM", 4624, logon("tanaka", 2, Some("0x10"))),
        (
            "6/3/2024 12:30:00 PM",
            4647,
            subject("User initiated logoff:", "tanaka", Some("0x10")),
        ),
    ];
    let bytes = viewer(&events);
    let parsed = read(&bytes, Flavour::EventViewer, &Options::default()).unwrap();
    // The first description spans 15 lines: the logoff starts on line 17.
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(parsed.rows[0].line, 2);
    assert_eq!(parsed.rows[0].value.pc_name.as_deref(), Some("PC-01"));
    let expected = vec![(
        "tanaka".to_string(),
        at("2024-06-03 08:00:00"),
        at("2024-06-03 12:30:00"),
    )];
    assert_eq!(sessions(&bytes), expected);
    let reversed: Vec<_> = events.iter().rev().cloned().collect();
    assert_eq!(sessions(&viewer(&reversed)), expected);
    let lone_logoff = viewer(&events[1..]);
    let parsed = read(&lone_logoff, Flavour::EventViewer, &Options::default()).unwrap();
    assert_eq!(parsed.notices[0].line, 2);
}

#[test]
fn sessions_pair_without_logon_ids_and_a_stale_logoff_ends_nothing() {
    // No Logon ID anywhere: pairing by account, machine and time alone.
    let plain = viewer(&[
        ("2024/06/03 8:00:00", 4624, logon("tanaka", 2, None)),
        (
            "2024/06/03 9:00:00",
            4800,
            subject("The workstation was locked.", "tanaka", None),
        ),
        (
            "2024/06/03 9:30:00",
            4801,
            subject("The workstation was unlocked.", "tanaka", None),
        ),
        ("2024/06/03 10:00:00", 4634, logoff("tanaka", 2, None)),
    ]);
    assert_eq!(
        sessions(&plain),
        vec![
            ("tanaka".into(), at("2024-06-03 08:00:00"), at("2024-06-03 09:00:00")),
            ("tanaka".into(), at("2024-06-03 09:30:00"), at("2024-06-03 10:00:00")),
        ]
    );
    // The 4634 of the first logon, written during the second one, is an
    // echo of a logoff already taken.
    let stale = viewer(&[
        ("2024/06/03 8:00:00", 4624, logon("tanaka", 2, Some("0x10"))),
        (
            "2024/06/03 9:00:00",
            4647,
            subject("User initiated logoff:", "tanaka", Some("0x10")),
        ),
        ("2024/06/03 9:10:00", 4624, logon("tanaka", 2, Some("0x20"))),
        ("2024/06/03 9:40:00", 4634, logoff("tanaka", 2, Some("0x10"))),
        ("2024/06/03 11:00:00", 4634, logoff("tanaka", 2, Some("0x20"))),
    ]);
    let parsed = read(&stale, Flavour::EventViewer, &Options::default()).unwrap();
    assert_eq!(parsed.notices.total(), 0);
    assert_eq!(
        sessions(&stale),
        vec![
            ("tanaka".into(), at("2024-06-03 08:00:00"), at("2024-06-03 09:00:00")),
            ("tanaka".into(), at("2024-06-03 09:10:00"), at("2024-06-03 11:00:00")),
        ]
    );
}

#[test]
fn system_accounts_other_logon_types_and_other_events_are_skipped_silently() {
    let bytes = viewer(&[
        ("2024/06/03 8:00:00", 4624, logon("SYSTEM", 2, None)),
        ("2024/06/03 8:00:00", 4624, logon("PC-01$", 2, None)),
        ("2024/06/03 8:00:00", 4624, logon("DWM-3", 2, None)),
        ("2024/06/03 8:00:00", 4624, logon("UMFD-0", 2, None)),
        ("2024/06/03 8:00:00", 4624, logon("ANONYMOUS LOGON", 3, None)),
        ("2024/06/03 8:00:00", 4624, logon("tanaka", 3, None)),
        ("2024/06/03 8:00:00", 4624, logon("tanaka", 5, None)),
        ("2024/06/03 8:00:00", 4648, logon("tanaka", 2, None)),
        (
            "2024/06/03 8:00:00",
            4672,
            "Special privileges assigned to new logon.".into(),
        ),
        ("2024/06/03 8:00:00", 1102, "The audit log was cleared.".into()),
    ]);
    let parsed = read(&bytes, Flavour::EventViewer, &Options::default()).unwrap();
    assert_eq!(
        (parsed.rows.len(), parsed.rejected.total(), parsed.notices.total()),
        (0, 0, 0)
    );
    // Numbers of other providers are not theirs: Winlogon's 6006 is no shutdown.
    let winlogon = String::from_utf8(viewer(&[
        ("2024/06/03 8:00:00", 4624, logon("tanaka", 2, None)),
        (
            "2024/06/03 9:00:00",
            6006,
            "The winlogon notification subscriber took 1 second(s).".into(),
        ),
    ]))
    .unwrap()
    .replace("EventLog", "Microsoft-Windows-Winlogon");
    let parsed = read(winlogon.as_bytes(), Flavour::EventViewer, &Options::default()).unwrap();
    assert_eq!(parsed.rows[0].value.logoff, at("2024-06-04 00:00:00"));
}

#[test]
fn twin_logons_and_an_unlock_written_twice_open_one_session_and_zero_length_is_dropped() {
    let bytes = viewer(&[
        ("2024/06/03 8:00:00", 4624, logon("tanaka", 2, Some("0x10"))),
        ("2024/06/03 8:00:00", 4624, logon("tanaka", 2, Some("0x11"))),
        (
            "2024/06/03 9:00:00",
            4800,
            subject("The workstation was locked.", "tanaka", Some("0x10")),
        ),
        (
            "2024/06/03 9:30:00",
            4801,
            subject("The workstation was unlocked.", "tanaka", Some("0x10")),
        ),
        ("2024/06/03 9:30:01", 4624, logon("tanaka", 7, Some("0x30"))),
        ("2024/06/03 9:30:01", 4634, logoff("tanaka", 7, Some("0x30"))),
        (
            "2024/06/03 10:00:00",
            4800,
            subject("The workstation was locked.", "tanaka", Some("0x10")),
        ),
        (
            "2024/06/03 10:00:00",
            4801,
            subject("The workstation was unlocked.", "tanaka", Some("0x10")),
        ),
        (
            "2024/06/03 10:00:00",
            4800,
            subject("The workstation was locked.", "tanaka", Some("0x10")),
        ),
        (
            "2024/06/03 12:00:00",
            4647,
            subject("User initiated logoff:", "tanaka", Some("0x10")),
        ),
        ("2024/06/03 12:00:01", 4634, logoff("tanaka", 2, Some("0x11"))),
        ("2024/06/03 12:00:01", 4634, logoff("tanaka", 2, Some("0x10"))),
        ("2024/06/03 12:00:05", 6006, "The Event log service was stopped.".into()),
    ]);
    let parsed = read(&bytes, Flavour::EventViewer, &Options::default()).unwrap();
    assert_eq!(parsed.notices.total(), 0, "{:?}", parsed.notices.listed());
    assert_eq!(
        sessions(&bytes),
        vec![
            ("tanaka".into(), at("2024-06-03 08:00:00"), at("2024-06-03 09:00:00")),
            ("tanaka".into(), at("2024-06-03 09:30:00"), at("2024-06-03 10:00:00")),
        ]
    );
}

#[test]
fn a_windows_7_description_with_its_older_labels_is_read() {
    let message = "アカウントが正常にログオンしました。\r\n\r\nサブジェクト:\r\n\tセキュリティ ID:\t\tSYSTEM\r\n\tアカウント名:\t\tPC-01$\r\n\tログオン ID:\t\t0x3e7\r\n\r\nログオンの種類:\t\t\t2\r\n\r\n新しいログオン:\r\n\tセキュリティ ID:\t\tHOSP\\sato\r\n\tアカウント名:\t\tsato\r\n\tログオン ID:\t\t0x99\r\n\r\nネットワーク情報:\r\n\tワークステーション名:\tPC-07";
    let csv = format!(
        "キーワード,日付と時刻,ソース,イベント ID,タスクのカテゴリ\r\n監査の成功,2024/06/03 8:00:00,Microsoft-Windows-Security-Auditing,4624,ログオン,\"{message}\"\r\n監査の成功,2024/06/03 9:00:00,EventLog,6006,なし,\"イベント ログ サービスが停止されました。\"\r\n"
    );
    let parsed = read(csv.as_bytes(), Flavour::EventViewer, &Options::default()).unwrap();
    assert_eq!(
        rows(&parsed),
        vec![row(2, "sato", "PC-07", "2024-06-03 08:00:00", "2024-06-03 09:00:00")]
    );
}

#[test]
fn a_windows_powershell_5_export_with_its_type_line_and_japanese_times_is_read() {
    let logon = "アカウントが正常にログオンしました。\n\nログオン情報:\n\tログオン タイプ:\t\t10\n\n新しいログオン:\n\tアカウント名:\t\tsato";
    let csv = format!(
        "#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord\r\n\"Message\",\"Id\",\"ProviderName\",\"MachineName\",\"TimeCreated\"\r\n\"{logon}\",\"4624\",\"Microsoft-Windows-Security-Auditing\",\"PC-07\",\"2024/06/03 22:00:00\"\r\n\"ユーザー開始のログオフ:\n\nサブジェクト:\n\tアカウント名:\t\tsato\",\"4647\",\"Microsoft-Windows-Security-Auditing\",\"PC-07\",\"2024/06/04 1:30:00\"\r\n"
    );
    let parsed = read(csv.as_bytes(), Flavour::GetWinEvent, &Options::default()).unwrap();
    assert_eq!(
        rows(&parsed),
        vec![row(3, "sato", "PC-07", "2024-06-03 22:00:00", "2024-06-04 01:30:00")]
    );
    // A culture whose list separator is ';' (-UseCulture).
    let semicolons = csv.replace("\",\"", "\";\"");
    let parsed = read(semicolons.as_bytes(), Flavour::GetWinEvent, &Options::default()).unwrap();
    assert_eq!(parsed.rows.len(), 1);
}

#[test]
fn unreadable_times_ids_and_descriptions_are_row_errors_with_their_lines() {
    let mut csv = String::from_utf8(viewer(&[
        ("2024/06/03 8:00:00", 4624, logon("tanaka", 2, None)),
        ("03/06/2024 08:00:00", 4624, logon("sato", 2, None)),
        (
            "2024/06/03 9:00:00",
            4624,
            "アカウントが正常にログオンしました。".into(),
        ),
        ("2024/06/03 9:00:00", 4647, "User initiated logoff:".into()),
        // An unreadable time on an event that does not matter is no problem.
        ("yesterday", 4672, "Special privileges assigned to new logon.".into()),
    ]))
    .unwrap();
    csv.push_str("Audit Success,2024/06/03 10:00:00,Microsoft-Windows-Security-Auditing,46x4,Logon,\"\"\r\n");
    csv.push_str("Audit Success,2024/06/03 10:00:00\r\n");
    let parsed = read(csv.as_bytes(), Flavour::EventViewer, &Options::default()).unwrap();
    assert_eq!(parsed.rows.len(), 1);
    let errors: Vec<(usize, Option<&str>, &str)> = parsed
        .rejected
        .iter()
        .map(|e| (e.line, e.column.as_deref(), e.reason.as_str()))
        .collect();
    assert_eq!(errors.len(), 5, "{errors:?}");
    assert_eq!((errors[0].0, errors[0].1), (16, Some("Date and Time")));
    assert!(errors[0].2.starts_with("日時が読めません"), "{}", errors[0].2);
    assert!(errors[0].2.contains("\"03/06/2024 08:00:00\""));
    assert_eq!(errors[1].0, 30);
    assert!(errors[1]
        .2
        .ends_with("the logon (4624) has no logon type in its description"));
    assert_eq!(errors[2].0, 31);
    assert!(errors[2]
        .2
        .ends_with("event 4647 has no account name in its description"));
    assert_eq!((errors[3].0, errors[3].1), (33, Some("Event ID")));
    assert_eq!(errors[3].2, "イベント ID が読めません: \"46x4\" / unreadable event ID");
    assert_eq!(errors[4].0, 34);
    assert!(errors[4].2.contains(" / too few fields"));
}

#[test]
fn a_file_of_neither_flavour_names_the_columns_it_lacks() {
    let expected_viewer = vec![
        "日付と時刻(Date and Time)".to_string(),
        "ソース(Source)".into(),
        "イベント ID(Event ID)".into(),
        "タスクのカテゴリ(Task Category)".into(),
    ];
    let pclog = b"staff_id,logon,logoff\nD001,2024-06-01 08:00,2024-06-01 09:00\n";
    assert_eq!(
        read(pclog, Flavour::EventViewer, &Options::default()).err(),
        Some(FileError::MissingColumns(expected_viewer))
    );
    assert_eq!(
        read(
            &file("windows-eventviewer.csv"),
            Flavour::GetWinEvent,
            &Options::default()
        )
        .err(),
        Some(FileError::MissingColumns(vec![
            "作成日時(TimeCreated)".into(),
            "イベント ID(Id)".into(),
            "プロバイダー名(ProviderName)".into(),
            "コンピューター名(MachineName)".into(),
            "メッセージ(Message)".into(),
        ]))
    );
    assert_eq!(
        read(b"\r\n  \r\n", Flavour::GetWinEvent, &Options::default()).err(),
        Some(FileError::Empty)
    );
}

#[test]
fn a_quote_left_open_refuses_the_event_it_swallowed_the_file_into() {
    let mut csv = String::from_utf8(viewer(&[("2024/06/03 8:00:00", 4624, logon("tanaka", 2, None))])).unwrap();
    csv.push_str("Audit Success,2024/06/03 9:00:00,Microsoft-Windows-Security-Auditing,4624,Logon,\"An account was successfully logged on.\r\nLogon Type: 2\r\nNew Logon:\r\n\tAccount Name: sato\r\n");
    csv.push_str("Audit Success,2024/06/03 10:00:00,Microsoft-Windows-Security-Auditing,4647,Logoff,x\r\n");
    let parsed = read(csv.as_bytes(), Flavour::EventViewer, &Options::default()).unwrap();
    assert_eq!(parsed.rows.len(), 1, "tanaka's session, closed by the limit");
    assert_eq!(parsed.rejected.len(), 1);
    assert_eq!(parsed.rejected[0].line, 16);
    assert!(parsed.rejected[0].reason.contains("unclosed quote"));
}

#[test]
fn any_limit_on_open_sessions_is_read_without_panicking() {
    let bytes = viewer(&[
        ("2024/06/03 8:00:00", 4624, logon("tanaka", 2, None)),
        ("2024/06/03 20:00:00", 4624, logon("tanaka", 2, None)),
    ]);
    let ends = |minutes: i64| -> Vec<NaiveDateTime> {
        let options = Options {
            max_open_minutes: minutes,
            pc_name: None,
        };
        let parsed = read(&bytes, Flavour::EventViewer, &options).unwrap();
        parsed.rows.iter().map(|r| r.value.logoff).collect()
    };
    // 0 or less: a session without an end has no length and is dropped.
    assert_eq!(ends(-5), vec![]);
    assert_eq!(ends(0), vec![]);
    assert_eq!(ends(60), vec![at("2024-06-03 09:00:00"), at("2024-06-03 21:00:00")]);
    // A limit past a year and a day is read as one.
    assert_eq!(
        ends(i64::MAX),
        vec![at("2024-06-03 20:00:00"), at("2025-06-04 20:00:00")]
    );
    assert_eq!(ends(i64::MIN), vec![]);
}

use crate::import::table::tests::Lcg;

#[test]
fn random_garbage_bytes_are_refused_without_panicking() {
    let mut rng = Lcg(17);
    for _ in 0..2000 {
        let len = rng.next() % 300;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        for flavour in [Flavour::EventViewer, Flavour::GetWinEvent] {
            assert!(read(&bytes, flavour, &Options::default()).is_err());
        }
        let _ = flavour_of(&bytes);
    }
}

#[test]
fn damaged_exports_never_panic_and_every_kept_session_has_length() {
    let noise = b",\"\n\r:/-09 \tAPM\xE3\x82\xFF";
    let mut rng = Lcg(23);
    for (name, flavour) in [
        ("windows-eventviewer.csv", Flavour::EventViewer),
        ("windows-getwinevent.csv", Flavour::GetWinEvent),
    ] {
        let good = file(name);
        for _ in 0..300 {
            let mut bytes = good.clone();
            for _ in 0..=rng.next() % 4 {
                let at = (rng.next() as usize) % bytes.len();
                bytes[at] = noise[(rng.next() as usize) % noise.len()];
            }
            let Ok(parsed) = read(&bytes, flavour, &Options::default()) else {
                continue;
            };
            assert!(parsed.rows.iter().all(|r| r.value.logoff > r.value.logon));
            assert!(parsed
                .rejected
                .iter()
                .chain(parsed.notices.iter())
                .all(|e| e.reason.contains(" / ")));
        }
    }
}
