//! [`Ts`]: a `Timestamp` column written and read without chrono's format
//! machinery, which was a sixth of a bulk insert's time and a sixth of the
//! report's reads.
//!
//! SQLite stores timestamps as text in diesel's `%F %T%.f` format: `Ts`
//! writes exactly that text (a test compares it with diesel's) and reads the
//! whole-second form `YYYY-MM-DD HH:MM:SS` with a fixed-format parser; the
//! rare others (fractions on reading, years outside 0–9999, leap seconds) go
//! to diesel's own code. PostgreSQL's binary form is diesel's own.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

/// A timestamp as kinmu binds and reads it (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, diesel::expression::AsExpression, FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Timestamp)]
pub struct Ts(pub NaiveDateTime);

impl Ts {
    /// `YYYY-MM-DD HH:MM:SS[.fff|.ffffff|.fffffffff]`, as chrono's `%F %T%.f`.
    fn text(&self) -> Option<String> {
        Text::of(&self.0).map(|t| t.as_str().to_string())
    }
}

/// A timestamp's text as [`Ts`] writes it, held inline (no allocation).
#[derive(Debug, Clone, Copy)]
struct Text {
    buf: [u8; 29],
    len: usize,
}

impl Text {
    /// `None` for what only diesel's own code writes (years outside
    /// 0–9999, leap seconds).
    fn of(t: &NaiveDateTime) -> Option<Text> {
        use chrono::{Datelike, Timelike};
        let (year, nanos) = (t.year(), t.nanosecond());
        if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
            return None;
        }
        let mut text = Text { buf: [0; 29], len: 0 };
        text.digits(year.unsigned_abs(), 4);
        for (sep, n) in [
            (b'-', t.month()),
            (b'-', t.day()),
            (b' ', t.hour()),
            (b':', t.minute()),
            (b':', t.second()),
        ] {
            text.push(sep);
            text.digits(n, 2);
        }
        let (frac, width) = match nanos {
            0 => (0, 0),
            n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
            n if n % 1_000 == 0 => (n / 1_000, 6),
            n => (n, 9),
        };
        if width > 0 {
            text.push(b'.');
            text.digits(frac, width);
        }
        Some(text)
    }

    fn push(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
    }

    fn digits(&mut self, n: u32, width: u32) {
        for i in (0..width).rev() {
            self.push(b'0' + (n / 10u32.pow(i) % 10) as u8);
        }
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever written.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

/// A timestamp to bind, its SQLite text written once when made and bound
/// borrowed (no string per value bound): for the bulk inserts, where
/// [`Ts`]'s allocation per value was a tenth of the binding's time.
/// PostgreSQL's binary form is diesel's own, as for [`Ts`].
#[derive(Debug, Clone, Copy, diesel::expression::AsExpression)]
#[diesel(sql_type = diesel::sql_types::Timestamp)]
pub struct TsText {
    at: NaiveDateTime,
    text: Option<Text>,
}

impl TsText {
    pub fn new(at: NaiveDateTime) -> TsText {
        TsText {
            at,
            text: Text::of(&at),
        }
    }
}

impl diesel::serialize::ToSql<diesel::sql_types::Timestamp, diesel::sqlite::Sqlite> for TsText {
    fn to_sql<'b>(
        &'b self,
        out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
    ) -> diesel::serialize::Result {
        match &self.text {
            Some(text) => {
                out.set_value(text.as_str());
                Ok(diesel::serialize::IsNull::No)
            }
            None => {
                diesel::serialize::ToSql::<diesel::sql_types::Timestamp, diesel::sqlite::Sqlite>::to_sql(&self.at, out)
            }
        }
    }
}

impl diesel::serialize::ToSql<diesel::sql_types::Timestamp, diesel::pg::Pg> for TsText {
    fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>) -> diesel::serialize::Result {
        diesel::serialize::ToSql::<diesel::sql_types::Timestamp, diesel::pg::Pg>::to_sql(&self.at, out)
    }
}

impl diesel::serialize::ToSql<diesel::sql_types::Timestamp, diesel::sqlite::Sqlite> for Ts {
    fn to_sql<'b>(
        &'b self,
        out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
    ) -> diesel::serialize::Result {
        match self.text() {
            Some(text) => {
                out.set_value(text);
                Ok(diesel::serialize::IsNull::No)
            }
            None => {
                diesel::serialize::ToSql::<diesel::sql_types::Timestamp, diesel::sqlite::Sqlite>::to_sql(&self.0, out)
            }
        }
    }
}

