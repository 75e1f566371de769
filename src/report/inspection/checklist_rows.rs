//! The checklist 「病院立入検査重点項目」 (rules §12) as printed: its items
//! in the prefecture's order and words, each with a mark, what to write in
//! the form and what in kinmu's records shows it.

use super::checklist::{Checklist, PhysicianLine};
use super::dates::{date_both, fiscal_year_ja, month_ja};
use crate::domain::interview::{years_after, MeasureTaken, WORK_RECORD_YEARS};
use chrono::NaiveDateTime;

/// One line of the printed checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistRow {
    /// The checklist's numbering: `1.(1)`.
    pub number: &'static str,
    /// The item in the checklist's words.
    pub item: String,
    /// ☑ done, □ not shown by the data, — not applicable / a figure.
    pub mark: &'static str,
    /// What to write in the form.
    pub answer: String,
    /// What in kinmu's records shows it.
    pub basis: String,
}

pub const CHECKED: &str = "☑";
pub const UNCHECKED: &str = "□";
pub const NOT_APPLICABLE: &str = "—";

fn mark(ok: bool) -> &'static str {
    if ok {
        CHECKED
    } else {
        UNCHECKED
    }
}

fn opt_time(t: Option<NaiveDateTime>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "なし".into())
}

impl Checklist {
    /// Whether any doctor was expected at ≥ 100 h in April–June (if none,
    /// the checklist says sections 2. onwards need not be checked).
    pub fn anyone_expected(&self) -> bool {
        self.expected_100
            .iter()
            .any(|e| e.doctors.unwrap_or(0) > 0 || e.interviews_opened > 0)
            || self.interviews.total > 0
    }

