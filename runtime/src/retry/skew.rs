//! Clock skew: recognising that a request was rejected because the local clock is wrong, and
//! correcting the time used for signing.
//!
//! botocore has no clock-skew handling at all (a skewed clock fails every call), so this follows
//! the other AWS SDKs: the error codes are the list shared by the Java v2 and JavaScript v3 SDKs,
//! and the four-minute threshold for ambiguous codes is the Java SDK's.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use crate::types::{DateTime, TimestampFormat};

/// Error codes with which services reject a request whose signing time is too far from theirs.
pub const CLOCK_SKEW_ERROR_CODES: [&str; 6] = [
    "RequestTimeTooSkewed",
    "RequestExpired",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "RequestInTheFuture",
];

/// The codes among [`CLOCK_SKEW_ERROR_CODES`] that also mean plain bad credentials or a bad
/// signature; they are only treated as skew when the clocks really disagree.
const AMBIGUOUS_CODES: [&str; 3] = ["InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure"];

/// Below this disagreement an ambiguous code is not blamed on the clock (the Java SDK's value;
/// SigV4 itself allows five minutes).
pub const SKEW_THRESHOLD: Duration = Duration::from_secs(4 * 60);

/// True for the error codes that mean the request's time was off.
pub fn is_clock_skew_error(code: &str) -> bool {
    CLOCK_SKEW_ERROR_CODES.contains(&code)
}

/// A signed clock difference with millisecond resolution: server time minus local time, so that
/// the server's time is local time plus the offset. Positive means the local clock is behind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockOffset {
    millis: i64,
}

impl ClockOffset {
    /// No difference.
    pub const ZERO: ClockOffset = ClockOffset { millis: 0 };

    /// An offset of `millis` milliseconds (server minus local).
    pub const fn from_millis(millis: i64) -> Self {
        ClockOffset { millis }
    }

    /// The offset in milliseconds (server minus local).
    pub const fn as_millis(self) -> i64 {
        self.millis
    }

    /// How far apart the clocks are, whichever is ahead.
    pub const fn magnitude(self) -> Duration {
        Duration::from_millis(self.millis.unsigned_abs())
    }

    /// `time` moved by the offset: a local reading turned into the server's time. Saturates to
    /// `time` itself in the unrepresentable case rather than failing.
    pub fn apply(self, time: SystemTime) -> SystemTime {
        let shifted =
            if self.millis >= 0 { time.checked_add(self.magnitude()) } else { time.checked_sub(self.magnitude()) };
        shifted.unwrap_or(time)
    }
}

/// The offset between a response's `Date` header (IMF-fixdate, e.g.
/// `Tue, 29 Apr 2014 18:30:38 GMT`) and the local time `local_now` at which it was received.
/// `None` when the header does not parse. The header has whole seconds, so the offset is only
/// good to about a second, which is plenty against limits measured in minutes.
pub fn skew_from_date_header(date_header: &str, local_now: SystemTime) -> Option<ClockOffset> {
    let server = DateTime::parse(date_header, TimestampFormat::HttpDate).ok()?;
    let local = DateTime::from(local_now);
    let nanos = (i128::from(server.secs()) - i128::from(local.secs())) * 1_000_000_000
        + (i128::from(server.subsec_nanos()) - i128::from(local.subsec_nanos()));
    let millis = nanos.div_euclid(1_000_000);
    Some(ClockOffset::from_millis(millis.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64))
}

/// The clock correction of one client, shared by its requests and its signer.
///
/// It holds one `AtomicI64` of milliseconds, so reading it on every signature is free and
/// concurrent corrections simply leave the latest measurement.
#[derive(Debug, Default)]
pub struct SkewCorrector {
    offset_millis: AtomicI64,
}

impl SkewCorrector {
    /// A corrector that trusts the local clock.
    pub const fn new() -> Self {
        SkewCorrector { offset_millis: AtomicI64::new(0) }
    }

    /// The current correction.
    pub fn offset(&self) -> ClockOffset {
        ClockOffset::from_millis(self.offset_millis.load(Ordering::Relaxed))
    }

    /// Replaces the correction.
    pub fn set(&self, offset: ClockOffset) {
        self.offset_millis.store(offset.as_millis(), Ordering::Relaxed);
    }

    /// The corrected time for a local reading `now`: what the signer should use.
    pub fn apply(&self, now: SystemTime) -> SystemTime {
        self.offset().apply(now)
    }

    /// The corrected current time.
    pub fn now(&self) -> SystemTime {
        self.apply(SystemTime::now())
    }

    /// Handles an error response: when `error_code` is a clock-skew code that the measured
    /// `server_offset` (from [`skew_from_date_header`]) explains, stores the offset and returns
    /// true, meaning one retry signed with the corrected time can succeed.
    ///
    /// Unambiguous codes (`RequestTimeTooSkewed`, `RequestExpired`, `RequestInTheFuture`) always
    /// qualify: even with a small offset, re-signing with a fresh time fixes a request that waited
    /// too long before being sent. Signature and auth failures qualify only when the clocks differ
    /// by at least [`SKEW_THRESHOLD`], so that bad credentials are not retried.
    pub fn correct(&self, error_code: &str, server_offset: ClockOffset) -> bool {
        if !is_clock_skew_error(error_code) {
            return false;
        }
        if AMBIGUOUS_CODES.contains(&error_code) && server_offset.magnitude() < SKEW_THRESHOLD {
            return false;
        }
        self.set(server_offset);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    /// `Tue, 29 Apr 2014 18:30:38 GMT` as seconds since the epoch.
    const DATE: &str = "Tue, 29 Apr 2014 18:30:38 GMT";
    const DATE_SECS: u64 = 1_398_796_238;

    fn at(secs: u64, millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis)
    }

