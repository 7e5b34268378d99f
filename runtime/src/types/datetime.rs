//! UTC instants and the three timestamp wire formats AWS protocols use.
//!
//! Calendar arithmetic uses Howard Hinnant's days-from-civil algorithm on the
//! proleptic Gregorian calendar. It is exact for every `i64` second count, so
//! formatting never fails; parsing accepts four-digit years (0000..=9999).

use std::fmt::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NANOS_PER_SEC: u32 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;
/// Days from 0000-03-01 to 1970-01-01, the offset used by the civil algorithms.
const EPOCH_SHIFT_DAYS: i64 = 719_468;
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAYS_LONG: &str = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday";
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A UTC instant with nanosecond precision.
///
/// It is stored as whole seconds since the Unix epoch plus a sub-second part
/// that is always in `0..1_000_000_000`, so an instant before the epoch such as
/// `-0.5s` is `secs = -1, nanos = 500_000_000` and the derived ordering is
/// chronological.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DateTime {
    secs: i64,
    nanos: u32,
}

/// The timestamp wire formats of Smithy's `@timestampFormat` trait.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// RFC 3339 `date-time`, e.g. `2014-04-29T18:30:38.123Z`.
    DateTime,
    /// RFC 7231 IMF-fixdate, e.g. `Tue, 29 Apr 2014 18:30:38 GMT`.
    HttpDate,
    /// Seconds since the Unix epoch, e.g. `1398796238.123`.
    EpochSeconds,
}

impl Format {
    fn describe(self) -> &'static str {
        match self {
            Format::DateTime => "an RFC 3339 date-time such as 2014-04-29T18:30:38Z",
            Format::HttpDate => "an HTTP date such as Tue, 29 Apr 2014 18:30:38 GMT",
            Format::EpochSeconds => "epoch seconds such as 1398796238.123",
        }
    }
}

/// Why a timestamp could not be parsed or converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateTimeError {
    /// The offending input, truncated so that error messages stay readable.
    input: String,
    format: Option<Format>,
    reason: &'static str,
}

impl DateTimeError {
    fn new(input: &str, format: Option<Format>, reason: &'static str) -> Self {
        const MAX_CHARS: usize = 64;
        let mut shown: String = input.chars().take(MAX_CHARS).collect();
        if shown.len() < input.len() {
            shown.push('…');
        }
        let input = shown;
        DateTimeError { input, format, reason }
    }
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (input, reason) = (&self.input, self.reason);
        match self.format {
            Some(format) => {
                let expected = format.describe();
                write!(f, "invalid timestamp {input:?}: {reason} (expected {expected})")
            }
            None => write!(f, "cannot represent {input} as a timestamp: {reason}"),
        }
    }
}

impl std::error::Error for DateTimeError {}

impl DateTime {
    /// The Unix epoch, 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: DateTime = DateTime { secs: 0, nanos: 0 };
    /// The earliest representable instant.
    pub const MIN: DateTime = DateTime::from_secs(i64::MIN);
    /// The latest representable instant.
    pub const MAX: DateTime = DateTime::from_secs_and_nanos(i64::MAX, NANOS_PER_SEC - 1);

    /// The instant `secs` whole seconds after (or before, if negative) the epoch.
    pub const fn from_secs(secs: i64) -> Self {
        DateTime { secs, nanos: 0 }
    }

    /// Builds an instant from seconds plus nanoseconds. Nanoseconds of a full
    /// second or more carry into `secs` (saturating), so any input is valid.
    pub const fn from_secs_and_nanos(secs: i64, nanos: u32) -> Self {
        DateTime { secs: secs.saturating_add((nanos / NANOS_PER_SEC) as i64), nanos: nanos % NANOS_PER_SEC }
    }

    /// The instant `millis` milliseconds from the epoch.
    pub const fn from_millis(millis: i64) -> Self {
        DateTime { secs: millis.div_euclid(1000), nanos: millis.rem_euclid(1000) as u32 * 1_000_000 }
    }

    /// Converts fractional epoch seconds, saturating instead of failing: NaN
    /// becomes the epoch and out-of-range values become [`MIN`](Self::MIN) or
    /// [`MAX`](Self::MAX). Use [`try_from_fractional_secs`](Self::try_from_fractional_secs)
    /// to detect those cases.
    pub fn from_fractional_secs(secs: f64) -> Self {
        match Self::try_from_fractional_secs(secs) {
            Ok(dt) => dt,
            Err(_) if secs.is_nan() => Self::UNIX_EPOCH,
            Err(_) if secs > 0.0 => Self::MAX,
            Err(_) => Self::MIN,
        }
    }