    /// The checklist's items in its order, each filled from the data.
    pub fn rows(&self) -> Vec<ChecklistRow> {
        let mut rows = Vec::new();
        let mut push = |number: &'static str, item: &str, mark: &'static str, answer: String, basis: String| {
            rows.push(ChecklistRow {
                number,
                item: item.to_string(),
                mark,
                answer,
                basis,
            })
        };
        let fy = fiscal_year_ja(self.fiscal_year);
        let who = if self.whole_hospital {
            format!("全医師 {} 人", self.doctors)
        } else {
            format!("担当医師 {} 人", self.doctors)
        };

        // 1.(1)
        let recorded = self.timecard_rows > 0 || self.pc_sessions > 0;
        push(
            "1.(1)",
            "医師の労働時間の把握（医療法施行規則第61条第1項）: 下記のいずれかの方法で医師の労働時間を把握している",
            mark(recorded),
            String::new(),
            format!("{fy}の記録（{who}）"),
        );
        push(
            "1.(1)",
            "タイムカード",
            mark(self.timecard_rows > 0),
            format!("{fy}の打刻記録 {} 件", self.timecard_rows),
            format!("勤怠データの最終取込: {}", opt_time(self.last_timecard_import)),
        );
        push(
            "1.(1)",
            "パーソナルコンピュータ等の使用時間の記録",
            mark(self.pc_sessions > 0),
            format!("{fy}のPCログオン・ログオフ記録 {} 件", self.pc_sessions),
            format!(
                "PCログの最終取込: {}（打刻との乖離は日ごとに確認）",
                opt_time(self.last_pclog_import)
            ),
        );
        push(
            "1.(1)",
            "その他（　）",
            NOT_APPLICABLE,
            String::new(),
            "kinmu はタイムカードとPCログのみを記録します".into(),
        );

        // 1.(2)
        push(
            "1.(2)",
            "労働時間の状況の記録（医療法施行規則第61条第2項）: 労働時間記録を作成している（大学病院等の派遣医師を含む）",
            mark(self.timecard_rows > 0),
            format!("医師ごと・月ごとの労働時間記録を作成（(イ)）: {who}"),
            "派遣医師を含むかは医師名簿への登録による（kinmu は派遣の別を記録していません）".into(),
        );
        let required_from = years_after(self.today, -WORK_RECORD_YEARS);
        let (kept, kept_answer) = match self.oldest_record {
            Some(d) if d <= required_from => (true, format!("{} 以降の記録を保管（3年以上）", date_both(d))),
            Some(d) => (true, format!("{} 以降の記録を保管中（3年保管予定）", date_both(d))),
            None => (false, "記録なし".into()),
        };
        push(
            "1.(2)",
            "作成した記録は3年保管している（※保管予定含む）",
            mark(kept),
            kept_answer,
            format!(
                "kinmu は勤務記録を削除せず、修正は新しい版として残します（旧版も保管）。3年前: {}",
                date_both(required_from)
            ),
        );

        // 1.(3)
        let checked: Vec<String> = self
            .monthly_checks
            .iter()
            .map(|(m, d)| match d {
                Some(d) => format!("{}: {} 確認", month_ja(*m), d.format("%Y-%m-%d")),
                None => format!("{}: 未実施", month_ja(*m)),
            })
            .collect();
        let all_checked = !self.monthly_checks.is_empty() && self.monthly_checks.iter().all(|(_, d)| d.is_some());
        push(
            "1.(3)",
            "労働時間、面接指導及び労働時間短縮などの措置の対象医師（規則第61条第1項・第3項、第62条第1項）: 労働時間記録で措置の対象となる医師を毎月定期的に確認している",
            if self.monthly_checks.is_empty() {
                NOT_APPLICABLE
            } else {
                mark(all_checked)
            },
            if checked.is_empty() {
                "締まった月はまだありません".into()
            } else {
                checked.join("、")
            },
            format!("月次確認（毎月1日に前月を確認）。日次の確認 {} 回", self.daily_runs),
        );

        // 1.(4): the counts frozen by each month's first monthly check
        // (rules §19), with today's count and the late doctors beside it
        // when they differ; before the check, the live count.
        let counts: Vec<String> = self
            .expected_100
            .iter()
            .map(|e| match (&e.frozen, e.doctors) {
                (Some(f), _) if f.now != f.count || !f.late.is_empty() => {
                    let late = if f.late.is_empty() {
                        String::new()
                    } else {
                        format!("、確定後に到達: {}", f.late.join("・"))
                    };
                    format!("{} {} 人（現在 {} 人{late}）", month_ja(e.month), f.count, f.now)
                }
                (Some(f), _) => format!("{} {} 人", month_ja(e.month), f.count),
                (None, Some(n)) => format!("{} {} 人", month_ja(e.month), n),
                (None, None) => format!("{} （未到来）", month_ja(e.month)),
            })
            .collect();
        let basis: Vec<String> = self
            .expected_100
            .iter()
            .map(|e| {
                let at = match (&e.frozen, e.as_of) {
                    (Some(f), _) => format!("{} の月次確認で確定", f.frozen_at.format("%Y-%m-%d %H:%M")),
                    (None, Some(t)) => format!("{}時点（月次確認前）", t.format("%Y-%m-%d")),
                    (None, None) => "—".into(),
                };
                format!(
                    "{}: {at}、月中に見込みとなり面接指導を設定 {} 人",
                    month_ja(e.month),
                    e.interviews_opened
                )
            })
            .collect();
        push(
            "1.(4)",
            "時間外・休日労働が1月に100時間以上と見込まれる医師数",
            NOT_APPLICABLE,
            counts.join("、"),
            format!(
                "各月の最初の月次確認で確定した人数（日次の確認で面接指導を設定した医師と、月末時点の実績が100時間以上の医師）。確定後に遅れて届いたデータで変わったときは現在の人数と該当医師を併記。月次確認前の月は各月末時点（当月は本日時点）の実績または月末見込みが100時間以上の医師。{}",
                basis.join("。")
            ),
        );

        let i = &self.interviews;
        let needed = self.anyone_expected();
        let of_total = |n: usize, total: usize, what: &str| format!("{what} {n} / {total} 件");
        // 2.
        push(
            "2.",
            "面接指導の実施方法等: 時間外・休日労働時間が1箇月について100時間に達するまでの間に面接指導を行っている",
            if needed {
                mark(i.total > 0 && i.held_in_time == i.total)
            } else {
                NOT_APPLICABLE
            },
            format!(
                "{fy}の面接指導 {} 件: 期限内に実施 {} 件、実施 {} 件、期限超過 {} 件",
                i.total, i.held_in_time, i.held, i.overdue
            ),
            if needed {
                "期限は100時間到達日の前日（A水準で事前確認に疲労等の所見がない場合は到達後遅滞なく）".into()
            } else {
                "100時間以上と見込まれる医師がいないため、2.以下の確認は不要です".into()
            },
        );
        // 2.(1)
        let pre_items = [
            "ア 面接指導対象医師の勤務の状況",
            "イ 面接指導対象医師の睡眠の状況",
            "ウ 面接指導対象医師の疲労の蓄積の状況",
            "エ 面接指導対象医師の心身の状況",
            "オ 面接指導対象医師の面接指導を受ける意思の有無",
        ];
        push(
            "2.(1)",
            "管理者は、面接指導実施医師に対して、以下の項目を確認している（医療法施行規則第63条）",
            NOT_APPLICABLE,
            of_total(i.with_precheck, i.total, "事前確認の記録"),
            "所属長の事前確認（勤務の状況・睡眠・疲労蓄積度チェックリスト・心身の状況・面接指導の希望）".into(),
        );
        for (item, n) in pre_items.iter().zip(i.precheck_items) {
            push(
                "2.(1)",
                item,
                if i.total == 0 {
                    NOT_APPLICABLE
                } else {
                    mark(n == i.total)
                },
                of_total(n, i.total, "記録"),
                String::new(),
            );
        }
        // 2.(2)
        let check_items = [
            "ア 面接指導対象医師の勤務の状況",
            "イ 面接指導対象医師の睡眠の状況",
            "ウ 面接指導対象医師の疲労の蓄積の状況",
            "エ その他面接指導対象医師の心身の状況",
        ];
        push(
            "2.(2)",
            "面接指導実施医師は、面接指導対象医師に対して、以下の項目を確認し、記録を保管している（医療法施行規則第64条、第71条）",
            NOT_APPLICABLE,
            of_total(i.held, i.total, "面接指導の実施"),
            format!("意見の記録 {} / {} 件", i.opinions, i.held),
        );
        for (item, n) in check_items.iter().zip(i.checks) {
            push(
                "2.(2)",
                item,
                if i.held == 0 { NOT_APPLICABLE } else { mark(n == i.held) },
                of_total(n, i.held, "記録"),
                String::new(),
            );
        }
        push(
            "2.(2)",
            "ア～エの面接指導した記録は、5年間保管している（※保管予定含む）",
            if i.held == 0 {
                NOT_APPLICABLE
            } else {
                mark(i.kept_5_years == i.held)
            },
            of_total(i.kept_5_years, i.held, "実施日から5年の保管期限を記録"),
            "kinmu は面接指導の記録を書き換えず、保管期限まで保管します".into(),
        );
        push(
            "2.(2)",
            "面接指導年月日（直近の実施年月日）",
            NOT_APPLICABLE,
            i.latest_held.map(date_both).unwrap_or_else(|| "実施なし".into()),
            String::new(),
        );
        // 2.(3)
        let working: Vec<&PhysicianLine> = self.physicians.iter().filter(|p| p.interviews > 0).collect();
        let shown: Vec<&PhysicianLine> = if working.is_empty() {
            self.physicians.iter().collect()
        } else {
            working
        };
        let trained = !shown.is_empty() && shown.iter().all(|p| p.trained_on.is_some_and(|d| d <= self.today));
        let names: Vec<String> = shown
            .iter()
            .map(|p| {
                let on = p.trained_on.map(date_both).unwrap_or_else(|| "受講日の登録なし".into());
                format!("{}: {on}、面接指導 {} 件", p.name, p.interviews)
            })
            .collect();
        push(
            "2.(3)",
            "面接指導実施医師は、医師の健康管理を行うのに必要な知識を習得させるための講習（面接指導実施医師養成講習会）を受講している（医療法施行規則第64条）: 受講済み（受講年月日）",
            mark(trained),
            if names.is_empty() {
                "面接指導実施医師の登録なし".into()
            } else {
                names.join("\n")
            },
            "受講日は利用者登録（trained_on）による。受講前の医師・管理者には面接指導を割り当てません".into(),
        );
        // 3.(1)
        let m = &self.measures;
        push(
            "3.(1)",
            "管理者は、面接指導実施医師の意見を勘案し、その必要があると認めるときは、面接指導対象医師の実情を考慮し必要な措置を講じている（医療法施行規則第69条第1項、第71条）",
            NOT_APPLICABLE,
            of_total(m.recorded, m.total, "措置の記録"),
            "面接指導の後、所属長が講じた措置を記録".into(),
        );
        push(
            "3.(1)",
            MeasureTaken::ShorterHours.label().ja,
            mark(m.shorter_hours > 0),
            format!("{} 件", m.shorter_hours),
            String::new(),
        );
        push(
            "3.(1)",
            MeasureTaken::FewerNightDuties.label().ja,
            mark(m.fewer_night_duties > 0),
            format!("{} 件", m.fewer_night_duties),
            String::new(),
        );
        push(
            "3.(1)",
            "その他適切な措置（　）",
            mark(m.other > 0),
            if m.other_texts.is_empty() {
                format!("{} 件", m.other)
            } else {
                format!("{} 件: {}", m.other, m.other_texts.join("、"))
            },
            String::new(),
        );
        push(
            "3.(1)",
            "必要な措置の記録を5年間保管している（※保管予定含む）",
            if m.recorded == 0 {
                NOT_APPLICABLE
            } else {
                mark(m.kept_5_years == m.recorded)
            },
            of_total(m.kept_5_years, m.recorded, "5年の保管期限を記録"),
            if m.total > m.recorded {
                format!("未記録の措置 {} 件", m.total - m.recorded)
            } else {
                String::new()
            },
        );
        // 4.(1)
        let o = &self.over_155;
        let mut taken = Vec::new();
        if o.shorter_hours > 0 {
            taken.push(format!(
                "{} {} 件",
                MeasureTaken::ShorterHours.label().ja,
                o.shorter_hours
            ));
        }
        if o.fewer_night_duties > 0 {
            taken.push(format!(
                "{} {} 件",
                MeasureTaken::FewerNightDuties.label().ja,
                o.fewer_night_duties
            ));
        }
        if o.other > 0 {
            taken.push(format!("その他 {} 件（{}）", o.other, o.other_texts.join("、")));
        }
        push(
            "4.(1)",
            "労働時間が特に長時間である医師に講ずべき措置: 面接指導対象医師の労働時間が155時間/月を超える場合、労働時間短縮のための必要な措置を講じ、記録を保管している（医療法施行規則第70条第1項、第71条）",
            NOT_APPLICABLE,
            of_total(o.recorded, o.total, "155時間超の措置の記録"),
            "155時間超（実績または見込み）で措置の記録を開始。労働時間を短縮する措置が必須".into(),
        );
        push(
            "4.(1)",
            "必要な措置（　）",
            if o.total == 0 {
                NOT_APPLICABLE
            } else {
                mark(o.recorded == o.total)
            },
            if o.total == 0 {
                "155時間を超えた医師なし".into()
            } else if taken.is_empty() {
                "未記録".into()
            } else {
                taken.join("、")
            },
            String::new(),
        );
        push(
            "4.(1)",
            "記録を5年間保管している（※保管予定含む）",
            if o.recorded == 0 {
                NOT_APPLICABLE
            } else {
                mark(o.kept_5_years == o.recorded)
            },
            of_total(o.kept_5_years, o.recorded, "5年の保管期限を記録"),
            String::new(),
        );
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::super::checklist::{InterviewCounts, MeasureCounts};
    use super::*;
    use crate::domain::time::YearMonth;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
    }

