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
    /// The checklist's edition (`2023`, `2004`).
    pub version: &'static str,
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
    read_selfcheck_of(form, &fatigue::CURRENT)
}

/// The form fields of a checklist's items: `s1`…, `w1`….
pub fn item_names(c: &fatigue::Checklist) -> impl Iterator<Item = String> {
    (1..=c.symptoms.len())
        .map(|n| format!("s{n}"))
        .chain((1..=c.work.len()).map(|n| format!("w{n}")))
}

/// The items left unanswered when some of the checklist was answered
/// (none when it was not filled in at all: the results were entered).
pub fn unanswered(form: &HashMap<String, String>, c: &fatigue::Checklist) -> Vec<String> {
    let given = |n: &String| form.get(n).is_some_and(|v| !v.trim().is_empty());
    let names: Vec<String> = item_names(c).collect();
    if !names.iter().any(given) {
        return Vec::new();
    }
    names.into_iter().filter(|n| !given(n)).collect()
}

/// The stored answers (`1,0,…/3,0,…`) as form fields, to fill in the form
/// again; `None` unless they are of `c`'s edition and complete.
pub fn answers_as_form(answers: &str, c: &fatigue::Checklist) -> Option<HashMap<String, String>> {
    let (s, w) = answers.split_once('/')?;
    let s: Vec<&str> = s.split(',').collect();
    let w: Vec<&str> = w.split(',').collect();
    if s.len() != c.symptoms.len() || w.len() != c.work.len() {
        return None;
    }
    Some(
        item_names(c)
            .zip(s.into_iter().chain(w))
            .map(|(k, v)| (k, v.to_string()))
            .collect(),
    )
}