    /// Converts fractional epoch seconds, failing on NaN, infinities and values
    /// outside the `i64` second range.
    ///
    /// The sub-second part is rounded to the finest power of ten the `f64`
    /// can actually resolve at that magnitude (microseconds for present-day
    /// instants), so `1398796238.123` yields exactly 123 ms rather than the
    /// binary approximation's `122_999_906` ns.
    pub fn try_from_fractional_secs(secs: f64) -> Result<Self, DateTimeError> {
        let fail = |reason| Err(DateTimeError::new(&secs.to_string(), None, reason));
        if !secs.is_finite() {
            return fail("the value is not a finite number");
        }
        let floor = secs.floor();
        // The valid range is [-2^63, 2^63); both bounds are exact in f64.
        if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&floor) {
            return fail("the value is outside the supported range");
        }
        // The distance to the next f64 bounds how precise the input can be.
        let magnitude = secs.abs();
        let ulp = f64::from_bits(magnitude.to_bits() + 1) - magnitude;
        let mut unit: u32 = 1;
        while unit < NANOS_PER_SEC && f64::from(unit) * 1e-9 < ulp {
            unit *= 10;
        }
        let frac = secs - floor;
        let nanos = ((frac * 1e9 / f64::from(unit)).round() * f64::from(unit)) as u32;
        let whole = floor as i64;
        if nanos >= NANOS_PER_SEC {
            return match whole.checked_add(1) {
                Some(s) => Ok(Self::from_secs(s)),
                None => fail("the value is outside the supported range"),
            };
        }
        Ok(DateTime { secs: whole, nanos })
    }

    /// Whole seconds since the epoch, rounded towards negative infinity.
    pub const fn secs(&self) -> i64 {
        self.secs
    }

    /// The non-negative sub-second part, always below `1_000_000_000`.
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Seconds since the epoch as a float (lossy beyond ~microseconds today).
    pub fn as_fractional_secs(&self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / 1e9
    }

    /// The current system time.
    pub fn now() -> Self {
        SystemTime::now().into()
    }

    /// Parses `input` in the given wire format. Surrounding ASCII whitespace
    /// is ignored because XML text nodes and headers often carry it.
    pub fn parse(input: &str, format: Format) -> Result<Self, DateTimeError> {
        // The same characters as `char::is_ascii_whitespace`, trimmed by bytes.
        let trimmed = input.trim_ascii();
        let result = match format {
            Format::DateTime => parse_rfc3339(trimmed.as_bytes()),
            Format::HttpDate => parse_http_date(trimmed.as_bytes()),
            Format::EpochSeconds => parse_epoch_seconds(trimmed.as_bytes()),
        };
        result.map_err(|reason| DateTimeError::new(input, Some(format), reason))
    }

    /// Formats the instant in the given wire format.
    pub fn fmt(&self, format: Format) -> String {
        let mut out = String::with_capacity(32);
        self.fmt_to(format, &mut out);
        out
    }

    /// Appends the formatted instant to `out`, allocating only if `out` must grow.
    ///
    /// `DateTime` writes up to nine fractional digits with trailing zeros
    /// trimmed, so formatting then parsing is lossless. `HttpDate` has no
    /// fractional seconds in IMF-fixdate, so the sub-second part is truncated.
    /// `EpochSeconds` writes an integer when there is no fraction and otherwise
    /// the trimmed nanosecond digits (three for millisecond values).
    /// Years outside 0000..=9999 use ISO 8601 expanded form (`+10000`, `-0001`)
    /// which the parsers deliberately do not accept.
    pub fn fmt_to(&self, format: Format, out: &mut String) {
        // Writing into a String cannot fail.
        let _ = match format {
            Format::DateTime => self.write_rfc3339(out, self.nanos),
            Format::HttpDate => self.write_http_date(out),
            Format::EpochSeconds => self.write_epoch_seconds(out),
        };
    }

    /// RFC 3339 truncated to milliseconds (trailing zeros trimmed), matching
    /// what the other AWS SDKs send; some services reject finer precision.
    pub fn fmt_iso8601_millis(&self) -> String {
        let mut out = String::with_capacity(24);
        self.fmt_iso8601_millis_to(&mut out);
        out
    }

    /// Appending form of [`fmt_iso8601_millis`](Self::fmt_iso8601_millis).
    pub fn fmt_iso8601_millis_to(&self, out: &mut String) {
        let _ = self.write_rfc3339(out, self.nanos / 1_000_000 * 1_000_000);
    }

    fn write_rfc3339<W: Write>(&self, w: &mut W, nanos: u32) -> fmt::Result {
        let (days, secs_of_day) = split_days(self.secs);
        let (year, month, day) = civil_from_days(days);
        let sign = match year {
            0..=9999 => "",
            ..=-1 => "-",
            _ => "+",
        };
        write!(w, "{sign}{:04}-{month:02}-{day:02}T", year.unsigned_abs())?;
        write_clock(w, secs_of_day)?;
        write_fraction(w, nanos)?;
        w.write_char('Z')
    }

    fn write_http_date<W: Write>(&self, w: &mut W) -> fmt::Result {
        let (days, secs_of_day) = split_days(self.secs);
        let (year, month, day) = civil_from_days(days);
        // 1970-01-01 was a Thursday, index 3 when Monday is 0.
        let weekday = WEEKDAYS[(days + 3).rem_euclid(7) as usize];
        let month = MONTHS[month as usize - 1];
        let sign = if year < 0 { "-" } else { "" };
        write!(w, "{weekday}, {day:02} {month} {sign}{:04} ", year.unsigned_abs())?;
        write_clock(w, secs_of_day)?;
        w.write_str(" GMT")
    }

    fn write_epoch_seconds<W: Write>(&self, w: &mut W) -> fmt::Result {
        // A negative instant with a fraction is -((|secs| - 1) + (1s - nanos)).
        let (whole, frac) = match (self.secs < 0, self.nanos) {
            (true, nanos) if nanos > 0 => ((self.secs + 1).unsigned_abs(), NANOS_PER_SEC - nanos),
            (_, nanos) => (self.secs.unsigned_abs(), nanos),
        };
        let sign = if self.secs < 0 { "-" } else { "" };
        write!(w, "{sign}{whole}")?;
        write_fraction(w, frac)
    }
}

impl From<SystemTime> for DateTime {
    fn from(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(d) => DateTime { secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX), nanos: d.subsec_nanos() },
            Err(before) => {
                let d = before.duration();
                let secs = 0i64.checked_sub_unsigned(d.as_secs()).unwrap_or(i64::MIN);
                match d.subsec_nanos() {
                    0 => DateTime::from_secs(secs),
                    n => DateTime::from_secs_and_nanos(secs.saturating_sub(1), NANOS_PER_SEC - n),
                }
            }
        }
    }
}

impl TryFrom<DateTime> for SystemTime {
    type Error = DateTimeError;

    /// Fails when the platform's `SystemTime` cannot hold the instant.
    fn try_from(dt: DateTime) -> Result<Self, Self::Error> {
        let time = if dt.secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::new(dt.secs.unsigned_abs(), dt.nanos))
        } else {
            UNIX_EPOCH
                .checked_sub(Duration::from_secs(dt.secs.unsigned_abs()))
                .and_then(|t| t.checked_add(Duration::from_nanos(dt.nanos.into())))
        };
        let why = "it is outside the range of SystemTime";
        time.ok_or_else(|| DateTimeError::new(&dt.to_string(), None, why))
    }
}

impl std::str::FromStr for DateTime {
    type Err = DateTimeError;

    /// Parses RFC 3339, the format `Display` produces.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse(s, Format::DateTime)
    }
}

impl fmt::Display for DateTime {
    /// RFC 3339 in UTC with trimmed fractional digits only when non-zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_rfc3339(f, self.nanos)
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DateTime(")?;
        self.write_rfc3339(f, self.nanos)?;
        f.write_char(')')
    }
}

