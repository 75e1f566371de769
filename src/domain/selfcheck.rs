//! The doctor's fatigue self-check as typed (rules §8): the checklist's
//! answers or the results read off a paper checklist, the average sleep and
//! whether the doctor asks for an interview. The screen's form and any other
//! surface read it here, with the same messages (Japanese first, then
//! English); the manager's pre-check reads its sleep and wish the same way.

use super::fatigue;
use super::input::{parse_duration, DurationError};
use super::interview::Symptom;
use std::collections::HashMap;

/// Average sleep as typed: `6:30` (hours:minutes), `390` (minutes), also
/// in full-width digits or as `6時間30分` (domain::input::parse_duration,
/// with checked arithmetic). The range is the record's rule.
pub fn parse_sleep(s: &str) -> Result<i64, &'static str> {
    parse_duration(s).map_err(|e| match e {
        DurationError::Unreadable => SLEEP_FORMAT,
        DurationError::TooLarge => SLEEP_RANGE,
    })
}

/// The range of an average sleep (records::record_precheck's rule too).
pub const SLEEP_RANGE: &str =
    "平均睡眠時間は 0:00〜24:00 の範囲で入力してください / the average sleep must be 0:00–24:00";

pub const SLEEP_FORMAT: &str = "平均睡眠時間は「6:30」（時間:分）または「390」（分）の形で入力してください / \
                            enter the average sleep as hours:minutes (6:30) or minutes (390)";
pub const WISH_MISSING: &str =
    "本人の面接指導の希望（あり／なし）を選んでください / choose whether the doctor asks for an interview";

