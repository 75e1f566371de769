//! The fatigue self-check for workers (労働者の疲労蓄積度自己診断チェックリスト)
//! and its scoring, which gives the 自覚症状 grade I–IV and the 0–7 burden
//! score (仕事による負担度) that the A-level exception reads (rules §8).
//!
//! Two editions ([`Checklist`]): the 2023 revision (2023年改正版, JISHA,
//! notified by MHLW in April 2023: 14 symptoms with 食欲, 13 work items with
//! 人間関係, 睡眠 and 勤務間インターバル, new grade boundaries) is the one
//! asked now ([`CURRENT`]); the 2004 edition (13 symptoms, 7 work items) is
//! kept to read the answers stored with it. Each answer stores its edition.

use super::interview::Symptom;

/// An answer: its points and its labels.
pub type Answer = (u32, &'static str, &'static str);

/// Symptoms of the last month: ほとんどない 0, 時々ある 1, よくある 3.
pub const SYMPTOM_ANSWERS: &[Answer] = &[
    (0, "ほとんどない", "rarely"),
    (1, "時々ある", "sometimes"),
    (3, "よくある", "often"),
];

pub const SYMPTOMS: [(&str, &str); 13] = [
    ("イライラする", "I am irritable"),
    ("不安だ", "I feel anxious"),
    ("落ち着かない", "I feel restless"),
    ("ゆううつだ", "I feel depressed"),
    ("よく眠れない", "I cannot sleep well"),
    ("体の調子が悪い", "I feel physically unwell"),
    ("物事に集中できない", "I cannot concentrate"),
    ("することに間違いが多い", "I make many mistakes"),
    ("仕事中、強い眠気に襲われる", "I am overcome by sleepiness at work"),
    ("やる気が出ない", "I lack motivation"),
    ("へとへとだ（運動後を除く）", "I am exhausted (not after exercise)"),
    (
        "朝、起きた時、ぐったりした疲れを感じる",
        "I feel worn out when I get up in the morning",
    ),
    ("以前とくらべて、疲れやすい", "I tire more easily than before"),
];

/// The work of the last month, each item with its own answers.
pub const WORK: [(&str, &str, &[Answer]); 7] = [
    (
        "1か月の時間外労働",
        "Overtime in the month",
        &[
            (0, "ない又は適当", "none or reasonable"),
            (1, "多い", "much"),
            (3, "非常に多い", "very much"),
        ],
    ),
    (
        "不規則な勤務（予定の変更、突然の仕事）",
        "Irregular work (changed plans, sudden work)",
        &[(0, "少ない", "little"), (1, "多い", "much")],
    ),
    (
        "出張に伴う負担（頻度・拘束時間・時差など）",
        "Burden of business travel (frequency, hours, time difference)",
        &[(0, "ない又は小さい", "none or small"), (1, "大きい", "large")],
    ),
    (
        "深夜勤務に伴う負担",
        "Burden of night work",
        &[
            (0, "ない又は小さい", "none or small"),
            (1, "大きい", "large"),
            (3, "非常に大きい", "very large"),
        ],
    ),
    (
        "休憩・仮眠の時間数及び施設",
        "Breaks and naps: time and facilities",
        &[(0, "適切である", "adequate"), (1, "不適切である", "inadequate")],
    ),
    (
        "仕事についての精神的負担",
        "Mental burden of the work",
        &[
            (0, "小さい", "small"),
            (1, "大きい", "large"),
            (3, "非常に大きい", "very large"),
        ],
    ),
    (
        "仕事についての身体的負担",
        "Physical burden of the work",
        &[
            (0, "小さい", "small"),
            (1, "大きい", "large"),
            (3, "非常に大きい", "very large"),
        ],
    ),
];

/// The 2023 revision's symptoms: the 2004 ones and 食欲.
pub const SYMPTOMS_2023: [(&str, &str); 14] = [
    ("イライラする", "I am irritable"),
    ("不安だ", "I feel anxious"),
    ("落ち着かない", "I feel restless"),
    ("ゆううつだ", "I feel depressed"),
    ("よく眠れない", "I cannot sleep well"),
    ("体の調子が悪い", "I feel physically unwell"),
    ("物事に集中できない", "I cannot concentrate"),
    ("することに間違いが多い", "I make many mistakes"),
    ("仕事中、強い眠気に襲われる", "I am overcome by sleepiness at work"),
    ("やる気が出ない", "I lack motivation"),
    ("へとへとだ（運動後を除く）", "I am exhausted (not after exercise)"),
    (
        "朝、起きた時、ぐったりした疲れを感じる",
        "I feel worn out when I get up in the morning",
    ),
    ("以前とくらべて、疲れやすい", "I tire more easily than before"),
    ("食欲がないと感じる", "I have no appetite"),
];

const MUCH: &[Answer] = &[
    (0, "少ない", "little"),
    (1, "多い", "much"),
    (3, "非常に多い", "very much"),
];
const LARGE: &[Answer] = &[
    (0, "小さい", "small"),
    (1, "大きい", "large"),
    (3, "非常に大きい", "very large"),
];
const ENOUGH: &[Answer] = &[
    (0, "十分", "enough"),
    (1, "やや足りない", "somewhat short"),
    (3, "足りない", "short"),
];