/// Splits epoch seconds into days since the epoch and seconds into the day.
fn split_days(secs: i64) -> (i64, i64) {
    (secs.div_euclid(SECS_PER_DAY), secs.rem_euclid(SECS_PER_DAY))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * i64::from((month + 9) % 12) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - EPOCH_SHIFT_DAYS
}

/// Inverse of [`days_from_civil`]; exact for every day count that an `i64`
/// of seconds can produce, so formatting has no failure path.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + EPOCH_SHIFT_DAYS;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => 28 + u32::from(leap),
        _ => 0,
    }
}

/// Validates a calendar date and returns its days since the epoch.
fn checked_days(year: u32, month: u32, day: u32) -> Result<i64, &'static str> {
    if !(1..=12).contains(&month) {
        return Err("the month is out of range");
    }
    if day == 0 || day > days_in_month(year.into(), month) {
        return Err("the day does not exist in that month");
    }
    Ok(days_from_civil(year.into(), month, day))
}

fn write_clock<W: Write>(w: &mut W, secs_of_day: i64) -> fmt::Result {
    let (hour, minute, second) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
    write!(w, "{hour:02}:{minute:02}:{second:02}")
}

/// Writes `.ddd` with trailing zeros trimmed, or nothing for zero.
fn write_fraction<W: Write>(w: &mut W, nanos: u32) -> fmt::Result {
    if nanos == 0 {
        return Ok(());
    }
    let (mut value, mut width) = (nanos, 9);
    while value % 10 == 0 {
        value /= 10;
        width -= 1;
    }
    write!(w, ".{value:0width$}")
}

/// A byte cursor whose every method is bounds-checked, so the parsers built
/// on it cannot panic whatever the input.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        self.pos += usize::from(hit);
        hit
    }

    fn expect(&mut self, byte: u8, why: &'static str) -> Result<(), &'static str> {
        self.eat(byte).then_some(()).ok_or(why)
    }

    /// Consumes an optional `+` or `-`, returning whether it was `-`.
    fn sign(&mut self) -> bool {
        let negative = self.peek() == Some(b'-');
        self.pos += usize::from(negative || self.peek() == Some(b'+'));
        negative
    }

    /// Consumes the longest run of bytes matching `pred`.
    fn run(&mut self, pred: fn(&u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        while self.peek().as_ref().is_some_and(pred) {
            self.pos += 1;
        }
        &self.bytes[start..self.pos]
    }

    /// Reads between `min` and `max` (at most nine) decimal digits.
    fn digits(&mut self, min: usize, max: usize, why: &'static str) -> Result<u32, &'static str> {
        let start = self.pos;
        let mut value = 0u32;
        while let (true, Some(b @ b'0'..=b'9')) = (self.pos - start < max, self.peek()) {
            value = value * 10 + u32::from(b - b'0');
            self.pos += 1;
        }
        (self.pos - start >= min).then_some(value).ok_or(why)
    }

    fn finish(&self, why: &'static str) -> Result<(), &'static str> {
        (self.pos >= self.bytes.len()).then_some(()).ok_or(why)
    }
}

/// Parses `HH:MM:SS[.fraction]` into seconds of the day and nanoseconds.
///
/// A leap second (`:60`) is accepted, as RFC 3339 allows, and clamped to
/// `:59` because Unix time cannot represent it; clamping keeps the instant in
/// the same minute instead of rolling a Dec 31 value into the next year.
/// Fraction digits beyond nanoseconds are accepted and truncated: they are
/// below the representable precision, and rounding could carry into seconds.
fn parse_clock(c: &mut Cursor<'_>) -> Result<(i64, u32), &'static str> {
    const BAD: &str = "expected a time of day as HH:MM:SS";
    let hour = c.digits(2, 2, BAD)?;
    c.expect(b':', BAD)?;
    let minute = c.digits(2, 2, BAD)?;
    c.expect(b':', BAD)?;
    let second = c.digits(2, 2, BAD)?;
    if hour > 23 || minute > 59 || second > 60 {
        return Err("the time of day is out of range");
    }
    let mut nanos = 0;
    if c.eat(b'.') {
        let start = c.pos;
        nanos = c.digits(1, 9, "expected digits after the decimal point")?;
        nanos *= 10u32.pow(9 - (c.pos - start) as u32);
        c.run(u8::is_ascii_digit);
    }
    Ok((i64::from(hour * 3600 + minute * 60 + second.min(59)), nanos))
}

fn parse_rfc3339(s: &[u8]) -> Result<DateTime, &'static str> {
    match parse_rfc3339_utc(s) {
        Some(instant) => Ok(instant),
        None => parse_rfc3339_general(s),
    }
}

fn parse_rfc3339_general(s: &[u8]) -> Result<DateTime, &'static str> {
    let mut c = Cursor { bytes: s, pos: 0 };
    let year = c.digits(4, 4, "expected a four-digit year")?;
    c.expect(b'-', "expected '-' after the year")?;
    let month = c.digits(2, 2, "expected a two-digit month")?;
    c.expect(b'-', "expected '-' after the month")?;
    let day = c.digits(2, 2, "expected a two-digit day")?;
    if !(c.eat(b'T') || c.eat(b't')) {
        return Err("expected 'T' between the date and the time");
    }
    let (clock, nanos) = parse_clock(&mut c)?;
    let offset = if c.eat(b'Z') || c.eat(b'z') {
        0
    } else if let Some(sign @ (b'+' | b'-')) = c.peek() {
        const BAD: &str = "expected a UTC offset such as +01:00";
        c.pos += 1;
        let hours = c.digits(2, 2, BAD)?;
        c.expect(b':', BAD)?;
        let minutes = c.digits(2, 2, BAD)?;
        if hours > 23 || minutes > 59 {
            return Err("the UTC offset is out of range");
        }
        i64::from(hours * 3600 + minutes * 60) * if sign == b'-' { -1 } else { 1 }
    } else {
        return Err("expected 'Z' or a UTC offset such as +01:00");
    };
    c.finish("unexpected characters after the time zone")?;
    let secs = checked_days(year, month, day)? * SECS_PER_DAY + clock - offset;
    Ok(DateTime { secs, nanos })
}

/// The form services nearly always send, `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`, read by position
/// without the cursor's general steps (timestamps are a large share of an S3 listing's
/// reading). `None` for anything else, valid or not, which [`parse_rfc3339`] then reads in
/// full, so its answers and errors stay the definition: this only ever agrees with it.
fn parse_rfc3339_utc(s: &[u8]) -> Option<DateTime> {
    // The fixed part read as three little-endian words, `YYYY-MM-`, `DDTHH:MM` and `HH:MM:SS`
    // (bytes 0, 8 and 11 on), whose digits are checked and converted all at once.
    let word = |at: usize| s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes);
    let (date, time, secs) = (word(0)?, word(8)?, word(11)?);
    let date_ok = digits_in(date, DATE_DIGITS) && date & lanes(0b1001_0000, 0xFF) == lanes(0b1001_0000, b'-');
    // `T` and `t` differ only in bit 5.
    let time_marks = lanes(0b0000_0100, 0xDF) | lanes(0b0010_0000, 0xFF);
    let time_ok =
        digits_in(time, TIME_DIGITS) && time & time_marks == lanes(0b0000_0100, b'T') | lanes(0b0010_0000, b':');
    let secs_ok = digits_in(secs, SECS_DIGITS) && secs & lanes(0b0010_0000, 0xFF) == lanes(0b0010_0000, b':');
    if !(date_ok && time_ok && secs_ok) {
        return None;
    }
    let (date, time, secs) = (pairs(date, DATE_DIGITS), pairs(time, TIME_DIGITS), pairs(secs, SECS_DIGITS));
    let year = lane(date, 0) * 100 + lane(date, 2);
    let (month, day, hour, minute, second) =
        (lane(date, 5), lane(time, 0), lane(time, 3), lane(time, 6), lane(secs, 6));
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let (mut nanos, mut at) = (0u32, 19);
    if s.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while let Some(&b) = s.get(at).filter(|_| at - start < 9) {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            nanos = nanos * 10 + u32::from(d);
            at += 1;
        }
        // The scale of the digits read, by their count (one to nine).
        const SCALE: [u32; 10] = [0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];
        nanos *= *SCALE.get(at - start).filter(|&&scale| scale > 0)?;
    }
    if !matches!(s.get(at), Some(b'Z' | b'z')) || at + 1 != s.len() {
        return None;
    }
    let clock = i64::from(hour * 3600 + minute * 60 + second.min(59));
    let secs = checked_days(year, month, day).ok()? * SECS_PER_DAY + clock;
    Some(DateTime { secs, nanos })
}

