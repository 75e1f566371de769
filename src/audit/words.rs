//! The access log in words, for the log screen (an inspector reads it, and
//! the MHLW checklist asks that it be readable): each entry's operation as
//! a phrase — 「医師の個人ページの閲覧」, not `GET /doctors/{staff_id}` — and
//! its JSON detail as labelled items. The stored entry keeps the codes (the
//! chain hashes them, and the CSV export and the API give them as stored);
//! only the screen words them.
//!
//! An operation is either a request's route pattern, `METHOD /path`, worded
//! by the longest matching path prefix in [`PAGES`] and a verb taken from
//! the entry's category, or one of the codes kinmu's own actions write
//! ([`CODES`]). Anything else is shown as stored.

use super::Category;
use crate::domain::text::Label;

/// What the screens and the API are, by path prefix (the longest match
/// wins). A test checks that every route of the service matches one.
pub const PAGES: &[(&str, Label)] = &[
    ("/", Label::new("月次一覧", "dashboard")),
    ("/account/password", Label::new("自分のパスワード", "own password")),
    ("/admin/audit", Label::new("アクセスログ", "access log")),
    ("/admin/users", Label::new("アカウント", "accounts")),
    ("/api/v1/audit", Label::new("アクセスログ（API）", "access log (API)")),
    ("/api/v1/dashboard", Label::new("月次一覧（API）", "dashboard (API)")),
    (
        "/api/v1/discrepancies",
        Label::new("乖離（API）", "discrepancies (API)"),
    ),
    (
        "/api/v1/doctors",
        Label::new("医師の月の集計（API）", "a doctor's month (API)"),
    ),
    ("/api/v1/imports", Label::new("取込（API）", "imports (API)")),
    (
        "/api/v1/inspection",
        Label::new("立入検査用資料（API）", "inspection pack (API)"),
    ),
    ("/api/v1/interviews", Label::new("面接指導（API）", "interviews (API)")),
    ("/api/v1/me", Label::new("本人の申告（API）", "own declarations (API)")),
    ("/api/v1/measures", Label::new("就業上の措置（API）", "measures (API)")),
    (
        "/api/v1/pc-reviews",
        Label::new("PC使用の確認（API）", "PC reviews (API)"),
    ),
    (
        "/api/v1/prechecks",
        Label::new("面接指導の事前確認（API）", "pre-checks (API)"),
    ),
    ("/api/v1/reports", Label::new("集計表（API）", "reports (API)")),
    (
        "/api/v1/roster-check",
        Label::new("勤務予定の点検（API）", "roster check (API)"),
    ),
    ("/api/v1/users", Label::new("アカウント（API）", "accounts (API)")),
    (
        "/api/v1/worklist",
        Label::new("面接指導の作業一覧（API）", "interview worklist (API)"),
    ),
    (
        "/dashboard.{ext}",
        Label::new("月次一覧の出力（表示中の条件）", "dashboard export (as filtered)"),
    ),
    ("/discrepancies", Label::new("乖離の確認", "discrepancies")),
    (
        "/discrepancies/bulk",
        Label::new("乖離のまとめて処理", "discrepancies resolved together"),
    ),
    ("/discrepancies/pc-reviews", Label::new("PC使用の確認", "PC reviews")),
    ("/doctors", Label::new("医師の個人ページ", "a doctor's page")),
    (
        "/doctors/{staff_id}/comp-rest",
        Label::new("代償休息の記録", "compensatory rest"),
    ),
    (
        "/external-unreported",
        Label::new("他院の時間の未報告", "hours elsewhere not reported"),
    ),
    ("/healthz", Label::new("稼働確認", "health check")),
    ("/imports", Label::new("データ取込", "imports")),
    ("/imports/layouts", Label::new("取込レイアウト", "import layouts")),
    ("/interviews", Label::new("面接指導", "interviews")),
    (
        "/interviews/manage",
        Label::new("面接指導の割当", "interview assignment"),
    ),
    ("/lang", Label::new("表示言語", "language")),
    ("/me", Label::new("本人のページ", "own page")),
    (
        "/me/declarations",
        Label::new("研鑽・他院の時間の申告", "own declarations"),
    ),
    (
        "/me/selfcheck",
        Label::new("疲労蓄積度の自己チェック", "fatigue self-check"),
    ),
    ("/measures", Label::new("就業上の措置", "measures")),
    ("/payroll.{ext}", Label::new("給与計算用の集計", "payroll figures")),
    ("/prechecks", Label::new("面接指導の事前確認", "pre-checks")),
    ("/print", Label::new("立入検査用資料", "inspection pack")),
    ("/roster-check", Label::new("勤務予定の点検", "roster check")),
    ("/self-study", Label::new("自己研鑽の確認", "self-study confirmation")),
    ("/static", Label::new("画面の部品", "page assets")),
];