/// The 2023 revision's work items.
pub const WORK_2023: [(&str, &str, &[Answer]); 13] = [
    (
        "1か月の労働時間（時間外・休日労働時間を含む）",
        "Working hours in the month (overtime and holiday work included)",
        &[
            (0, "適当", "reasonable"),
            (1, "多い", "much"),
            (3, "非常に多い", "very much"),
        ],
    ),
    (
        "不規則な勤務（予定の変更、突然の仕事）",
        "Irregular work (changed plans, sudden work)",
        &[(0, "少ない", "little"), (1, "多い", "much")],
    ),
    (
        "出張に伴う負担（頻度・拘束時間・時差など）",
        "Burden of business travel (frequency, hours, time difference)",
        &[(0, "ない又は小さい", "none or small"), (1, "大きい", "large")],
    ),
    (
        "深夜勤務に伴う負担",
        "Burden of night work",
        &[
            (0, "ない又は小さい", "none or small"),
            (1, "大きい", "large"),
            (3, "非常に大きい", "very large"),
        ],
    ),
    (
        "休憩・仮眠の時間数及び施設",
        "Breaks and naps: time and facilities",
        &[(0, "適切である", "adequate"), (1, "不適切である", "inadequate")],
    ),
    ("仕事についての身体的負担", "Physical burden of the work", LARGE),
    ("仕事についての精神的負担", "Mental burden of the work", LARGE),
    (
        "職場・顧客等の人間関係による負担",
        "Burden of relations at work and with clients",
        LARGE,
    ),
    ("時間内に処理しきれない仕事", "Work that cannot be done in time", MUCH),
    ("自分のペースでできない仕事", "Work not at one's own pace", MUCH),
    (
        "勤務時間外でも仕事のことが気にかかって仕方ない",
        "Work on one's mind outside working hours",
        SYMPTOM_ANSWERS,
    ),
    ("勤務日の睡眠時間", "Sleep on working days", ENOUGH),
    (
        "終業時刻から次の始業時刻の間にある休息時間",
        "Rest between the end of work and the next start",
        ENOUGH,
    ),
];

/// One edition of the checklist: its items and where its grades change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checklist {
    /// The edition stored with each answer: `2023` or `2004`.
    pub version: &'static str,
    pub symptoms: &'static [(&'static str, &'static str)],
    pub work: &'static [(&'static str, &'static str, &'static [Answer])],
    /// The highest points of 自覚症状 I, II and III (IV above).
    symptom_tops: [u32; 3],
    /// The highest points of 勤務の状況 A, B and C (D above).
    work_tops: [u32; 3],
}

/// The 2004 edition: 自覚症状 I 0–4, II 5–10, III 11–20, IV 21+; 勤務の状況
/// A 0, B 1–2, C 3–5, D 6+.
pub const V2004: Checklist = Checklist {
    version: "2004",
    symptoms: &SYMPTOMS,
    work: &WORK,
    symptom_tops: [4, 10, 20],
    work_tops: [0, 2, 5],
};

/// The 2023 revision: 自覚症状 I 0–2, II 3–7, III 8–14, IV 15+; 勤務の状況
/// A 0, B 1–5, C 6–11, D 12+. The 負担度 table is the 2004 one.
pub const V2023: Checklist = Checklist {
    version: "2023",
    symptoms: &SYMPTOMS_2023,
    work: &WORK_2023,
    symptom_tops: [2, 7, 14],
    work_tops: [0, 5, 11],
};

/// The edition asked now.
pub const CURRENT: Checklist = V2023;

impl Checklist {
    /// The edition of a stored code (answers stored before editions were
    /// recorded are 2004's).
    pub fn of(version: &str) -> Option<Checklist> {
        [V2023, V2004].into_iter().find(|c| c.version == version)
    }

    /// The number of items.
    pub fn items(&self) -> usize {
        self.symptoms.len() + self.work.len()
    }

    pub fn symptom_grade(&self, points: u32) -> Symptom {
        let [i, ii, iii] = self.symptom_tops;
        match points {
            p if p <= i => Symptom::I,
            p if p <= ii => Symptom::II,
            p if p <= iii => Symptom::III,
            _ => Symptom::IV,
        }
    }

    /// 勤務の状況 A–D as 0–3.
    pub fn work_grade(&self, points: u32) -> usize {
        self.work_tops.iter().position(|top| points <= *top).unwrap_or(3)
    }

    /// The grade and score of a filled-in checklist (points per item).
    pub fn evaluate(&self, symptoms: &[u32], work: &[u32]) -> (Symptom, i64) {
        let grade = self.symptom_grade(symptoms.iter().sum());
        (grade, burden(grade, self.work_grade(work.iter().sum())))
    }
}

/// 疲労蓄積度 in words (the checklist's 判定): 0–1 低い, 2–3 やや高い, 4–5
/// 高い, 6–7 非常に高い.
pub fn judgement(score: i64) -> super::text::Label {
    use super::text::Label;
    match score {
        ..=1 => Label::new("低いと考えられる", "probably low"),
        2..=3 => Label::new("やや高いと考えられる", "probably somewhat high"),
        4..=5 => Label::new("高いと考えられる", "probably high"),
        _ => Label::new("非常に高いと考えられる", "probably very high"),
    }
}

