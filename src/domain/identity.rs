//! Who a person is, as a self-confirmation check compares them (rules
//! §2.3: a confirmer who is the doctor — by staff id, login or name — does
//! not confirm).
//!
//! Spellings of one person differ in width, spaces and case (`山田 太郎`,
//! `山田　太郎`, `Ｄ００１`, `d001`), and a hostile one may hide an invisible
//! character inside (`d\u{200B}001`): [`identity`] writes them all the same.

use unicode_normalization::UnicodeNormalization;

/// A name, login, staff id or e-mail address as compared: NFKC, without
/// white space and without invisible format characters, ASCII letters in
/// lower case.
pub fn identity(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace() && !invisible(*c))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Characters that show nothing: the Unicode format characters (general
/// category Cf) a text field can carry — zero-width spaces and joiners,
/// direction marks and embeddings, the word joiner and invisible operators,
/// the byte-order mark, the soft hyphen — and the other controls.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    ) || c.is_control()
}

/// Whether any spelling of `a` is a spelling of `b` (empty ones never are).
pub fn same_person<'a>(a: impl IntoIterator<Item = &'a str>, b: impl IntoIterator<Item = &'a str> + Clone) -> bool {
    a.into_iter()
        .map(identity)
        .filter(|s| !s.is_empty())
        .any(|x| b.clone().into_iter().map(identity).any(|y| y == x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_person_are_one_identity() {
        for s in [
            "d001",
            "D001",
            "Ｄ００１",
            " d001 ",
            "d\u{200B}001",
            "d\u{FEFF}001",
            "d\u{2060}0\u{200D}01",
            "\u{202E}d001",
            "d\u{00AD}001",
            "d\t001",
        ] {
            assert_eq!(identity(s), "d001", "{s:?}");
        }
        for s in [
            "佐藤健一",
            "佐藤 健一",
            "佐藤　健一",
            "佐藤\u{00A0}健一",
            "佐藤\u{200B}健一",
        ] {
            assert_eq!(identity(s), "佐藤健一", "{s:?}");
        }
        assert_ne!(identity("d002"), identity("d001"));
    }

    #[test]
    fn same_person_needs_one_shared_non_empty_spelling() {
        assert!(same_person(["hr-suzuki", "鈴木 美咲"], ["D002", "鈴木　美咲"]));
        assert!(!same_person(["hr-suzuki", "鈴木 美咲"], ["D002", "鈴木 美穂"]));
        assert!(!same_person(["", "\u{200B}"], ["", "x"]));
    }
}