/// The codes kinmu's own actions write as the operation.
pub const CODES: &[(&str, Label)] = &[
    ("sign_in", Label::new("ログイン", "sign-in")),
    ("sign_out", Label::new("ログアウト", "sign-out")),
    (
        "lock",
        Label::new("ログイン失敗によるロック", "locked after failed sign-ins"),
    ),
    ("create", Label::new("アカウントの作成", "account created")),
    ("disable", Label::new("アカウントの無効化", "account disabled")),
    ("enable", Label::new("アカウントの再有効化", "account enabled")),
    ("leaving_date", Label::new("退職日の登録", "leaving date set")),
    ("password_change", Label::new("パスワードの変更", "password changed")),
    ("layout_save", Label::new("取込レイアウトの保存", "import layout saved")),
    (
        "layout_delete",
        Label::new("取込レイアウトの削除", "import layout deleted"),
    ),
    ("doctors", Label::new("医師一覧の取込", "doctors imported")),
    ("timecard", Label::new("タイムカードの取込", "timecard imported")),
    ("roster", Label::new("勤務予定の取込", "roster imported")),
    ("pclog", Label::new("PC使用記録の取込", "PC log imported")),
    ("employers", Label::new("他の勤務先の取込", "other employers imported")),
    ("permits", Label::new("宿日直許可の取込", "duty permits imported")),
    (
        "comp_rest",
        Label::new("代償休息の付与の取込", "compensatory rest imported"),
    ),
    ("update", Label::new("医師情報の訂正", "doctor record corrected")),
    (
        "update_employer",
        Label::new("他の勤務先の訂正", "other employer corrected"),
    ),
    ("update_permit", Label::new("宿日直許可の訂正", "duty permit corrected")),
    (
        "update_comp_rest_grant",
        Label::new("代償休息の付与の訂正", "compensatory rest grant corrected"),
    ),
    (
        "record_comp_rest_grant",
        Label::new("代償休息の付与の記録", "compensatory rest grant recorded"),
    ),
    (
        "set_comp_rest_reason",
        Label::new("代償休息の事由の記録", "compensatory rest reason set"),
    ),
    ("resolve", Label::new("乖離の処理", "discrepancy resolved")),
    (
        "pc_review_resolve",
        Label::new("PC使用の確認の処理", "PC review resolved"),
    ),
    (
        "self_study_confirm",
        Label::new("自己研鑽の確認", "self-study confirmed"),
    ),
    (
        "self_study_reject",
        Label::new("自己研鑽の却下（労働時間）", "self-study rejected (working time)"),
    ),
    (
        "declare_self_study",
        Label::new("自己研鑽の申告", "self-study declared"),
    ),
    (
        "declare_external",
        Label::new("他院の時間の申告", "hours elsewhere declared"),
    ),
    ("correct_declaration", Label::new("申告の訂正", "declaration corrected")),
    (
        "withdraw_declaration",
        Label::new("申告の取下げ", "declaration withdrawn"),
    ),
    ("interview_record", Label::new("面接指導の記録", "interview recorded")),
    ("measures_record", Label::new("就業上の措置の記録", "measures recorded")),
    ("record_addendum", Label::new("記録への追記", "addendum to a record")),
    (
        "interview assign",
        Label::new("面接指導医の割当", "interview physician assigned"),
    ),
    (
        "interview schedule",
        Label::new("面接指導の日時の設定", "interview scheduled"),
    ),
    (
        "interviews list",
        Label::new("面接指導の一覧の出力", "interview list exported"),
    ),
    (
        "users list",
        Label::new("アカウント一覧の出力", "account list exported"),
    ),
    ("report monthly", Label::new("月次集計の出力", "monthly report")),
    ("report payroll", Label::new("給与計算用の集計の出力", "payroll report")),
    ("report staffing", Label::new("基準日の医師数の出力", "staffing report")),
    ("check roster", Label::new("勤務予定の点検", "roster check")),
    ("jobs monthly", Label::new("月次処理", "monthly job")),
    ("access_log_check", Label::new("アクセスログの点検", "access log check")),
    (
        "audit_key_created",
        Label::new("アクセスログ署名鍵の作成", "access log key created"),
    ),
    ("backup", Label::new("バックアップ", "backup")),
    (
        "demo_database",
        Label::new("デモ用データベースの作成", "demo database created"),
    ),
    (
        "purge",
        Label::new("保存期間を過ぎた記録の削除", "records purged after retention"),
    ),
    (
        "dry_run",
        Label::new("削除対象の確認（削除なし）", "purge dry run (nothing deleted)"),
    ),
    ("delete", Label::new("記録の削除", "record deleted")),
    (
        "delete_refused",
        Label::new("記録の削除の拒否（保存期間内）", "deletion refused (within retention)"),
    ),
    (
        "place_hold",
        Label::new("保存の継続（訴訟等）の設定", "legal hold placed"),
    ),
    ("release_hold", Label::new("保存の継続の解除", "legal hold released")),
];