    fn empty_checklist() -> Checklist {
        Checklist {
            fiscal_year: 2024,
            today: d("2024-07-22"),
            whole_hospital: true,
            doctors: 0,
            timecard_rows: 0,
            pc_sessions: 0,
            last_timecard_import: None,
            last_pclog_import: None,
            oldest_record: None,
            monthly_checks: vec![],
            daily_runs: 0,
            expected_100: vec![],
            interviews: InterviewCounts::default(),
            physicians: vec![],
            measures: MeasureCounts::default(),
            over_155: MeasureCounts::default(),
        }
    }

    #[test]
    fn the_checklist_follows_the_prefectures_order_and_leaves_unshown_items_unchecked() {
        let mut c = empty_checklist();
        let numbers: Vec<&str> = c.rows().iter().map(|r| r.number).collect();
        let mut order = numbers.clone();
        order.dedup();
        assert_eq!(
            order,
            vec!["1.(1)", "1.(2)", "1.(3)", "1.(4)", "2.", "2.(1)", "2.(2)", "2.(3)", "3.(1)", "4.(1)"]
        );
        assert!(
            c.rows().iter().all(|r| r.mark != CHECKED),
            "nothing recorded, nothing ticked"
        );
        let section_2 = c.rows().into_iter().find(|r| r.number == "2.").unwrap();
        assert!(section_2.basis.contains("2.以下の確認は不要"), "{section_2:?}");

        c.timecard_rows = 120;
        c.oldest_record = Some(d("2024-04-01"));
        c.monthly_checks = vec![(ym("2024-04"), Some(d("2024-05-01"))), (ym("2024-05"), None)];
        c.interviews = InterviewCounts {
            total: 2,
            held: 2,
            held_in_time: 2,
            checks: [2, 2, 2, 1],
            kept_5_years: 2,
            latest_held: Some(d("2024-06-20")),
            ..InterviewCounts::default()
        };
        let rows = c.rows();
        let row = |item: &str| rows.iter().find(|r| r.item.starts_with(item)).unwrap();
        assert_eq!(row("タイムカード").mark, CHECKED);
        assert_eq!(row("パーソナルコンピュータ").mark, UNCHECKED);
        assert_eq!(row("作成した記録は3年保管").mark, CHECKED);
        assert!(row("作成した記録は3年保管")
            .answer
            .contains("令和6年4月1日（2024-04-01）"));
        let monthly = rows.iter().find(|r| r.number == "1.(3)").unwrap();
        assert_eq!(monthly.mark, UNCHECKED, "May was not checked");
        assert!(monthly.answer.contains("令和6年5月: 未実施"));
        let checks: Vec<&ChecklistRow> = rows.iter().filter(|r| r.number == "2.(2)").collect();
        assert_eq!(checks[1].mark, CHECKED);
        assert_eq!(checks[4].mark, UNCHECKED, "one interview lacks エ");
        assert!(row("面接指導年月日").answer.starts_with("令和6年6月20日"));
    }