/// The digit lanes of the three words of [`parse_rfc3339_utc`], one bit per byte.
const DATE_DIGITS: u8 = 0b0110_1111;
const TIME_DIGITS: u8 = 0b1101_1011;
const SECS_DIGITS: u8 = 0b1100_0000;

/// `byte` in each lane of a word whose bit is set in `which`, zero elsewhere.
const fn lanes(which: u8, byte: u8) -> u64 {
    let mut word = 0;
    let mut lane = 0;
    while lane < 8 {
        if which >> lane & 1 == 1 {
            word |= (byte as u64) << (8 * lane);
        }
        lane += 1;
    }
    word
}

/// True when every lane of `word` named by `which` holds an ASCII digit: its high half is
/// `3` and stays `3` when 6 is added (`0x3A..=0x3F` reach `0x40`). A lane of `0xFA` or more
/// carries into the next one, but has already failed the first test.
fn digits_in(word: u64, which: u8) -> bool {
    let (high, three) = (lanes(which, 0xF0), lanes(which, 0x30));
    word & high == three && word.wrapping_add(lanes(which, 0x06)) & high == three
}

/// The digit lanes of `word` (checked by [`digits_in`]) as numbers, each lane `k` followed by
/// a digit lane holding the two-digit number they start (at most 99, so no lane carries).
fn pairs(word: u64, which: u8) -> u64 {
    let digits = word.wrapping_sub(lanes(which, 0x30)) & lanes(which, 0xFF);
    digits * 10 + (digits >> 8)
}

fn lane(word: u64, k: u32) -> u32 {
    (word >> (8 * k)) as u32 & 0xFF
}

impl DateTime {
    /// [`DateTime::parse`] in [`Format::DateTime`] for the one form services nearly always send
    /// (`YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`, without surrounding whitespace): the same instant, or
    /// `None` for any other text, which the caller then gives to [`DateTime::parse`]. A codec
    /// reading many timestamps calls this first and skips the general parser's error handling.
    pub(crate) fn parse_utc_fast(input: &str) -> Option<DateTime> {
        parse_rfc3339_utc(input.as_bytes())
    }
}

fn lookup(word: &[u8], names: &[&str]) -> Option<u32> {
    let found = names.iter().position(|name| name.as_bytes().eq_ignore_ascii_case(word));
    found.map(|index| index as u32)
}

