//! The access log (アクセスログ) — MHLW cybersecurity checklist 2-(6).
//!
//! Every entry records when, who, which category and which operation, with
//! a JSON detail. The log is append-only and tamper-evident: each entry
//! carries `prev_hash`, the `hash` of the entry before it (`''` for the
//! first), and its own `hash`, the SHA-256 of a canonical encoding of
//! `prev_hash, at, actor, category, operation, detail` (see [`entry_hash`]).
//! The id is assigned by the database and is not hashed; [`verify`] walks the
//! entries in id order, so an edited entry fails its own hash, and a removed
//! or reordered one breaks the link to its predecessor.
//!
//! Entries are written only by [`append`] (or
//! [`log`], which calls it), inside kinmu's write transaction, so two writers
//! never chain onto the same entry.
//!
//! The chain alone does not stop the database owner, who can delete entries
//! and recompute every hash after them. So each new entry is also signed:
//! `hmac` is the HMAC-SHA256 of its hash under a key kept outside the
//! database (see [`key`]). [`verify`] checks hashes, links and signatures;
//! entries written before the key existed (no `hmac`) are accepted as
//! "verified by the chain only" up to the entry the key file names, and an
//! unsigned entry after that, or after a signed one, is tampering.
//!
//! Limits: neither the chain nor the signatures show that entries were cut
//! from its *end*; keep the last entry reported by `kinmu audit verify`
//! (`last`: id and hash) elsewhere to detect that.

pub mod key;
pub mod words;

use crate::db::models::{AuditEntry, NewAuditEntry};
use crate::db::{audit as store, AnyConnection, DbError};
use crate::domain::text::Label;
use chrono::{NaiveDateTime, SubsecRound};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Tags the encoding, so a future change of format cannot collide with it.
const ENCODING_VERSION: &str = "kinmu-audit-v1";

/// Entries read per query by [`verify`].
const PAGE: i64 = 10_000;

/// Appends one entry to the access log, chained to the newest entry.
///
/// Runs in kinmu's write transaction (a savepoint of the caller's when there
/// is one), so it is safe to call from anywhere.
pub fn log(
    conn: &mut AnyConnection,
    actor: Option<&str>,
    category: Category,
    operation: &str,
    detail: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    append(
        conn,
        &NewAuditEntry {
            at: now,
            actor: actor.map(String::from),
            category: category.code().to_string(),
            operation: operation.to_string(),
            detail: detail.to_string(),
        },
    )?;
    Ok(())
}

/// Appends one entry to the access log, chained to the newest entry and
/// signed with this process's access-log key ([`key::process_key`]) when
/// one is installed. Runs in `write_transaction` — a savepoint when the
/// caller already holds one — so two writers never chain onto the same
/// entry. `at` is kept to the microsecond, the precision both backends store.
pub fn append(conn: &mut AnyConnection, entry: &NewAuditEntry) -> diesel::QueryResult<()> {
    append_signed(conn, entry, key::process_key().as_deref())
}

/// [`append`] with the key given: the entry's `hmac` is the key's signature
/// of its hash (`None`: written unsigned).
pub fn append_signed(
    conn: &mut AnyConnection,
    entry: &NewAuditEntry,
    key: Option<&key::AuditKey>,
) -> diesel::QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        let prev_hash = store::newest_audit_hash(conn)?;
        let entry = NewAuditEntry {
            at: stored_time(entry.at),
            ..entry.clone()
        };
        let hash = entry_hash(
            &prev_hash,
            entry.at,
            entry.actor.as_deref(),
            &entry.category,
            &entry.operation,
            &entry.detail,
        );
        let hmac = key.map(|k| k.sign(&hash));
        store::append_audit_row(conn, &entry, &prev_hash, &hash, hmac.as_deref())
    })
}

/// Writes access-log entries for the web service with group commit: a
/// dedicated thread takes every entry waiting, writes them in ONE write
/// transaction (each still chained to the one before) and only then tells
/// each request its entry is stored. Under load the log costs one commit per
/// batch instead of one per request, and no answer leaves before its entry
/// is written.
pub struct Sink {
    jobs: std::sync::mpsc::Sender<SinkJob>,
}

