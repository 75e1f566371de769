//! Words in the two languages of kinmu: Japanese first (the hospital's),
//! English on the switch. A [`Label`] names a code (a status, a reason, a
//! state) and comes from the code's one label table; a [`Message`] says what
//! went wrong or what happened. Neither is ever split out of a
//! `"日本語 / English"` string by a reader: they are made bilingual where
//! they are written.

use std::fmt;

/// The name of a code in both languages, from its one label table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Label {
    pub ja: &'static str,
    pub en: &'static str,
}

impl Label {
    pub const fn new(ja: &'static str, en: &'static str) -> Label {
        Label { ja, en }
    }
}

/// A message for people, in Japanese with English beside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Message {
    pub ja: String,
    pub en: String,
}

impl Message {
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Message {
        Message {
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// A message written the older way, `"日本語 / English"`: the part
    /// before the last " / " is Japanese, the part after it English; a text
    /// without one is both.
    pub fn from_pair(text: &str) -> Message {
        match text.rsplit_once(" / ") {
            Some((ja, en)) => Message::new(ja, en),
            None => Message::new(text, text),
        }
    }
}

/// `日本語 / English`, as logs and the command line print it.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ja == self.en {
            f.write_str(&self.ja)
        } else {
            write!(f, "{} / {}", self.ja, self.en)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_splits_at_its_last_separator_and_prints_back_the_same() {
        let m = Message::from_pair("期間は1年以内 / 2024 / at most a year");
        assert_eq!(
            (m.ja.as_str(), m.en.as_str()),
            ("期間は1年以内 / 2024", "at most a year")
        );
        assert_eq!(m.to_string(), "期間は1年以内 / 2024 / at most a year");
        let one = Message::from_pair("D01");
        assert_eq!(
            (one.ja.as_str(), one.en.as_str(), one.to_string()),
            ("D01", "D01", "D01".into())
        );
    }
}
