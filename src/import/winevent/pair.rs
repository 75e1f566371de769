//! Pairing events into sessions (docs/windows-events.md, "Pairing").
//!
//! Per account and machine, in time order: a logon or an unlock opens a
//! session; the next logoff, lock or shutdown closes it. A session left
//! open is closed at the next logon or unlock of the same account and
//! machine, at the next startup of the machine, or `max_open_minutes`
//! after it started, whichever is first, and flagged.

use super::super::{Lined, PcRecord, RowError};
use chrono::{NaiveDateTime, TimeDelta};
use std::collections::{HashMap, HashSet};

/// What an event means for a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum What {
    /// 4624 of an interactive, remote interactive or cached logon.
    Logon,
    /// 4801, or 4624 of logon type 7 (unlock) or 13 (cached unlock).
    Unlock,
    /// 4634 of such a logon, or 4647.
    Logoff,
    /// 4800.
    Lock,
    /// 6005: the event log service started with the PC.
    Startup,
    /// 6006: the event log service stopped with the PC.
    Shutdown,
}

/// One event that matters for sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Event {
    pub at: NaiveDateTime,
    /// The physical line the event starts on.
    pub line: usize,
    pub what: What,
    /// As written (`MachineName`); empty for Event Viewer's CSV, which is
    /// one PC's log.
    pub machine: String,
    /// As written; empty for startup and shutdown.
    pub account: String,
    /// The Logon ID, lower case, when the description has one.
    pub logon_id: Option<String>,
    /// The PC a local logon (4624 of type 2, 7, 11 or 13) names as its
    /// workstation: the PC itself.
    pub workstation: Option<String>,
}

/// Starts of one account and machine this close together are one start:
/// an administrator's logon writes two 4624s (the full and the filtered
/// token), an unlock writes 4801 and a 4624 of type 7.
const SAME_START_SECONDS: i64 = 60;

struct Open {
    start: NaiveDateTime,
    line: usize,
    account: String,
    machine: String,
    /// Logon IDs of the logon session(s) this session belongs to.
    ids: Vec<String>,
}

#[derive(Default)]
struct Account {
    open: Option<Open>,
    /// A logon or unlock of this account and machine was seen: an end with
    /// nothing open repeats an end already taken (4647 then 4634, a lock
    /// then the logoff, a logoff written at the next startup).
    started: bool,
    /// Logon IDs whose logoff was taken: a later 4634 of one of them (the
    /// event is sometimes written long after) ends nothing.
    logged_off: HashSet<String>,
    /// The Logon IDs of the session a lock closed, for the unlock.
    locked_ids: Vec<String>,
}

/// Why a session's end had to be supplied.
enum Supplied {
    NextStart(NaiveDateTime),
    Startup(NaiveDateTime),
    Limit,
}

/// The sessions (by the line of their start) and the notices (by line).
pub(super) struct Paired {
    pub rows: Vec<Lined<PcRecord>>,
    pub notices: Vec<RowError>,
}

struct Out<'a> {
    rows: Vec<Lined<PcRecord>>,
    notices: Vec<RowError>,
    max_minutes: i64,
    pc_name: &'a dyn Fn(&str) -> Option<String>,
}