struct SinkJob {
    entry: NewAuditEntry,
    done: tokio::sync::oneshot::Sender<Result<(), String>>,
}

/// Entries written in one transaction at most.
const SINK_BATCH: usize = 512;

impl Sink {
    /// Starts the writer thread on `pool`, signing entries with `key`; it
    /// ends when the sink is dropped.
    pub fn start(pool: crate::db::Pool, key: std::sync::Arc<key::AuditKey>) -> std::io::Result<Sink> {
        let (jobs, queue) = std::sync::mpsc::channel::<SinkJob>();
        std::thread::Builder::new()
            .name("kinmu-access-log".into())
            .spawn(move || {
                while let Ok(first) = queue.recv() {
                    let mut batch = vec![first];
                    while batch.len() < SINK_BATCH {
                        match queue.try_recv() {
                            Ok(job) => batch.push(job),
                            Err(_) => break,
                        }
                    }
                    let written = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
                        crate::db::write_transaction(&mut conn, |conn| {
                            batch
                                .iter()
                                .try_for_each(|job| append_signed(conn, &job.entry, Some(&key)))
                        })
                        .map_err(|e| e.to_string())
                    });
                    for job in batch {
                        // The request may have gone away; nothing to tell then.
                        let _ = job.done.send(written.clone());
                    }
                }
            })?;
        Ok(Sink { jobs })
    }

    /// Appends an entry; resolves once it is committed.
    pub async fn log(&self, entry: NewAuditEntry) -> Result<(), String> {
        let (done, wait) = tokio::sync::oneshot::channel();
        self.jobs
            .send(SinkJob { entry, done })
            .map_err(|_| "the access-log writer has stopped".to_string())?;
        wait.await
            .map_err(|_| "the access-log writer has stopped".to_string())?
    }
}

/// The time as stored: truncated to the microsecond, the precision both
/// SQLite (as kinmu writes it) and PostgreSQL keep, so the hash computed on
/// insert is the hash recomputed on read.
pub fn stored_time(at: NaiveDateTime) -> NaiveDateTime {
    at.trunc_subsecs(6)
}

/// The canonical encoding that is hashed: a JSON array of a version tag and
/// the fields, with `at` as ISO 8601 to the microsecond and a missing actor
/// as `null`. JSON quoting keeps field boundaries fixed: text cannot move
/// from one field to the next without changing the bytes.
pub fn canonical_encoding(
    prev_hash: &str,
    at: NaiveDateTime,
    actor: Option<&str>,
    category: &str,
    operation: &str,
    detail: &str,
) -> String {
    serde_json::json!([
        ENCODING_VERSION,
        prev_hash,
        at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        actor,
        category,
        operation,
        detail,
    ])
    .to_string()
}