    #[test]
    fn skew_codes() {
        for code in CLOCK_SKEW_ERROR_CODES {
            assert!(is_clock_skew_error(code));
        }
        for code in ["requesttimetooskewed", "AccessDenied", "ExpiredToken", "Throttling"] {
            assert!(!is_clock_skew_error(code), "{code}");
        }
    }

    #[test]
    fn offset_from_date_header_is_server_minus_local() {
        assert_eq!(skew_from_date_header(DATE, at(DATE_SECS, 0)), Some(ClockOffset::ZERO));
        // The local clock is 10 minutes behind: positive.
        let behind = skew_from_date_header(DATE, at(DATE_SECS - 600, 0)).unwrap();
        assert_eq!(behind.as_millis(), 600_000);
        // The local clock is 15 min 0.25 s ahead: negative.
        let ahead = skew_from_date_header(DATE, at(DATE_SECS + 900, 250)).unwrap();
        assert_eq!(ahead.as_millis(), -900_250);
        assert_eq!(ahead.magnitude(), Duration::from_millis(900_250));
        // Sub-millisecond remainders round towards the past, consistently on both sides.
        let fraction = skew_from_date_header(DATE, UNIX_EPOCH + Duration::new(DATE_SECS, 400_000)).unwrap();
        assert_eq!(fraction.as_millis(), -1);
    }

    #[test]
    fn unparseable_date_headers_give_nothing() {
        for bad in
            ["", "yesterday", "2014-04-29T18:30:38Z", "Tue, 29 Apr 2014 18:30:38", "Tue, 32 Apr 2014 18:30:38 GMT"]
        {
            assert_eq!(skew_from_date_header(bad, at(DATE_SECS, 0)), None, "{bad:?}");
        }
        // Surrounding whitespace, as header values may carry, is fine.
        assert_eq!(skew_from_date_header(" Tue, 29 Apr 2014 18:30:38 GMT ", at(DATE_SECS, 0)), Some(ClockOffset::ZERO));
    }

    #[test]
    fn apply_moves_local_time_to_server_time() {
        let local = at(DATE_SECS, 0);
        assert_eq!(ClockOffset::from_millis(1_500).apply(local), at(DATE_SECS + 1, 500));
        assert_eq!(ClockOffset::from_millis(-2_000).apply(local), at(DATE_SECS - 2, 0));
        assert_eq!(ClockOffset::ZERO.apply(local), local);
        let offset = skew_from_date_header(DATE, at(DATE_SECS + 3_600, 0)).unwrap();
        assert_eq!(offset.apply(at(DATE_SECS + 3_600, 0)), at(DATE_SECS, 0));
    }

    #[test]
    fn corrector_fixes_unambiguous_codes_whatever_the_offset() {
        let corrector = SkewCorrector::new();
        assert_eq!(corrector.apply(at(DATE_SECS, 0)), at(DATE_SECS, 0));
        assert!(corrector.correct("RequestTimeTooSkewed", ClockOffset::from_millis(-1_200_000)));
        assert_eq!(corrector.offset().as_millis(), -1_200_000);
        assert_eq!(corrector.apply(at(DATE_SECS + 1_200, 0)), at(DATE_SECS, 0));
        assert!(corrector.correct("RequestExpired", ClockOffset::from_millis(300)));
        assert!(corrector.correct("RequestInTheFuture", ClockOffset::from_millis(-400_000)));
        assert_eq!(corrector.offset().as_millis(), -400_000);
    }

    #[test]
    fn corrector_needs_a_real_disagreement_for_ambiguous_codes() {
        let corrector = SkewCorrector::new();
        for code in ["SignatureDoesNotMatch", "InvalidSignatureException", "AuthFailure"] {
            corrector.set(ClockOffset::ZERO);
            assert!(!corrector.correct(code, ClockOffset::from_millis(2_000)), "{code}");
            assert!(!corrector.correct(code, ClockOffset::from_millis(-239_999)), "{code}");
            assert_eq!(corrector.offset(), ClockOffset::ZERO);
            assert!(corrector.correct(code, ClockOffset::from_millis(240_000)), "{code}");
            assert!(corrector.correct(code, ClockOffset::from_millis(-3_600_000)), "{code}");
        }
        assert!(!corrector.correct("AccessDenied", ClockOffset::from_millis(3_600_000)));
        assert_eq!(corrector.offset().as_millis(), -3_600_000);
    }

    #[test]
    fn extreme_offsets_saturate_instead_of_panicking() {
        let offset = skew_from_date_header("Fri, 31 Dec 9999 23:59:59 GMT", UNIX_EPOCH).unwrap();
        assert!(offset.as_millis() > 0);
        assert_eq!(ClockOffset::from_millis(i64::MIN).magnitude(), Duration::from_millis(i64::MIN.unsigned_abs()));
        let _ = ClockOffset::from_millis(i64::MIN).apply(UNIX_EPOCH);
    }
}