    #[test]
    fn fz_1_the_frozen_count_is_shown_with_todays_count_and_the_late_doctor_beside_it() {
        use super::super::checklist::{ExpectedCount, FrozenCount};
        let frozen_at = d("2024-07-01").and_hms_opt(5, 30, 0).unwrap();
        let mut c = empty_checklist();
        c.expected_100 = vec![
            ExpectedCount {
                month: ym("2024-04"),
                as_of: Some(d("2024-04-30")),
                doctors: Some(3),
                interviews_opened: 0,
                frozen: None,
            },
            ExpectedCount {
                month: ym("2024-05"),
                as_of: Some(d("2024-05-31")),
                doctors: Some(4),
                interviews_opened: 1,
                frozen: Some(FrozenCount {
                    count: 2,
                    frozen_at,
                    now: 2,
                    late: vec![],
                }),
            },
            ExpectedCount {
                month: ym("2024-06"),
                as_of: Some(d("2024-06-30")),
                doctors: Some(2),
                interviews_opened: 1,
                frozen: Some(FrozenCount {
                    count: 1,
                    frozen_at,
                    now: 2,
                    late: vec!["馬場 二郎（B）".into()],
                }),
            },
        ];
        let rows = c.rows();
        let row = rows.iter().find(|r| r.number == "1.(4)").unwrap();
        assert_eq!(
            row.answer,
            "令和6年4月 3 人、令和6年5月 2 人、令和6年6月 1 人（現在 2 人、確定後に到達: 馬場 二郎（B））"
        );
        assert!(
            row.basis.contains("令和6年6月: 2024-07-01 05:30 の月次確認で確定"),
            "{}",
            row.basis
        );
        assert!(
            row.basis.contains("令和6年4月: 2024-04-30時点（月次確認前）"),
            "{}",
            row.basis
        );
    }
}