/// The entry's hash: lower-case hex SHA-256 of [`canonical_encoding`].
pub fn entry_hash(
    prev_hash: &str,
    at: NaiveDateTime,
    actor: Option<&str>,
    category: &str,
    operation: &str,
    detail: &str,
) -> String {
    let encoded = canonical_encoding(prev_hash, at, actor, category, operation, detail);
    Sha256::digest(encoded.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Which entries to read from the log (all `None`: everything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// From this day (inclusive).
    pub from: Option<chrono::NaiveDate>,
    /// Through this day (inclusive).
    pub to: Option<chrono::NaiveDate>,
    pub actor: Option<String>,
    pub category: Option<String>,
}

/// The most entries [`entries`] returns at once.
pub const ENTRIES_MAX: i64 = 100_000;
/// The furthest [`entries`] skips back (far beyond any log; keeps the
/// offset a number every backend accepts).
pub const OFFSET_MAX: i64 = 1_000_000_000_000;

/// Entries matching `filter`, newest first, `limit` from `offset`; both are
/// clamped to `0..=ENTRIES_MAX` and `0..=OFFSET_MAX` (a negative or huge
/// value from a URL is never handed to the database).
pub fn entries(conn: &mut AnyConnection, filter: &Filter, limit: i64, offset: i64) -> Result<Vec<AuditEntry>, DbError> {
    let (limit, offset) = (limit.clamp(0, ENTRIES_MAX), offset.clamp(0, OFFSET_MAX));
    let from = filter.from.map(|d| d.and_time(chrono::NaiveTime::MIN));
    let before = filter
        .to
        .and_then(|d| d.succ_opt())
        .map(|d| d.and_time(chrono::NaiveTime::MIN));
    Ok(store::audit_entries(
        conn,
        from,
        before,
        filter.actor.as_deref(),
        filter.category.as_deref(),
        limit,
        offset,
    )?)
}

/// What an access-log entry is about: its `category`, one code each, with
/// the one label table the log screen and its CSV use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    Session,
    Account,
    Read,
    Export,
    Print,
    Change,
    Import,
    Discrepancy,
    Doctor,
    Purge,
    LegalHold,
    System,
}

impl Category {
    /// The categories, in the order of the log screen's filter.
    pub const ALL: [Category; 12] = [
        Category::Session,
        Category::Account,
        Category::Read,
        Category::Export,
        Category::Print,
        Category::Change,
        Category::Import,
        Category::Discrepancy,
        Category::Doctor,
        Category::Purge,
        Category::LegalHold,
        Category::System,
    ];

    /// The code stored with the entry.
    pub fn code(self) -> &'static str {
        match self {
            Category::Session => "session",
            Category::Account => "account",
            Category::Read => "read",
            Category::Export => "export",
            Category::Print => "print",
            Category::Change => "change",
            Category::Import => "import",
            Category::Discrepancy => "discrepancy",
            Category::Doctor => "doctor",
            Category::Purge => "purge",
            Category::LegalHold => "legal_hold",
            Category::System => "system",
        }
    }

    pub fn parse(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The one label table of the log's categories.
    pub fn label(self) -> Label {
        match self {
            Category::Session => Label::new("ログイン・ログアウト", "sign-in and sign-out"),
            Category::Account => Label::new("アカウント管理", "accounts"),
            Category::Read => Label::new("閲覧", "read"),
            Category::Export => Label::new("出力", "export"),
            Category::Print => Label::new("印刷", "print"),
            Category::Change => Label::new("更新", "change"),
            Category::Import => Label::new("取込", "import"),
            Category::Discrepancy => Label::new("乖離の確認", "discrepancies"),
            Category::Doctor => Label::new("医師情報の訂正", "doctor records"),
            Category::Purge => Label::new("保存期間経過の削除", "purge after retention"),
            Category::LegalHold => Label::new("訴訟等による保存", "legal hold"),
            Category::System => Label::new("システム", "system"),
        }
    }
}

/// The Japanese label of a stored category code (the code itself when it
/// is not one of kinmu's).
pub fn category_label_ja(category: &str) -> &str {
    Category::parse(category).map_or(category, |c| c.label().ja)
}

/// Entries as CSV for a spreadsheet program: the columns of the MHLW
/// checklist's example log (ユーザーID, 氏名, 時刻, カテゴリ, 操作情報) plus
/// the detail and the chain hashes.
pub fn to_csv(
    entries: &[AuditEntry],
    names: &std::collections::HashMap<String, String>,
) -> Result<Vec<u8>, csv::Error> {
    crate::export::spreadsheet_csv(
        &[
            "No",
            "ユーザーID",
            "氏名",
            "時刻",
            "カテゴリ",
            "操作情報",
            "詳細",
            "前のハッシュ",
            "ハッシュ",
        ],
        entries.iter().map(|e| {
            let actor = e.actor.clone().unwrap_or_default();
            vec![
                e.id.to_string(),
                actor.clone(),
                names.get(&actor).cloned().unwrap_or_default(),
                e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                category_label_ja(&e.category).to_string(),
                e.operation.clone(),
                e.detail.clone(),
                e.prev_hash.clone(),
                e.hash.clone(),
            ]
        }),
    )
}

/// What is wrong with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The entry's content no longer matches its hash.
    Edited,
    /// The entry does not follow the one before it: an entry in between was
    /// removed, or entries were moved.
    RemovedOrReordered,
    /// Ids do not increase.
    OutOfOrder,
    /// The entry's signature (`hmac`) is not the key's signature of its
    /// hash: it was written or re-chained without the key.
    BadHmac,
    /// The entry has no signature although it comes after the key came into
    /// use (after a signed entry, or after the entry the key file names).
    Unkeyed,
    /// The last entry from before the key is not the one the key file names,
    /// or an anchor kept outside the database (`verify --anchor`, the daily
    /// mail to administrators) no longer matches: the entry is gone (the
    /// log was cut) or was rewritten.
    AnchorMismatch,
}