/// The form's answer to "does the doctor ask for an interview?": a radio
/// pair with no default, so that a forgotten answer is never read as "no"
/// (which could grant the A-level exception).
pub fn parse_wish(s: &str) -> Option<bool> {
    match s {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// What a self-check form records: the grade, the score and the checklist's
/// answers when it was filled in item by item.
#[derive(Debug)]
pub struct SelfCheckResult {
    pub symptom: Symptom,
    pub score: i64,
    pub answers: Option<String>,
    pub sleep: i64,
    pub wish: bool,
}

/// Reads the self-check form. Either every item of the checklist is
/// answered (kinmu scores it) or none is and the results are entered as
/// the doctor read them off the checklist on paper.
pub fn read_selfcheck(form: &HashMap<String, String>) -> Result<SelfCheckResult, &'static str> {
    let answer = |name: String, allowed: &[fatigue::Answer]| -> Result<Option<u32>, &'static str> {
        match form.get(&name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|p| allowed.iter().any(|(a, _, _)| a == p))
                .map(Some)
                .ok_or("チェックリストの回答が不正です / an answer of the checklist is not one of its choices"),
        }
    };
    let mut symptoms = Vec::with_capacity(13);
    for n in 1..=fatigue::SYMPTOMS.len() {
        symptoms.push(answer(format!("s{n}"), fatigue::SYMPTOM_ANSWERS)?);
    }
    let mut work = Vec::with_capacity(7);
    for (n, (_, _, allowed)) in fatigue::WORK.iter().enumerate() {
        work.push(answer(format!("w{}", n + 1), allowed)?);
    }
    let answered = symptoms.iter().chain(&work).filter(|a| a.is_some()).count();
    let (symptom, score, answers) = if answered == 0 {
        let field = |k: &str| form.get(k).map(|v| v.trim()).unwrap_or("");
        let symptom = Symptom::parse(field("symptom"))
            .ok_or("自覚症状（I〜IV）を選ぶか、チェックリストに回答してください / choose the symptom grade I–IV or fill in the checklist")?;
        let score: i64 = field("score")
            .parse()
            .ok()
            .filter(|s| (0..=7).contains(s))
            .ok_or("疲労蓄積度（0〜7）を選ぶか、チェックリストに回答してください / choose the score 0–7 or fill in the checklist")?;
        (symptom, score, None)
    } else {
        let s: Vec<u32> = symptoms.iter().flatten().copied().collect();
        let w: Vec<u32> = work.iter().flatten().copied().collect();
        if s.len() != symptoms.len() || w.len() != work.len() {
            return Err("チェックリストは全20項目に回答してください（または結果のみを入力） / answer all 20 items of the checklist (or enter the results only)");
        }
        let (grade, score) = fatigue::evaluate(&s, &w);
        let join = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        (grade, score, Some(format!("{}/{}", join(&s), join(&w))))
    };
    let sleep = parse_sleep(form.get("sleep").map_or("", String::as_str))?;
    // The same range as the manager's pre-check (records::record_precheck).
    if !(0..=24 * 60).contains(&sleep) {
        return Err(SLEEP_RANGE);
    }
    let wish = form
        .get("wants_interview")
        .and_then(|v| parse_wish(v))
        .ok_or("面接指導の希望（あり／なし）を選んでください / choose whether you ask for an interview")?;
    Ok(SelfCheckResult {
        symptom,
        score,
        answers,
        sleep,
        wish,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleep_is_read_as_hours_and_minutes_or_minutes() {
        assert_eq!(parse_sleep("6:30"), Ok(390));
        assert_eq!(parse_sleep(" 390 "), Ok(390));
        assert_eq!(parse_sleep("６：３０"), Ok(390));
        assert_eq!(parse_sleep("6時間30分"), Ok(390));
        assert_eq!(parse_sleep("7時間"), Ok(420));
        assert_eq!(parse_sleep("6:75"), Err(SLEEP_FORMAT));
        assert_eq!(parse_sleep("6.5"), Err(SLEEP_FORMAT));
        assert_eq!(parse_sleep(""), Err(SLEEP_FORMAT));
        // Once wrapped round to 44 minutes (issue 10, finding 13).
        assert_eq!(parse_sleep("307445734561825861:00"), Err(SLEEP_RANGE));
    }

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn a_self_check_is_the_checklist_scored_or_the_results_as_entered() {
        let direct = read_selfcheck(&form(&[
            ("symptom", "III"),
            ("score", "4"),
            ("sleep", "5:45"),
            ("wants_interview", "no"),
        ]))
        .unwrap();
        assert_eq!(
            (direct.symptom, direct.score, direct.sleep, direct.wish),
            (Symptom::III, 4, 345, false)
        );
        assert!(direct.answers.is_none());

        let mut all: Vec<(String, String)> = (1..=13).map(|n| (format!("s{n}"), "1".to_string())).collect();
        all.extend((1..=7).map(|n| (format!("w{n}"), if n == 1 { "3" } else { "0" }.to_string())));
        all.push(("sleep".into(), "7:00".into()));
        all.push(("wants_interview".into(), "yes".into()));
        let scored = read_selfcheck(&all.iter().cloned().collect()).unwrap();
        // 13 points: III; 3 points of work: C; III × C = 4.
        assert_eq!((scored.symptom, scored.score, scored.wish), (Symptom::III, 4, true));
        assert_eq!(
            scored.answers.as_deref(),
            Some("1,1,1,1,1,1,1,1,1,1,1,1,1/3,0,0,0,0,0,0")
        );

        let partial = form(&[("s1", "1"), ("sleep", "7:00"), ("wants_interview", "no")]);
        assert!(read_selfcheck(&partial).unwrap_err().contains("全20項目"));
        let bad = form(&[("w2", "3"), ("sleep", "7:00"), ("wants_interview", "no")]);
        assert!(
            read_selfcheck(&bad).unwrap_err().contains("回答が不正"),
            "w2 has no 3-point answer"
        );
        let no_wish = form(&[("symptom", "I"), ("score", "0"), ("sleep", "7:00")]);
        assert!(read_selfcheck(&no_wish).unwrap_err().contains("希望"));
    }
}