/// What a self-check means, in words (Japanese, English): the 負担度, whether
/// it is a risk factor of rules §8, and what happens next.
pub fn explain(symptom: Symptom, score: i64, sleep: i64, wish: bool) -> Vec<(String, String)> {
    use super::interview::{HIGH_FATIGUE_SCORE, SHORT_SLEEP};
    let j = fatigue::judgement(score);
    let mut out = vec![(
        format!(
            "自覚症状 {}・疲労蓄積度 {score} 点：仕事による負担度は「{}」です。",
            symptom.code(),
            j.ja
        ),
        format!(
            "Symptoms {}, score {score}: the burden of work is {}.",
            symptom.code(),
            j.en
        ),
    )];
    let mut risks: Vec<(&str, &str)> = Vec::new();
    if symptom == Symptom::IV {
        risks.push(("自覚症状 IV", "symptoms IV"));
    }
    if score >= HIGH_FATIGUE_SCORE {
        risks.push(("疲労蓄積度 4 点以上", "a score of 4 or more"));
    }
    if sleep < SHORT_SLEEP {
        risks.push(("平均睡眠 6 時間未満", "under 6 hours of sleep"));
    }
    if wish {
        risks.push(("面接指導の希望", "asking for an interview"));
    }
    if risks.is_empty() {
        out.push((
            "面接指導の対象となるリスク要因（自覚症状 IV、疲労蓄積度 4 点以上、睡眠 6 時間未満、本人の希望）はありません。".into(),
            "No risk factor (symptoms IV, a score of 4 or more, under 6 hours of sleep, asking for an interview).".into(),
        ));
    } else {
        out.push((
            format!(
                "リスク要因があります（{}）。時間外・休日労働が100時間に達する前に面接指導を受ける必要があります（A水準の特例は使えません）。",
                risks.iter().map(|r| r.0).collect::<Vec<_>>().join("・")
            ),
            format!(
                "Risk factor: {}. The interview must be held before 100 h (no A-level exception).",
                risks.iter().map(|r| r.1).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if wish {
        out.push((
            "面接指導の希望は所属長（と担当の面接指導実施医師）にメールで伝えられ、所属長の対応リストに載ります。日程の連絡をお待ちください。".into(),
            "Your manager (and your interview physician) are mailed your request, which goes on your manager's list; you will be told the date.".into(),
        ));
    } else if score >= 2 {
        out.push((
            "勤務の状況の改善が必要です。改善できない項目は所属長や産業医等に相談してください。".into(),
            "Your work needs to change; talk to your manager or the occupational physician about what you cannot change.".into(),
        ));
    }
    out
}

/// Reads the self-check form of checklist edition `c`.
pub fn read_selfcheck_of(
    form: &HashMap<String, String>,
    c: &fatigue::Checklist,
) -> Result<SelfCheckResult, &'static str> {
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
    let mut symptoms = Vec::with_capacity(c.symptoms.len());
    for n in 1..=c.symptoms.len() {
        symptoms.push(answer(format!("s{n}"), fatigue::SYMPTOM_ANSWERS)?);
    }
    let mut work = Vec::with_capacity(c.work.len());
    for (n, (_, _, allowed)) in c.work.iter().enumerate() {
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
            return Err("チェックリストは全項目に回答してください（未回答の項目に印があります。または結果のみを入力） / answer every item of the checklist (the unanswered ones are marked), or enter the results only");
        }
        let (grade, score) = c.evaluate(&s, &w);
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
        version: c.version,
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
        let scored = read_selfcheck_of(&all.iter().cloned().collect(), &fatigue::V2004).unwrap();
        // 13 points: III; 3 points of work: C; III × C = 4.
        assert_eq!((scored.symptom, scored.score, scored.wish), (Symptom::III, 4, true));
        assert_eq!(
            scored.answers.as_deref(),
            Some("1,1,1,1,1,1,1,1,1,1,1,1,1/3,0,0,0,0,0,0")
        );

        let partial = form(&[("s1", "1"), ("sleep", "7:00"), ("wants_interview", "no")]);
        assert!(read_selfcheck(&partial).unwrap_err().contains("全項目"));
        assert_eq!(unanswered(&partial, &fatigue::CURRENT).len(), 26, "all but s1");
        assert!(unanswered(&form(&[("sleep", "7:00")]), &fatigue::CURRENT).is_empty());
        let bad = form(&[("w2", "3"), ("sleep", "7:00"), ("wants_interview", "no")]);
        assert!(
            read_selfcheck(&bad).unwrap_err().contains("回答が不正"),
            "w2 has no 3-point answer"
        );
        // The current edition: 14 + 13 items, its own boundaries, stored with it.
        let mut all: Vec<(String, String)> = (1..=14).map(|n| (format!("s{n}"), "1".to_string())).collect();
        all.extend((1..=13).map(|n| (format!("w{n}"), if n == 1 || n == 4 { "3" } else { "0" }.to_string())));
        all.push(("sleep".into(), "7:00".into()));
        all.push(("wants_interview".into(), "no".into()));
        let form23: HashMap<String, String> = all.iter().cloned().collect();
        let now = read_selfcheck(&form23).unwrap();
        assert_eq!((now.version, now.symptom, now.score), ("2023", Symptom::III, 4));
        let stored = now.answers.unwrap();
        let again = answers_as_form(&stored, &fatigue::CURRENT).unwrap();
        assert_eq!(again.get("s14").map(String::as_str), Some("1"));
        assert_eq!(again.get("w4").map(String::as_str), Some("3"));
        assert!(answers_as_form(&stored, &fatigue::V2004).is_none());
        let words = explain(Symptom::III, 4, 420, true);
        assert!(words[0].0.contains("高いと考えられる") && words[1].0.contains("リスク要因があります"));
        assert!(words[2].0.contains("所属長"));
        assert!(explain(Symptom::I, 0, 420, false)[1].0.contains("ありません"));
        let no_wish = form(&[("symptom", "I"), ("score", "0"), ("sleep", "7:00")]);
        assert!(read_selfcheck(&no_wish).unwrap_err().contains("希望"));
    }
}