/// Parses IMF-fixdate plus the obsolete RFC 850 and asctime forms that
/// RFC 7231 obliges recipients to accept; names match case-insensitively.
/// The weekday must be a real day name (abbreviated or full) but is not
/// checked against the date: it carries no information, and rejecting a
/// response over a wrong weekday would only make a working call fail.
fn parse_http_date(s: &[u8]) -> Result<DateTime, &'static str> {
    const MONTH: &str = "expected a month name such as Apr";
    const DAY: &str = "expected a day of the month";
    let mut c = Cursor { bytes: s, pos: 0 };
    let weekday = c.run(u8::is_ascii_alphabetic);
    let mut names = WEEKDAYS.iter().copied().chain(WEEKDAYS_LONG.split(' '));
    if !names.any(|name| name.as_bytes().eq_ignore_ascii_case(weekday)) {
        return Err("expected a day-of-week name such as Tue");
    }
    let (year, month, day, (clock, nanos));
    if c.eat(b',') {
        c.expect(b' ', "expected a space after the weekday")?;
        day = c.digits(1, 2, DAY)?;
        // IMF-fixdate separates the date with spaces, RFC 850 with dashes.
        let separator = c.peek().filter(|b| matches!(b, b' ' | b'-')).ok_or(MONTH)?;
        c.pos += 1;
        month = lookup(c.run(u8::is_ascii_alphabetic), &MONTHS).ok_or(MONTH)? + 1;
        c.expect(separator, "expected a separator after the month")?;
        let start = c.pos;
        let y = c.digits(2, 4, "expected a year")?;
        year = match (separator, c.pos - start) {
            (_, 4) => y,
            // RFC 850's two-digit years pivot at 70 as POSIX strptime does,
            // which keeps parsing deterministic (no dependence on "now").
            (b'-', 2) => y + if y < 70 { 2000 } else { 1900 },
            _ => return Err("expected a four-digit year"),
        };
        c.expect(b' ', "expected a space before the time")?;
        (clock, nanos) = parse_clock(&mut c)?;
        c.expect(b' ', "expected a space before GMT")?;
        if !c.run(u8::is_ascii_alphabetic).eq_ignore_ascii_case(b"GMT") {
            return Err("expected the time zone GMT");
        }
    } else {
        // asctime: `Sun Nov  6 08:49:37 1994`, the day padded with a space.
        c.expect(b' ', "expected ',' after the weekday")?;
        month = lookup(c.run(u8::is_ascii_alphabetic), &MONTHS).ok_or(MONTH)? + 1;
        c.expect(b' ', "expected a space after the month")?;
        c.eat(b' ');
        day = c.digits(1, 2, DAY)?;
        c.expect(b' ', "expected a space before the time")?;
        (clock, nanos) = parse_clock(&mut c)?;
        c.expect(b' ', "expected a space before the year")?;
        year = c.digits(4, 4, "expected a four-digit year")?;
    }
    c.finish("unexpected characters after the date")?;
    let secs = checked_days(year, month, day)? * SECS_PER_DAY + clock;
    Ok(DateTime { secs, nanos })
}