/// The first problem found in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The id of the entry where the chain breaks.
    pub id: i64,
    pub kind: ProblemKind,
    /// Japanese, then English.
    pub message: String,
}

/// An entry's place, to keep outside the database (a cut at the end of the
/// log is only seen against such a copy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    pub id: i64,
    pub hash: String,
}

impl std::str::FromStr for Anchor {
    type Err = String;
    /// `ID:HASH`, as the daily mail and `verify` print it.
    fn from_str(s: &str) -> Result<Anchor, String> {
        let bad = || format!("ID:HASH の形で指定してください（例 1234:9f86d0…）: {s:?} / expected ID:HASH");
        let (id, hash) = s.trim().split_once(':').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        let hash = hash.to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(Anchor { id, hash })
    }
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.id, self.hash)
    }
}

/// Checks anchors kept outside the database (from earlier `verify` runs or
/// the daily mail) against the log as it is: each named entry must still be
/// there with the same hash. The chain and the signatures find an entry
/// edited or removed *inside* the log; only an anchor finds entries cut from
/// its end. Adds the first mismatch to `report` (which is then not ok).
pub fn check_anchors(conn: &mut AnyConnection, report: &mut VerifyReport, anchors: &[Anchor]) -> Result<(), DbError> {
    for anchor in anchors {
        let stored = store::audit_hash_of(conn, anchor.id)?;
        let message = match stored {
            Some(hash) if hash == anchor.hash => continue,
            Some(_) => format!(
                "アクセスログ id={} が、外部に控えた記録（アンカー）と一致しません（書き換えの疑い） / the entry does not match the anchor kept outside the database (rewritten)",
                anchor.id
            ),
            None => format!(
                "外部に控えたアクセスログ id={} がありません（記録の削除・切り詰めの疑い） / the entry named by an anchor kept outside the database is gone (log cut or entries deleted)",
                anchor.id
            ),
        };
        report.ok = false;
        if report.problem.is_none() {
            report.problem = Some(Problem {
                id: anchor.id,
                kind: ProblemKind::AnchorMismatch,
                message,
            });
        }
    }
    Ok(())
}

/// The result of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    /// Entries in the log (all of them, also after a problem).
    pub entries: usize,
    /// Entries whose signature was checked.
    pub keyed: usize,
    /// Entries from before the key existed: verified by the chain only.
    pub unkeyed: usize,
    /// Says which entries are verified by the chain only, when there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why the signatures could not be checked (no key): then `ok` is false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cannot_check: Option<String>,
    /// The newest entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<Anchor>,
    /// The newest entry with a signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_keyed: Option<Anchor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// Checks the whole access log with this process's key (see
/// [`key::process_key`]); without one, reports that signatures cannot be
/// checked (`ok` false).
pub fn verify(conn: &mut AnyConnection) -> Result<VerifyReport, DbError> {
    verify_with(conn, key::process_key().as_deref())
}

