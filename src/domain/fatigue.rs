//! The fatigue self-check for workers (労働者の疲労蓄積度自己診断チェックリスト,
//! MHLW / JISHA 2004 edition: 13 symptoms and 7 work items) and its
//! scoring, which gives the 自覚症状 grade I–IV and the 0–7 burden score
//! (仕事による負担度) that the A-level exception reads (rules §8).

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

/// 自覚症状: I 0–4, II 5–10, III 11–20, IV 21 points or more.
pub fn symptom_grade(points: u32) -> Symptom {
    match points {
        0..=4 => Symptom::I,
        5..=10 => Symptom::II,
        11..=20 => Symptom::III,
        _ => Symptom::IV,
    }
}

/// 勤務の状況: A 0, B 1–2, C 3–5, D 6 points or more (as 0–3).
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

/// The grade and score of a filled-in checklist (points per item).
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
        for (_, _, answers) in WORK {
            assert!(answers.iter().all(|(p, _, _)| [0, 1, 3].contains(p)));
        }
    }
}