/// Pairs `events` (in file order) into sessions. `max_minutes` is at least
/// 0; `pc_name` names the PC of a machine as written (empty for Event
/// Viewer's CSV).
pub(super) fn pair(mut events: Vec<Event>, max_minutes: i64, pc_name: &dyn Fn(&str) -> Option<String>) -> Paired {
    // Both exports list the newest event first unless told otherwise; events
    // of one second keep their order of happening either way.
    if events.first().map(|e| e.at) > events.last().map(|e| e.at) {
        events.reverse();
    }
    events.sort_by_key(|e| e.at);
    let mut out = Out {
        rows: Vec::new(),
        notices: Vec::new(),
        max_minutes,
        pc_name,
    };
    let mut machines: HashMap<String, HashMap<String, Account>> = HashMap::new();
    for event in events {
        let machine = event.machine.to_lowercase();
        match event.what {
            What::Startup | What::Shutdown => {
                let Some(accounts) = machines.get_mut(&machine) else {
                    continue;
                };
                for account in accounts.values_mut() {
                    if let Some(open) = account.open.take() {
                        account.logged_off.extend(open.ids.iter().cloned());
                        if event.what == What::Shutdown {
                            out.session(open, event.at);
                        } else {
                            out.supplied(open, Supplied::Startup(event.at));
                        }
                    }
                }
            }
            What::Logon | What::Unlock => {
                let account = machines
                    .entry(machine)
                    .or_default()
                    .entry(event.account.to_lowercase())
                    .or_default();
                let mut ids: Vec<String> = event.logon_id.into_iter().collect();
                if let Some(open) = &mut account.open {
                    if (event.at - open.start).num_seconds() <= SAME_START_SECONDS {
                        open.ids.append(&mut ids);
                        continue;
                    }
                }
                if let Some(open) = account.open.take() {
                    out.supplied(open, Supplied::NextStart(event.at));
                }
                if event.what == What::Unlock {
                    ids.append(&mut account.locked_ids);
                } else {
                    account.locked_ids.clear();
                }
                // A Logon ID in use again is no longer logged off.
                for id in &ids {
                    account.logged_off.remove(id);
                }
                account.started = true;
                account.open = Some(Open {
                    start: event.at,
                    line: event.line,
                    account: event.account,
                    machine: event.machine,
                    ids,
                });
            }
            What::Logoff | What::Lock => {
                let account = machines
                    .entry(machine)
                    .or_default()
                    .entry(event.account.to_lowercase())
                    .or_default();
                let logoff = event.what == What::Logoff;
                if logoff
                    && event
                        .logon_id
                        .as_ref()
                        .is_some_and(|id| account.logged_off.contains(id))
                {
                    continue;
                }
                match account.open.take() {
                    Some(open) => {
                        if logoff {
                            account.logged_off.extend(open.ids.iter().cloned());
                        } else {
                            account.locked_ids = open.ids.clone();
                        }
                        out.session(open, event.at);
                    }
                    None if !account.started => out.orphan(&event),
                    None => {}
                }
                if logoff {
                    account.logged_off.extend(event.logon_id);
                }
            }
        }
    }
    for accounts in machines.into_values() {
        for account in accounts.into_values() {
            if let Some(open) = account.open {
                out.supplied(open, Supplied::Limit);
            }
        }
    }
    out.rows.sort_by_key(|r| (r.line, r.value.logon));
    out.notices.sort_by_key(|n| n.line);
    Paired {
        rows: out.rows,
        notices: out.notices,
    }
}

impl Out<'_> {
    /// Keeps a session unless it has no length.
    fn session(&mut self, open: Open, end: NaiveDateTime) -> bool {
        if end <= open.start {
            return false;
        }
        self.rows.push(Lined {
            line: open.line,
            value: PcRecord {
                pc_name: (self.pc_name)(&open.machine),
                account: open.account,
                logon: open.start,
                logoff: end,
            },
        });
        true
    }

    /// Closes a session that has no end event, at the first of `bound` and
    /// the limit, and flags it.
    fn supplied(&mut self, open: Open, bound: Supplied) {
        let limit = TimeDelta::try_minutes(self.max_minutes).and_then(|d| open.start.checked_add_signed(d));
        let (end, how) = match (bound, limit) {
            (Supplied::NextStart(t), Some(l)) if t <= l => (t, Supplied::NextStart(t)),
            (Supplied::Startup(t), Some(l)) if t <= l => (t, Supplied::Startup(t)),
            (_, Some(l)) => (l, Supplied::Limit),
            (Supplied::NextStart(t), None) => (t, Supplied::NextStart(t)),
            (Supplied::Startup(t), None) => (t, Supplied::Startup(t)),
            (Supplied::Limit, None) => return,
        };
        let (line, account, start) = (open.line, open.account.clone(), open.start);
        if !self.session(open, end) {
            return;
        }
        let max = self.max_minutes;
        let reason = match how {
            Supplied::NextStart(t) => format!(
                "{account} の {start} からのセッションに終了（ログオフ・ロック・シャットダウン）の記録がないため、次のログオンまたはロック解除（{t}）で終了としました / no logoff, lock or shutdown after this logon or unlock: the session was closed at the next logon or unlock ({t})"
            ),
            Supplied::Startup(t) => format!(
                "{account} の {start} からのセッションに終了（ログオフ・ロック・シャットダウン）の記録がないため、PCの次の起動（{t}）で終了としました / no logoff, lock or shutdown after this logon or unlock: the session was closed at the next startup of the PC ({t})"
            ),
            Supplied::Limit => format!(
                "{account} の {start} からのセッションに終了（ログオフ・ロック・シャットダウン）の記録がないため、{max}分後（{end}）で終了としました / no logoff, lock or shutdown after this logon or unlock: the session was closed after {max} minutes ({end})"
            ),
        };
        self.notices.push(RowError {
            line,
            column: None,
            reason,
        });
    }

    /// Counts an end that no logon or unlock before it in the file explains.
    fn orphan(&mut self, event: &Event) {
        let (ja, en) = match event.what {
            What::Lock => ("ロック", "lock"),
            _ => ("ログオフ", "logoff"),
        };
        self.notices.push(RowError {
            line: event.line,
            column: None,
            reason: format!(
                "{} の{ja}（{}）より前に、そのログオンまたはロック解除の記録がファイルにないため、無視しました / a {en} with no logon or unlock before it in the file was ignored ({})",
                event.account, event.at, event.at
            ),
        });
    }
}