/// The names of detail fields, as the screen shows them.
pub const FIELDS: &[(&str, Label)] = &[
    ("path", Label::new("画面", "page")),
    ("query", Label::new("条件", "query")),
    ("status", Label::new("結果", "result")),
    ("staff_id", Label::new("職員番号", "staff ID")),
    ("login", Label::new("ユーザーID", "login")),
    ("role", Label::new("役割", "role")),
    ("month", Label::new("月", "month")),
    ("as_of", Label::new("基準日", "as of")),
    ("from", Label::new("開始", "from")),
    ("to", Label::new("終了", "to")),
    ("file", Label::new("ファイル", "file")),
    ("batch_id", Label::new("取込番号", "import")),
    ("layout", Label::new("レイアウト", "layout")),
    ("inserted", Label::new("追加", "added")),
    ("corrected", Label::new("訂正", "corrected")),
    ("superseded", Label::new("置換", "superseded")),
    ("reason", Label::new("理由", "reason")),
    ("interview_id", Label::new("面接指導番号", "interview")),
    ("measure_id", Label::new("措置番号", "measure")),
    ("record_id", Label::new("記録番号", "record")),
    ("row_id", Label::new("行番号", "row")),
    ("doctors", Label::new("医師数", "doctors")),
    ("lines", Label::new("件数", "lines")),
    ("entries", Label::new("件数", "entries")),
    ("format", Label::new("形式", "format")),
    ("before", Label::new("変更前", "before")),
    ("after", Label::new("変更後", "after")),
    ("kind", Label::new("種類", "kind")),
    ("start", Label::new("開始", "start")),
    ("end", Label::new("終了", "end")),
    ("failures", Label::new("失敗回数", "failures")),
    ("until", Label::new("期限", "until")),
];

/// The label of an operation as stored with an entry of `category`, or
/// `None` when kinmu has no words for it (shown as stored).
pub fn operation(category: &str, operation: &str) -> Option<(Label, Option<Label>)> {
    if let Some((_, l)) = CODES.iter().find(|(c, _)| *c == operation) {
        return Some((*l, None));
    }
    let (_, pattern) = operation.split_once(' ')?;
    let page = page_of(pattern)?;
    let verb = match Category::parse(category)? {
        Category::Read => Label::new("閲覧", "read"),
        Category::Export => Label::new("出力", "export"),
        Category::Print => Label::new("印刷", "print"),
        Category::Change => Label::new("登録・更新", "change"),
        _ => return Some((page, None)),
    };
    Some((page, Some(verb)))
}

/// The screen or API a route pattern belongs to: the longest prefix in
/// [`PAGES`] ending at a path segment's end.
pub fn page_of(pattern: &str) -> Option<Label> {
    PAGES
        .iter()
        .filter(|(p, _)| {
            *p == "/" && pattern == "/"
                || *p != "/"
                    && pattern.starts_with(p)
                    && matches!(pattern.as_bytes().get(p.len()), None | Some(b'/' | b'.' | b'?'))
        })
        .max_by_key(|(p, _)| p.len())
        .map(|(_, l)| *l)
}

