//! Text encoding detection (formats.md, "Input files": UTF-8 with or without
//! BOM, and Shift_JIS / CP932, detected automatically).
//!
//! Order matters: a BOM settles it; otherwise valid UTF-8 is taken as UTF-8
//! (Japanese Shift_JIS text is almost never valid UTF-8, while the reverse
//! guess would misread every UTF-8 file); only then Shift_JIS is tried.

use super::FileError;
use encoding_rs::SHIFT_JIS;
use std::borrow::Cow;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file's text and the encoding it was read with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text without any BOM; borrowed from the input when it was UTF-8.
    pub text: Cow<'a, str>,
    /// `"utf-8"` or `"shift_jis"`.
    pub encoding: &'static str,
}

/// Decodes a CSV file's bytes, refusing anything that is neither UTF-8 nor
/// Shift_JIS rather than guessing with replacement characters.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, FileError> {
    let decoded = if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        let text = std::str::from_utf8(rest).map_err(|_| FileError::Encoding)?;
        Decoded {
            text: Cow::Borrowed(text),
            encoding: "utf-8",
        }
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        Decoded {
            text: Cow::Borrowed(text),
            encoding: "utf-8",
        }
    } else {
        // encoding_rs's SHIFT_JIS is the WHATWG decoder, which covers the
        // CP932 (Windows-31J) extensions such as ① and 髙.
        let text = SHIFT_JIS
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or(FileError::Encoding)?;
        Decoded {
            text,
            encoding: "shift_jis",
        }
    };
    // No text file has NUL characters; they mean UTF-16 (Excel's "Unicode
    // text") or a binary file that happened to decode.
    if decoded.text.contains('\0') {
        return Err(FileError::Encoding);
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_borrowed_and_a_bom_is_dropped() {
        let plain = decode("職員番号\n".as_bytes()).unwrap();
        assert!(matches!(plain.text, Cow::Borrowed("職員番号\n")));
        assert_eq!(plain.encoding, "utf-8");
        let bom = decode(b"\xEF\xBB\xBFstaff_id\n").unwrap();
        assert!(matches!(bom.text, Cow::Borrowed("staff_id\n")));
        assert_eq!(bom.encoding, "utf-8");
    }

    #[test]
    fn shift_jis_including_cp932_characters_is_decoded() {
        let (bytes, _, _) = SHIFT_JIS.encode("職員番号,氏名\nD001,髙橋①\n");
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "shift_jis");
        assert_eq!(d.text, "職員番号,氏名\nD001,髙橋①\n");
    }

    #[test]
    fn bytes_that_are_neither_utf8_nor_shift_jis_are_refused() {
        assert_eq!(decode(b"\xFF\xFE\x41\x00"), Err(FileError::Encoding));
        // A BOM promises UTF-8; Shift_JIS bytes after it are not guessed at.
        let (sjis, _, _) = SHIFT_JIS.encode("氏名");
        let with_bom = [UTF8_BOM, &sjis[..]].concat();
        assert_eq!(decode(&with_bom), Err(FileError::Encoding));
        // UTF-16 without BOM is valid UTF-8 but full of NULs.
        assert_eq!(decode(b"s\0t\0a\0f\0f\0"), Err(FileError::Encoding));
    }
}