impl diesel::serialize::ToSql<diesel::sql_types::Timestamp, diesel::pg::Pg> for Ts {
    fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>) -> diesel::serialize::Result {
        diesel::serialize::ToSql::<diesel::sql_types::Timestamp, diesel::pg::Pg>::to_sql(&self.0, out)
    }
}

/// `YYYY-MM-DD HH:MM:SS`, the form diesel stores whole-second timestamps in.
fn parse_plain_timestamp(s: &[u8]) -> Option<NaiveDateTime> {
    if s.len() != 19 || s[4] != b'-' || s[7] != b'-' || s[10] != b' ' || s[13] != b':' || s[16] != b':' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        s[range]
            .iter()
            .try_fold(0u32, |n, &b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
    };
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let time = NaiveTime::from_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?;
    Some(date.and_time(time))
}

impl FromSql<Timestamp, Sqlite> for Ts {
    fn from_sql(mut value: <Sqlite as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        if value.value_type() == Some(diesel::sqlite::SqliteType::Text) {
            if let Some(t) = parse_plain_timestamp(value.read_text().as_bytes()) {
                return Ok(Ts(t));
            }
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Ts)
    }
}

impl FromSql<Timestamp, Pg> for Ts {
    fn from_sql(value: <Pg as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Ts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_bound_as_the_text_diesel_writes() {
        let mut x: u64 = 1;
        let mut next = move || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            x >> 33
        };
        let base = NaiveDate::from_ymd_opt(0, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        for i in 0..20_000 {
            let secs = (next() % (10_000 * 366 * 86_400)) as i64;
            let nanos = match i % 5 {
                0 => 0,
                1 => (next() % 1000) as u32 * 1_000_000,
                2 => (next() % 1_000_000) as u32 * 1_000,
                3 => (next() % 1_000_000_000) as u32,
                _ => 0,
            };
            let t = base + chrono::Duration::seconds(secs) + chrono::Duration::nanoseconds(i64::from(nanos));
            // diesel's `ToSql<Timestamp, Sqlite>` for `NaiveDateTime` writes this.
            let expected = t.format("%F %T%.f").to_string();
            assert_eq!(Ts(t).text().as_deref(), Some(expected.as_str()), "{t:?}");
            let bound = TsText::new(t);
            assert_eq!(bound.text.as_ref().map(Text::as_str), Some(expected.as_str()), "{t:?}");
        }
        for t in [
            NaiveDate::from_ymd_opt(2024, 6, 1)
                .unwrap()
                .and_hms_opt(8, 5, 9)
                .unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31)
                .unwrap()
                .and_hms_nano_opt(23, 59, 59, 999_999_999)
                .unwrap(),
        ] {
            assert_eq!(Ts(t).text().unwrap(), t.format("%F %T%.f").to_string());
        }
        // Outside 0–9999 and leap seconds go to diesel.
        assert_eq!(
            Ts(NaiveDate::from_ymd_opt(-1, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap()).text(),
            None
        );
        assert_eq!(
            Ts(NaiveDate::from_ymd_opt(10_000, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap())
            .text(),
            None
        );
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_milli_opt(23, 59, 59, 1_500)
            .unwrap();
        assert_eq!(Ts(leap).text(), None);
    }

    #[test]
    fn plain_timestamps_decode_as_chrono_does() {
        for s in ["2024-06-01 08:31:21", "2024-02-29 00:00:00", "1999-12-31 23:59:59"] {
            let want = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
            assert_eq!(parse_plain_timestamp(s.as_bytes()), Some(want), "{s}");
        }
        for s in [
            "2024-06-01 08:31:21.5",
            "2024-06-01T08:31:21",
            "2023-02-29 00:00:00",
            "2024-06-01 24:00:00",
            "2024-06-01 08:31:60",
            "2024-06-01 08:3a:21",
            "2024-6-01 08:31:21",
            "",
        ] {
            assert_eq!(parse_plain_timestamp(s.as_bytes()), None, "{s}");
        }
    }
}