/// One detail item as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub name: Label,
    /// The field's code when kinmu has no label for it.
    pub code: Option<String>,
    pub value: String,
    /// What a request's status meant: done or refused.
    pub note: Option<Label>,
}

/// The detail's items, in key order; `None` when the detail is not a
/// JSON object (shown as stored).
pub fn detail(detail: &str) -> Option<Vec<Item>> {
    let serde_json::Value::Object(map) = serde_json::from_str::<serde_json::Value>(detail).ok()? else {
        return None;
    };
    let mut out = Vec::with_capacity(map.len());
    for (key, value) in map {
        let value = match value {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) if s.is_empty() => continue,
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        let note = (key == "status").then(|| match value.parse::<u16>() {
            Ok(200..=399) => Label::new("完了", "done"),
            _ => Label::new("拒否・エラー", "refused or failed"),
        });
        let (name, code) = match FIELDS.iter().find(|(k, _)| *k == key) {
            Some((_, l)) => (*l, None),
            None => (Label::new("", ""), Some(key)),
        };
        out.push(Item {
            name,
            code,
            value,
            note,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route the service declares, read from its source.
    fn routes() -> Vec<String> {
        let mut out = Vec::new();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web");
        let mut dirs = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for marker in ["#[get(\"", "#[post(\"", "#[put(\"", "#[delete(\"", "web::resource(\""] {
                        for (i, _) in text.match_indices(marker) {
                            let rest = &text[i + marker.len()..];
                            out.push(rest[..rest.find('"').unwrap()].to_string());
                        }
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_route_has_words() {
        let routes = routes();
        assert!(routes.len() > 50, "the routes were found: {}", routes.len());
        let missing: Vec<&String> = routes
            .iter()
            .filter(|r| !matches!(r.as_str(), "/login" | "/logout" | "/api/v1/sessions"))
            .filter(|r| page_of(r).is_none())
            .collect();
        assert!(missing.is_empty(), "routes without words: {missing:?}");
    }

    #[test]
    fn operations_are_worded_by_page_and_category() {
        let (page, verb) = operation("read", "GET /doctors/{staff_id}").unwrap();
        assert_eq!((page.ja, verb.unwrap().ja), ("医師の個人ページ", "閲覧"));
        let (page, verb) = operation("change", "POST /doctors/{staff_id}/comp-rest/reason").unwrap();
        assert_eq!((page.ja, verb.unwrap().ja), ("代償休息の記録", "登録・更新"));
        let (page, verb) = operation("export", "GET /print/{part}.csv").unwrap();
        assert_eq!((page.ja, verb.unwrap().en), ("立入検査用資料", "export"));
        assert_eq!(operation("read", "GET /").unwrap().0.ja, "月次一覧");
        // A prefix matches whole segments only.
        assert_eq!(page_of("/measuresx"), None);
        let (code, none) = operation("session", "sign_in").unwrap();
        assert_eq!((code.ja, none), ("ログイン", None));
        assert_eq!(operation("read", "something_new"), None);
    }

    #[test]
    fn details_become_labelled_items() {
        let items = detail(r#"{"path":"/doctors/D001","query":"","status":200,"unknown_key":[1,2]}"#).unwrap();
        assert_eq!(items.len(), 3, "the empty query is left out");
        assert_eq!((items[0].name.ja, items[0].value.as_str()), ("画面", "/doctors/D001"));
        assert_eq!((items[1].name.ja, items[1].value.as_str()), ("結果", "200"));
        assert_eq!(items[1].note.unwrap().ja, "完了");
        let refused = detail(r#"{"status":403}"#).unwrap();
        assert_eq!(refused[0].note.unwrap().ja, "拒否・エラー");
        assert_eq!(
            (items[2].code.as_deref(), items[2].value.as_str()),
            (Some("unknown_key"), "[1,2]")
        );
        assert_eq!(detail("not json"), None);
        assert_eq!(detail("[1]"), None);
    }
}