/// Parses `[+-]digits[.digits][(e|E)[+-]digits]` exactly, in decimal, so no
/// precision is lost to binary floating point. Digits beyond nanoseconds are
/// truncated towards zero.
fn parse_epoch_seconds(s: &[u8]) -> Result<DateTime, &'static str> {
    const BAD: &str = "expected a decimal number";
    const RANGE: &str = "the value is outside the supported range";
    let mut c = Cursor { bytes: s, pos: 0 };
    let negative = c.sign();
    let int_digits = c.run(u8::is_ascii_digit);
    let frac_digits = if c.eat(b'.') { c.run(u8::is_ascii_digit) } else { &[] };
    if int_digits.is_empty() && frac_digits.is_empty() {
        return Err(BAD);
    }
    let mut exponent: i64 = 0;
    if c.eat(b'e') || c.eat(b'E') {
        let exp_negative = c.sign();
        let digits = c.run(u8::is_ascii_digit);
        if digits.is_empty() {
            return Err("expected digits in the exponent");
        }
        // Clamping keeps the arithmetic in range; an exponent this large
        // overflows or underflows the result anyway.
        for &d in digits {
            exponent = (exponent * 10 + i64::from(d - b'0')).min(1 << 40);
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    c.finish(BAD)?;
    // View the mantissa as one digit string whose decimal point the exponent
    // moves; digit(i) is its i-th digit, zero outside it.
    let len = (int_digits.len() + frac_digits.len()) as i64;
    let digit = |i: i64| -> u64 {
        let d = match usize::try_from(i) {
            Ok(i) if i < int_digits.len() => int_digits[i],
            Ok(i) if i < len as usize => frac_digits[i - int_digits.len()],
            _ => b'0',
        };
        u64::from(d - b'0')
    };
    let Some(first_nonzero) = (0..len).find(|&i| digit(i) != 0) else {
        return Ok(DateTime::UNIX_EPOCH);
    };
    let point = int_digits.len() as i64 + exponent;
    if point - first_nonzero > 20 {
        return Err(RANGE);
    }
    let mut whole: u64 = 0;
    for i in first_nonzero..point {
        whole = whole.checked_mul(10).and_then(|w| w.checked_add(digit(i))).ok_or(RANGE)?;
    }
    let nanos = (point..point + 9).fold(0, |n, i| n * 10 + digit(i));
    let total = i128::from(whole) * 1_000_000_000 + i128::from(nanos);
    let total = if negative { -total } else { total };
    let secs = i64::try_from(total.div_euclid(1_000_000_000)).map_err(|_| RANGE)?;
    Ok(DateTime { secs, nanos: total.rem_euclid(1_000_000_000) as u32 })
}

/// `YYYYMMDDTHHMMSSZ` of the whole second of `time` (SigV4's `X-Amz-Date`), for years 0 to 9999;
/// written digit by digit because every signed request needs one.
pub(crate) fn basic_iso8601(time: DateTime) -> Option<String> {
    let (days, secs_of_day) = split_days(time.secs);
    let (year, month, day) = civil_from_days(days);
    let year = u32::try_from(year).ok().filter(|y| *y <= 9999)?;
    let clock = secs_of_day as u32;
    let fields = [(year, 4), (month, 2), (day, 2), (clock / 3600, 2), (clock / 60 % 60, 2), (clock % 60, 2)];
    let mut out = String::with_capacity(16);
    for (i, (value, width)) in fields.into_iter().enumerate() {
        if i == 3 {
            out.push('T');
        }
        for place in (0..width).rev() {
            out.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
        }
    }
    out.push('Z');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_iso8601_is_rfc3339_without_separators() {
        // Every edge of the four-digit years, leap days, month ends and a spread of instants.
        let mut samples = vec![-62_167_219_200, 253_402_300_799, 0, 951_782_400, 1_440_938_160, 4_107_542_399];
        let mut x: i64 = 88_172_645_463_325_252;
        for _ in 0..2_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            samples.push(x.rem_euclid(253_402_300_800 + 62_167_219_200) - 62_167_219_200);
        }
        for secs in samples {
            let time = DateTime::from_secs(secs);
            let expected: String =
                time.fmt(crate::types::TimestampFormat::DateTime).chars().filter(|c| !matches!(c, '-' | ':')).collect();
            assert_eq!(basic_iso8601(time).as_deref(), Some(expected.as_str()), "{secs}");
        }
        assert_eq!(basic_iso8601(DateTime::from_secs(-62_167_219_201)), None);
        assert_eq!(basic_iso8601(DateTime::from_secs(253_402_300_800)), None);
    }

    /// Checks rows of `input | secs nanos | expected formatting`.
    fn check_table(format: Format, table: &str) {
        for row in table.lines().filter(|row| !row.trim().is_empty()) {
            let cols: Vec<&str> = row.split('|').collect();
            let dt = DateTime::parse(cols[0], format).unwrap_or_else(|e| panic!("{e}"));
            let expected: Vec<i64> = cols[1].split_whitespace().map(|n| n.parse().unwrap()).collect();
            assert_eq!([dt.secs(), dt.subsec_nanos().into()], expected[..], "{row}");
            assert_eq!(dt.fmt(format), cols[2].trim(), "{row}");
        }
    }

    fn rfc(s: &str) -> DateTime {
        DateTime::parse(s, Format::DateTime).unwrap()
    }

    #[test]
    fn the_utc_fast_path_agrees_with_the_general_parser() {
        // Every one-byte change of a few valid stamps: the fast path either declines or gives
        // what the general parser gives.
        let seeds = ["2026-11-23T00:00:00.000Z", "2024-02-29T23:59:60Z", "1999-12-31t12:34:56.123456789z"];
        // Every byte value: the word checks must refuse each non-digit next to the digits.
        let every: Vec<u8> = (0..=255).collect();
        let bytes = every.as_slice();
        let mut taken = 0;
        for seed in seeds {
            let seed = seed.as_bytes();
            let mut inputs = vec![seed.to_vec(), [seed, b"0"].concat(), seed[..seed.len() - 1].to_vec()];
            for i in 0..seed.len() {
                for &b in bytes {
                    let mut input = seed.to_vec();
                    input[i] = b;
                    inputs.push(input);
                }
            }
            for input in inputs {
                if let Some(fast) = parse_rfc3339_utc(&input) {
                    taken += 1;
                    assert_eq!(Ok(fast), parse_rfc3339_general(&input), "{}", String::from_utf8_lossy(&input));
                }
            }
        }
        assert!(taken > 300, "the fast path took only {taken} inputs");
        let stamp = parse_rfc3339_utc(b"2026-11-23T01:02:03.5Z").unwrap();
        assert_eq!((stamp.secs(), stamp.subsec_nanos()), (1_795_395_723, 500_000_000));
        assert_eq!(parse_rfc3339_utc(b"2026-02-30T00:00:00Z"), None);
        assert_eq!(parse_rfc3339_utc(b"2026-11-23T00:00:00+00:00"), None);
    }

    #[test]
    fn the_utc_fast_path_agrees_with_parse_on_mutated_stamps() {
        // Stamps with every fraction length from none to ten digits, each mutated at one and at
        // two random positions (a small xorshift keeps the run repeatable), compared with the
        // public parser: the fast path declines or gives the same instant.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut random = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let bytes = b"0123456789-:.TtZz+ x\xc3";
        let mut seeds = vec!["2026-11-23T00:00:00Z".to_owned(), "0000-01-01T00:00:00Z".to_owned()];
        for digits in 1..=10 {
            seeds.push(format!("2024-02-29T23:59:60.{}Z", &"1234567891"[..digits]));
        }
        let (mut taken, mut declined) = (0, 0);
        for seed in &seeds {
            for round in 0..400 {
                let mut input = seed.as_bytes().to_vec();
                for _ in 0..1 + round % 2 {
                    let at = random(input.len());
                    input[at] = bytes[random(bytes.len())];
                }
                if round % 7 == 0 {
                    input.truncate(random(input.len() + 1));
                }
                let Ok(text) = std::str::from_utf8(&input) else { continue };
                match DateTime::parse_utc_fast(text) {
                    Some(fast) => {
                        taken += 1;
                        assert_eq!(Ok(fast), DateTime::parse(text, Format::DateTime), "{text:?}");
                    }
                    None => declined += 1,
                }
            }
            let fast = DateTime::parse_utc_fast(seed).unwrap_or(DateTime::MIN);
            match seed.len() > 30 {
                true => assert_eq!(DateTime::parse_utc_fast(seed), None, "{seed}"),
                false => assert_eq!(Ok(fast), DateTime::parse(seed, Format::DateTime), "{seed}"),
            }
        }
        assert!(taken > 200 && declined > 2000, "taken {taken}, declined {declined}");
        let stamp = DateTime::parse_utc_fast("2024-02-29T23:59:60.123456789Z").unwrap();
        assert_eq!((stamp.secs(), stamp.subsec_nanos()), (1_709_251_199, 123_456_789));
        assert_eq!(DateTime::parse_utc_fast("2024-02-29T23:59:59.1Z").unwrap().subsec_nanos(), 100_000_000);
        assert_eq!(DateTime::parse_utc_fast("2024-02-29T23:59:59.Z"), None);
        assert_eq!(DateTime::parse_utc_fast(" 2024-02-29T23:59:59Z"), None);
    }

    #[test]
    fn rfc3339_vectors() {
        check_table(
            Format::DateTime,
            "
1970-01-01T00:00:00Z|0 0|1970-01-01T00:00:00Z
2014-04-29T18:30:38Z|1398796238 0|2014-04-29T18:30:38Z
2014-04-29T18:30:38.123Z|1398796238 123000000|2014-04-29T18:30:38.123Z
2014-04-29T18:30:38.123456Z|1398796238 123456000|2014-04-29T18:30:38.123456Z
2014-04-29T18:30:38.000000001Z|1398796238 1|2014-04-29T18:30:38.000000001Z
2014-04-29t18:30:38z|1398796238 0|2014-04-29T18:30:38Z
2014-04-29T19:30:38+01:00|1398796238 0|2014-04-29T18:30:38Z
2014-04-29T13:00:38-05:30|1398796238 0|2014-04-29T18:30:38Z
1969-12-31T23:59:59.5Z|-1 500000000|1969-12-31T23:59:59.5Z
1900-01-01T00:00:00Z|-2208988800 0|1900-01-01T00:00:00Z
2000-02-29T12:00:00Z|951825600 0|2000-02-29T12:00:00Z
2024-02-29T00:00:00Z|1709164800 0|2024-02-29T00:00:00Z
0001-01-01T00:00:00Z|-62135596800 0|0001-01-01T00:00:00Z
0000-01-01T00:00:00+00:01|-62167219260 0|-0001-12-31T23:59:00Z
9999-12-31T23:59:59.999999999Z|253402300799 999999999|9999-12-31T23:59:59.999999999Z
2016-12-31T23:59:60.25Z|1483228799 250000000|2016-12-31T23:59:59.25Z
2014-04-29T18:30:38.1234567891234Z|1398796238 123456789|2014-04-29T18:30:38.123456789Z
 2014-04-29T18:30:38Z |1398796238 0|2014-04-29T18:30:38Z",
        );
        let micros = rfc("2014-04-29T18:30:38.123456Z");
        assert_eq!(micros.fmt_iso8601_millis(), "2014-04-29T18:30:38.123Z");
        assert_eq!(rfc("2014-04-29T18:30:38.1Z").fmt_iso8601_millis(), "2014-04-29T18:30:38.1Z");
        assert_eq!(micros.to_string(), "2014-04-29T18:30:38.123456Z");
        assert_eq!("2014-04-29T18:30:38Z".parse(), Ok(DateTime::from_secs(1_398_796_238)));
        assert_eq!(format!("{:?}", DateTime::UNIX_EPOCH), "DateTime(1970-01-01T00:00:00Z)");
        assert_eq!(DateTime::MAX.to_string(), "+292277026596-12-04T15:30:07.999999999Z");
        assert_eq!(DateTime::MIN.to_string(), "-292277022657-01-27T08:29:52Z");
    }

    #[test]
    fn http_date_vectors() {
        check_table(
            Format::HttpDate,
            "
Tue, 29 Apr 2014 18:30:38 GMT|1398796238 0|Tue, 29 Apr 2014 18:30:38 GMT
tue, 29 apr 2014 18:30:38 gmt|1398796238 0|Tue, 29 Apr 2014 18:30:38 GMT
Tue, 29 Apr 2014 18:30:38.123 GMT|1398796238 123000000|Tue, 29 Apr 2014 18:30:38 GMT
Mon, 29 Apr 2014 18:30:38 GMT|1398796238 0|Tue, 29 Apr 2014 18:30:38 GMT
Tuesday, 29-Apr-14 18:30:38 GMT|1398796238 0|Tue, 29 Apr 2014 18:30:38 GMT
Sunday, 06-Nov-94 08:49:37 GMT|784111777 0|Sun, 06 Nov 1994 08:49:37 GMT
Sun, 6 Nov 1994 08:49:37 GMT|784111777 0|Sun, 06 Nov 1994 08:49:37 GMT
Sun Nov  6 08:49:37 1994|784111777 0|Sun, 06 Nov 1994 08:49:37 GMT
Tue Apr 29 18:30:38 2014|1398796238 0|Tue, 29 Apr 2014 18:30:38 GMT
Thu, 01 Jan 1970 00:00:00 GMT|0 0|Thu, 01 Jan 1970 00:00:00 GMT
Wed, 31 Dec 1969 23:59:59.5 GMT|-1 500000000|Wed, 31 Dec 1969 23:59:59 GMT
Tue, 29 Feb 2000 00:00:00 GMT|951782400 0|Tue, 29 Feb 2000 00:00:00 GMT
Fri, 31 Dec 9999 23:59:59 GMT|253402300799 0|Fri, 31 Dec 9999 23:59:59 GMT",
        );
    }

    #[test]
    fn epoch_seconds_vectors() {
        check_table(
            Format::EpochSeconds,
            "
0|0 0|0
1398796238|1398796238 0|1398796238
1398796238.123|1398796238 123000000|1398796238.123
1398796238.120|1398796238 120000000|1398796238.12
1.398796238E9|1398796238 0|1398796238
1.398796238123e+9|1398796238 123000000|1398796238.123
13987962381230e-4|1398796238 123000000|1398796238.123
-1|-1 0|-1
-0.5|-1 500000000|-0.5
-1.25|-2 750000000|-1.25
-0|0 0|0
+7|7 0|7
.5|0 500000000|0.5
5.|5 0|5
0.0000000019|0 1|0.000000001
1e-300|0 0|0
0e99999999999999999999999|0 0|0
9223372036854775807|9223372036854775807 0|9223372036854775807
-9223372036854775808|-9223372036854775808 0|-9223372036854775808
253402300799.999999999|253402300799 999999999|253402300799.999999999",
        );
    }

    #[test]
    fn malformed_inputs_are_rejected() {
        // Rows hold `|`-separated inputs; every one of them must be rejected.
        let cases = [
            (
                Format::DateTime,
                "garbage|2014-13-01T00:00:00Z|2014-00-01T00:00:00Z|2014-02-30T00:00:00Z
                2014-02-29T00:00:00Z|1900-02-29T00:00:00Z|2014-04-31T00:00:00Z|14-04-29T18:30:38Z
                2014-04-29T24:00:00Z|2014-04-29T18:60:00Z|2014-04-29T18:30:61Z|2014-4-29T18:30:38Z
                2014-04-29T18:30:38|2014-04-29 18:30:38Z|2014-04-29T18:30:38.Z|2014-04-29T18:30Z
                2014-04-29T18:30:38+0100|2014-04-29T18:30:38+24:00|2014-04-29T18:30:38ZZ
                +12014-04-29T18:30:38Z|2014-04-29T18:30:38Z x|２０１４-04-29T18:30:38Z",
            ),
            (
                Format::HttpDate,
                "Tue, 29 Apr 2014 18:30:38|Tue, 30 Feb 2014 18:30:38 GMT|Tue, 29 Apr 14 18:30:38 GMT
                Xyz, 29 Apr 2014 18:30:38 GMT|Tue, 29 Foo 2014 18:30:38 GMT|Tue 29 Apr 2014 18:30:38
                Tue, 29 Apr 2014 18:30:38 UTC|Tue, 29 Apr 2014 25:30:38 GMT|Sun Nov 6 08:49:37 94
                Tue, 29-Apr-2014 18:30:38 GMTx|Tue, 29 Apr 2014 18:30:38 GMT+1|Tue,29 Apr 2014",
            ),
            (
                Format::EpochSeconds,
                "-|.|e5|1e|1e+|1.2.3|0x10|1 2|NaN|inf|--1|1e19|1e999999999999999999999
                9223372036854775808|-9223372036854775808.5|1_000",
            ),
        ];
        for (format, inputs) in cases {
            for input in inputs.split(['|', '\n']).chain(["", " "]) {
                assert!(DateTime::parse(input, format).is_err(), "{input:?}");
            }
        }
        let message = |input: &str, format| DateTime::parse(input, format).unwrap_err().to_string();
        let err = message("2014-13-01T00:00:00Z", Format::DateTime);
        assert!(err.contains("\"2014-13-01T00:00:00Z\": the month"), "{err}");
        assert!(err.contains("RFC 3339"), "{err}");
        let err = message(&"x".repeat(500), Format::HttpDate);
        assert!(err.contains(&format!("\"{}…\"", "x".repeat(64))), "{err}");
        let _: &dyn std::error::Error = &DateTime::parse("", Format::EpochSeconds).unwrap_err();
    }

    #[test]
    fn fractional_seconds_conversions() {
        let parts = |f: f64| {
            let dt = DateTime::from_fractional_secs(f);
            (dt.secs(), dt.subsec_nanos())
        };
        assert_eq!(parts(1_398_796_238.123), (1_398_796_238, 123_000_000));
        assert_eq!(parts(1_398_796_238.123_456), (1_398_796_238, 123_456_000));
        assert_eq!(parts(-0.5), (-1, 500_000_000));
        assert_eq!(parts(0.000_000_001), (0, 1));
        assert_eq!(parts(-1e-20), (0, 0));
        assert_eq!(parts(0.999_999_999_9), (1, 0));
        assert_eq!(parts(i64::MIN as f64), (i64::MIN, 0));
        assert_eq!(DateTime::from_fractional_secs(1e30), DateTime::MAX);
        assert_eq!(DateTime::from_fractional_secs(f64::NEG_INFINITY), DateTime::MIN);
        assert_eq!(DateTime::from_fractional_secs(f64::NAN), DateTime::UNIX_EPOCH);
        let err = DateTime::try_from_fractional_secs(f64::NAN).unwrap_err();
        assert!(err.to_string().contains("NaN"), "{err}");
        assert!(DateTime::try_from_fractional_secs(9.3e18).is_err());
        let carried = DateTime::from_secs_and_nanos(1, 2_500_000_000);
        assert_eq!(carried, DateTime::from_secs_and_nanos(3, 500_000_000));
        assert_eq!(DateTime::from_millis(-1500), DateTime::from_secs_and_nanos(-2, 500_000_000));
        assert_eq!(DateTime::from_secs_and_nanos(-1, 500_000_000).as_fractional_secs(), -0.5);
    }

    #[test]
    fn system_time_conversions() {
        let now = SystemTime::now();
        assert_eq!(SystemTime::try_from(DateTime::from(now)), Ok(now));
        let before = UNIX_EPOCH - Duration::from_millis(1500);
        assert_eq!(DateTime::from(before), DateTime::from_millis(-1500));
        assert_eq!(SystemTime::try_from(DateTime::from_millis(-1500)), Ok(before));
        // Whether the extremes fit is platform-specific; either way nothing panics.
        for extreme in [DateTime::MIN, DateTime::MAX] {
            if let Ok(time) = SystemTime::try_from(extreme) {
                assert_eq!(DateTime::from(time), extreme);
            }
        }
        assert!(DateTime::now() > rfc("2020-01-01T00:00:00Z"));
    }

    #[test]
    fn civil_algorithm_matches_day_by_day_walk() {
        let mut days = days_from_civil(0, 1, 1);
        for year in 0..=9999 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(days_from_civil(year, month, day), days);
                    assert_eq!(civil_from_days(days), (year, month, day));
                    days += 1;
                }
            }
        }
    }

    /// A tiny xorshift generator so the fuzz loop is deterministic and needs no crate.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn random_inputs_never_panic_and_values_round_trip() {
        let mut rng = 0x2545_f491_4f6c_dd1d_u64;
        let alphabet = b"0123456789-+:.TZtz ,eEGMTueAprNov\xff";
        let seeds = [
            "2014-04-29T18:30:38.123+01:00",
            "Tue, 29 Apr 2014 18:30:38.5 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "-1.398796238E9",
        ];
        let formats = [Format::DateTime, Format::HttpDate, Format::EpochSeconds];
        for _ in 0..30_000 {
            let mut bytes = seeds[xorshift(&mut rng) as usize % seeds.len()].as_bytes().to_vec();
            for _ in 0..=xorshift(&mut rng) % 4 {
                let r = xorshift(&mut rng) as usize;
                let (pos, byte) = (r % (bytes.len() + 1), alphabet[(r >> 8) % alphabet.len()]);
                match (r >> 16) % 3 {
                    0 if pos < bytes.len() => bytes[pos] = byte,
                    1 if pos < bytes.len() => drop(bytes.remove(pos)),
                    _ => bytes.insert(pos, byte),
                }
            }
            let input = String::from_utf8_lossy(&bytes);
            for format in formats {
                let _ = DateTime::parse(&input, format).map(|dt| dt.fmt(format));
            }
            // Every instant in 0001..=9999 survives the lossless formats exactly.
            let secs = (xorshift(&mut rng) % 315_537_897_600) as i64 - 62_135_596_800;
            let dt = DateTime::from_secs_and_nanos(secs, (xorshift(&mut rng) % 1_000_000_000) as u32);
            for format in [Format::DateTime, Format::EpochSeconds] {
                assert_eq!(DateTime::parse(&dt.fmt(format), format), Ok(dt));
            }
            let http = DateTime::parse(&dt.fmt(Format::HttpDate), Format::HttpDate);
            assert_eq!(http, Ok(DateTime::from_secs(secs)));
            let any = DateTime::from_secs_and_nanos(xorshift(&mut rng) as i64, 7);
            let _ = (any.to_string(), any.fmt(Format::HttpDate));
            let epoch = DateTime::parse(&any.fmt(Format::EpochSeconds), Format::EpochSeconds);
            assert_eq!(epoch, Ok(any));
        }
    }
}