/// Checks the whole access log, reading it in id order a page at a time.
/// Reports the first entry that was edited, that does not follow its
/// predecessor (removed or reordered entries), whose signature is wrong, or
/// that lacks a signature where one is due.
pub fn verify_with(conn: &mut AnyConnection, key: Option<&key::AuditKey>) -> Result<VerifyReport, DbError> {
    let mut checker = Checker {
        key,
        ..Checker::default()
    };
    let mut after = i64::MIN;
    loop {
        let page = store::audit_page_after(conn, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let full = page.len() as i64 == PAGE;
        for entry in &page {
            checker.check(entry);
        }
        if !full {
            break;
        }
    }
    Ok(checker.report())
}

/// Walks the chain one entry at a time.
#[derive(Default)]
struct Checker<'k> {
    key: Option<&'k key::AuditKey>,
    entries: usize,
    keyed: usize,
    unkeyed: usize,
    last: Option<(i64, String)>,
    /// Unsigned entries accepted as older than the key, and the last of them.
    chain_only: usize,
    chain_only_through: Option<i64>,
    last_keyed: Option<(i64, String)>,
    problem: Option<Problem>,
}

impl Checker<'_> {
    fn check(&mut self, e: &AuditEntry) {
        self.entries += 1;
        let found = self.problem_with(e);
        if e.hmac.is_none() && found.is_none() && self.key.is_some() {
            self.chain_only += 1;
            self.chain_only_through = Some(e.id);
        }
        if self.problem.is_none() {
            self.problem = found;
        }
        // Carry on from the entry as stored, so one problem is reported once.
        self.last = Some((e.id, e.hash.clone()));
        match &e.hmac {
            Some(_) => {
                self.keyed += 1;
                self.last_keyed = Some((e.id, e.hash.clone()));
            }
            None => self.unkeyed += 1,
        }
    }

    fn problem_with(&self, e: &AuditEntry) -> Option<Problem> {
        let problem = |kind, message: String| {
            Some(Problem {
                id: e.id,
                kind,
                message,
            })
        };
        if let Some((last_id, _)) = &self.last {
            if e.id <= *last_id {
                return problem(
                    ProblemKind::OutOfOrder,
                    format!(
                        "アクセスログの番号が順になっていません（id={} が id={} の後） / entry ids out of order",
                        e.id, last_id
                    ),
                );
            }
        }
        let hash = entry_hash(
            &e.prev_hash,
            e.at,
            e.actor.as_deref(),
            &e.category,
            &e.operation,
            &e.detail,
        );
        if hash != e.hash {
            return problem(
                ProblemKind::Edited,
                format!(
                    "アクセスログ id={} の内容がハッシュと一致しません（改ざんの疑い） / entry content does not match its hash (edited)",
                    e.id
                ),
            );
        }
        let expected = self.last.as_ref().map_or("", |(_, h)| h.as_str());
        if e.prev_hash != expected {
            let message = match &self.last {
                Some((last_id, _)) => format!(
                    "アクセスログ id={} が直前の id={} に続いていません（削除または並べ替えの疑い） / entry does not follow the previous entry (removed or reordered)",
                    e.id, last_id
                ),
                None => format!(
                    "アクセスログの最初の記録 id={} の前に記録があったはずです（削除の疑い） / the first entry follows an entry that is gone (removed)",
                    e.id
                ),
            };
            return problem(ProblemKind::RemovedOrReordered, message);
        }
        // Without a key only the chain is checked (the report says so).
        let key = self.key?;
        match &e.hmac {
            Some(mac) if key.check(&e.hash, mac) => None,
            Some(_) => problem(
                ProblemKind::BadHmac,
                format!(
                    "アクセスログ id={} の署名が鍵と一致しません（鍵を持たない者による書き換え・削除後の再計算の疑い） / the entry's HMAC does not match the key (rewritten or re-chained without the key)",
                    e.id
                ),
            ),
            None => {
                let before_key = key.unkeyed_through.as_ref().filter(|(through, _)| e.id <= *through);
                match before_key {
                    Some(_) if self.last_keyed.is_some() => problem(
                        ProblemKind::Unkeyed,
                        format!(
                            "アクセスログ id={} に署名がありません（署名された記録の後。改ざんの疑い） / the entry has no HMAC although signed entries come before it (tampering)",
                            e.id
                        ),
                    ),
                    Some((through, hash)) if e.id == *through && e.hash != *hash => problem(
                        ProblemKind::AnchorMismatch,
                        format!(
                            "アクセスログ id={} が鍵ファイルに記録された鍵導入前の最後の記録と一致しません（改ざんの疑い） / the entry is not the last pre-key entry the key file names (tampering)",
                            e.id
                        ),
                    ),
                    Some(_) => None,
                    None => problem(
                        ProblemKind::Unkeyed,
                        format!(
                            "アクセスログ id={} に署名がありません（鍵の導入後の記録。改ざんの疑い） / the entry has no HMAC although it was written after the key came into use (tampering)",
                            e.id
                        ),
                    ),
                }
            }
        }
    }

    fn report(self) -> VerifyReport {
        let anchor = |p: Option<(i64, String)>| p.map(|(id, hash)| Anchor { id, hash });
        let cannot_check = self.key.is_none().then(|| {
            "アクセスログの鍵がないため署名を検査できません（ハッシュの連鎖のみ検査） / no access-log key: signatures not checked (chain only)"
                .to_string()
        });
        let note = self.chain_only_through.map(|id| {
            format!(
                "id={id} までの {} 件は鍵の導入前の記録で、ハッシュの連鎖のみで検査しました / {} entries up to id={id} predate the key: unkeyed, verified by chain only",
                self.chain_only, self.chain_only
            )
        });
        VerifyReport {
            ok: self.problem.is_none() && cannot_check.is_none(),
            entries: self.entries,
            keyed: self.keyed,
            unkeyed: self.unkeyed,
            note,
            cannot_check,
            last: anchor(self.last),
            last_keyed: anchor(self.last_keyed),
            problem: self.problem,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 7, 1)
            .and_then(|d| d.and_hms_micro_opt(9, 0, 0, 123_456))
            .unwrap()
    }

    #[test]
    fn shifting_text_between_fields_changes_the_hash() {
        let base = entry_hash("", at(), Some("ab"), "cd", "ef", "{}");
        assert_eq!(base.len(), 64);
        assert_eq!(base, entry_hash("", at(), Some("ab"), "cd", "ef", "{}"));
        assert_ne!(base, entry_hash("", at(), Some("a"), "bcd", "ef", "{}"));
        assert_ne!(base, entry_hash("", at(), Some("abc"), "d", "ef", "{}"));
        assert_ne!(base, entry_hash("", at(), Some("ab"), "cde", "f", "{}"));
        assert_ne!(base, entry_hash("a", at(), Some("b"), "cd", "ef", "{}"));
        // A missing actor is not the empty actor, nor the text "null".
        let none = entry_hash("", at(), None, "cd", "ef", "{}");
        assert_ne!(none, entry_hash("", at(), Some(""), "cd", "ef", "{}"));
        assert_ne!(none, entry_hash("", at(), Some("null"), "cd", "ef", "{}"));
        // Separator-like text inside a field stays inside it.
        assert_ne!(
            entry_hash("", at(), Some("a\",\"b"), "c", "d", "{}"),
            entry_hash("", at(), Some("a"), "b\",\"c", "d", "{}")
        );
    }

    #[test]
    fn the_time_is_hashed_to_the_microsecond() {
        let later = at() + chrono::Duration::microseconds(1);
        assert_ne!(
            entry_hash("", at(), None, "c", "o", "{}"),
            entry_hash("", later, None, "c", "o", "{}")
        );
        let nanos = at() + chrono::Duration::nanoseconds(999);
        assert_eq!(stored_time(nanos), at());
        assert!(canonical_encoding("", at(), None, "c", "o", "{}").contains("2024-07-01T09:00:00.123456"));
    }
}