/// 自覚症状: I 0–4, II 5–10, III 11–20, IV 21 points or more (2004).
pub fn symptom_grade(points: u32) -> Symptom {
    match points {
        0..=4 => Symptom::I,
        5..=10 => Symptom::II,
        11..=20 => Symptom::III,
        _ => Symptom::IV,
    }
}

/// 勤務の状況: A 0, B 1–2, C 3–5, D 6 points or more (as 0–3; 2004).
pub fn work_grade(points: u32) -> usize {
    match points {
        0 => 0,
        1..=2 => 1,
        3..=5 => 2,
        _ => 3,
    }
}

/// 仕事による負担度 by 自覚症状 (rows) and 勤務の状況 A–D (columns).
const BURDEN: [[i64; 4]; 4] = [[0, 0, 2, 4], [0, 1, 3, 5], [0, 2, 4, 6], [1, 3, 5, 7]];

pub fn burden(symptom: Symptom, work_grade: usize) -> i64 {
    let row = match symptom {
        Symptom::I => 0,
        Symptom::II => 1,
        Symptom::III => 2,
        Symptom::IV => 3,
    };
    BURDEN[row][work_grade.min(3)]
}

/// The grade and score of a filled-in 2004 checklist (points per item).
pub fn evaluate(symptoms: &[u32], work: &[u32]) -> (Symptom, i64) {
    let grade = symptom_grade(symptoms.iter().sum());
    (grade, burden(grade, work_grade(work.iter().sum())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grades_change_at_the_checklists_boundaries() {
        assert_eq!(symptom_grade(4), Symptom::I);
        assert_eq!(symptom_grade(5), Symptom::II);
        assert_eq!(symptom_grade(10), Symptom::II);
        assert_eq!(symptom_grade(11), Symptom::III);
        assert_eq!(symptom_grade(20), Symptom::III);
        assert_eq!(symptom_grade(21), Symptom::IV);
        assert_eq!([0, 1, 2, 3, 5, 6, 15].map(work_grade), [0, 1, 1, 2, 2, 3, 3]);
    }

    #[test]
    fn the_burden_score_reads_the_table() {
        assert_eq!(evaluate(&[0; 13], &[0; 7]), (Symptom::I, 0));
        assert_eq!(evaluate(&[3; 13], &[3, 1, 1, 3, 1, 3, 3]), (Symptom::IV, 7));
        // 自覚症状 IV with no work burden is 1; I with D is 4 (a risk factor).
        assert_eq!(
            evaluate(&[3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0], &[0; 7]),
            (Symptom::IV, 1)
        );
        assert_eq!(
            evaluate(&[1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], &[3, 3, 0, 0, 0, 0, 0]),
            (Symptom::I, 4)
        );
        assert_eq!(evaluate(&[1; 13], &[1, 1, 0, 0, 0, 0, 0]), (Symptom::III, 2));
        assert_eq!(
            evaluate(&[1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], &[3, 0, 0, 0, 0, 0, 0]),
            (Symptom::II, 3)
        );
    }

    #[test]
    fn every_answer_is_worth_0_1_or_3_points() {
        for (_, _, answers) in WORK.iter().chain(WORK_2023.iter()) {
            assert!(answers.iter().all(|(p, _, _)| [0, 1, 3].contains(p)));
        }
    }

    #[test]
    fn the_2004_edition_scores_as_before_and_the_2023_one_by_its_own_boundaries() {
        for p in 0..40 {
            assert_eq!(V2004.symptom_grade(p), symptom_grade(p), "{p}");
            assert_eq!(V2004.work_grade(p), work_grade(p), "{p}");
        }
        assert_eq!((V2004.items(), V2023.items()), (20, 27));
        assert_eq!(
            [2, 3, 7, 8, 14, 15].map(|p| V2023.symptom_grade(p)),
            [
                Symptom::I,
                Symptom::II,
                Symptom::II,
                Symptom::III,
                Symptom::III,
                Symptom::IV
            ]
        );
        assert_eq!([0, 1, 5, 6, 11, 12].map(|p| V2023.work_grade(p)), [0, 1, 1, 2, 2, 3]);
        // 14 symptoms at 1 (III), work 6 points (C): 4.
        let mut work = [0; 13];
        work[0] = 3;
        work[3] = 3;
        assert_eq!(V2023.evaluate(&[1; 14], &work), (Symptom::III, 4));
        assert_eq!(Checklist::of("2004"), Some(V2004));
        assert_eq!(CURRENT.version, "2023");
        assert_eq!(
            [1, 2, 3, 4, 5, 6].map(|s| judgement(s).ja),
            [
                "低いと考えられる",
                "やや高いと考えられる",
                "やや高いと考えられる",
                "高いと考えられる",
                "高いと考えられる",
                "非常に高いと考えられる"
            ]
        );
        assert_eq!(judgement(4).ja, "高いと考えられる");
    }
}
