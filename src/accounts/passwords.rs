//! Passwords: argon2id hashes (PHC strings), and the strength rules a new
//! password must meet (MHLW guideline: long, mixed, not guessable — zxcvbn's
//! estimate besides a short list of words never allowed). No database here;
//! setting a password is `password_change.rs`.

use super::error::{AccountError, PasswordProblem};
use crate::config::AccountPolicy;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Checks a password against a stored PHC string.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// The password of every account of the demo hospital. It is published in
/// the README, so it opens an account only while kinmu runs as a demo
/// (`serve --demo`), and no account may be given it otherwise.
pub const DEMO_PASSWORD: &str = "Shift-2024-demo";

/// Passwords (lower case, as substrings) that are refused whatever their
/// length: the most common ones and the product's own name.
const GUESSABLE: &[&str] = &[
    "password", "passw0rd", "qwerty", "123456", "abcdef", "kinmu", "hospital", "byouin", "iloveyou", "admin",
];

/// Words a password of this product must not be built on, besides the
/// login: zxcvbn counts them as known words.
const PRODUCT_WORDS: &[&str] = &[
    "kinmu",
    "hospital",
    "byouin",
    "byoin",
    "iryou",
    "kango",
    "ishi",
    DEMO_PASSWORD,
];

/// Checks a new password against the rules (MHLW guideline: long, mixed,
/// not guessable). Besides a short list of words never allowed, guessability
/// is zxcvbn's estimate (dictionaries of
/// common passwords, names and words, keyboard patterns, dates, l33t
/// spellings), which must reach `policy.password_min_score`.
pub fn check_password(policy: &AccountPolicy, login: &str, password: &str) -> Result<(), PasswordProblem> {
    if password.chars().count() < policy.password_min_chars {
        return Err(PasswordProblem::TooShort(policy.password_min_chars));
    }
    let letters = password.chars().any(char::is_alphabetic);
    let digits = password.chars().any(|c| c.is_ascii_digit());
    let symbols = password.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace());
    if !(letters && digits && symbols) {
        return Err(PasswordProblem::NotMixed);
    }
    let lower = password.to_lowercase();
    if !login.is_empty() && lower.contains(&login.to_lowercase()) {
        return Err(PasswordProblem::ContainsLogin);
    }
    let distinct: std::collections::HashSet<char> = password.chars().collect();
    if distinct.len() < 5 || GUESSABLE.iter().any(|g| lower.contains(g)) {
        return Err(PasswordProblem::Guessable);
    }
    if password == DEMO_PASSWORD {
        return if policy.demo_mode {
            Ok(())
        } else {
            Err(PasswordProblem::Guessable)
        };
    }
    let mut known: Vec<&str> = PRODUCT_WORDS.to_vec();
    known.push(login);
    // zxcvbn's work grows with the length; past 100 characters a password
    // is long enough whatever it is made of.
    let estimated: String = password.chars().take(100).collect();
    let score = u8::from(zxcvbn::zxcvbn(&estimated, &known).score());
    if score < policy.password_min_score {
        return Err(PasswordProblem::Guessable);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_hash_and_nothing_else() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse batterY"));
        assert!(!verify_password("not a hash", "x"));
    }
}
