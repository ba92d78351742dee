//! Clock skew correction, as the AWS SDKs do it: SigV4 signatures carry the signing time, and a
//! service refuses one too far from its own clock (`RequestTimeTooSkewed`,
//! `SignatureDoesNotMatch`, `InvalidSignatureException`...). When such an error response
//! carries a `Date` more than four minutes away from the client's (corrected) clock, the client
//! adopts the server's clock as an offset, kept for the client's later calls, and the attempt
//! is retried (it was refused before being acted on, so this is safe for any operation).
//! A signature error whose `Date` agrees with ours is a real signature problem: not retried.

use super::error::HttpResponse;
use super::primitives::{DateTime, DateTimeFormat};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Error codes a service answers with when the signing time is too far from its clock (also
/// sent for other signature problems: the `Date` of the response tells them apart).
pub const CLOCK_SKEW_ERROR_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];

/// How far the server's clock must be from ours before it is adopted.
pub const SKEW_THRESHOLD: Duration = Duration::from_secs(4 * 60);

/// The offset, in milliseconds, added to the local clock when signing; shared by a client's
/// calls.
#[derive(Debug, Default)]
pub struct ClockOffset(AtomicI64);

impl ClockOffset {
    /// An offset of `millis`.
    pub fn new(millis: i64) -> Self {
        ClockOffset(AtomicI64::new(millis))
    }
    /// The offset in milliseconds (server minus local).
    pub fn millis(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
    /// The corrected time of `local`.
    pub fn apply(&self, local: SystemTime) -> SystemTime {
        let offset = self.millis();
        let magnitude = Duration::from_millis(offset.unsigned_abs());
        let shifted = if offset >= 0 { local.checked_add(magnitude) } else { local.checked_sub(magnitude) };
        shifted.unwrap_or(local)
    }
    /// The corrected current time.
    pub fn now(&self) -> SystemTime {
        self.apply(SystemTime::now())
    }
    /// Adopts the server's clock when `response` is a clock-skew error (`code`) whose `Date`
    /// is more than [`SKEW_THRESHOLD`] from our corrected clock at `local`; true when it did
    /// (the attempt should be retried).
    pub fn correct(&self, response: &HttpResponse, code: Option<&str>, local: SystemTime) -> bool {
        let Some(code) = code.map(super::retry::sanitize_error_code) else { return false };
        if !CLOCK_SKEW_ERROR_CODES.contains(&code) {
            return false;
        }
        let Some(server) = response_date(response) else { return false };
        let ours = millis_since_epoch(self.apply(local));
        if ours.abs_diff(server) <= SKEW_THRESHOLD.as_millis() as u64 {
            return false;
        }
        self.0.store(server.saturating_sub(millis_since_epoch(local)), Ordering::Relaxed);
        true
    }
}

fn millis_since_epoch(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// The response's `Date` header (an HTTP date) in milliseconds since the epoch.
fn response_date(response: &HttpResponse) -> Option<i64> {
    let date = DateTime::from_str(response.header("date")?.trim(), DateTimeFormat::HttpDate).ok()?;
    date.secs().checked_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(code_date: Option<&str>) -> HttpResponse {
        let mut headers = http::HeaderMap::new();
        if let Some(d) = code_date {
            headers.insert("date", http::HeaderValue::from_str(d).unwrap());
        }
        HttpResponse::new(403, headers, Vec::new())
    }

    #[test]
    fn a_skewed_date_on_a_skew_error_is_adopted_once() {
        let local = UNIX_EPOCH + Duration::from_secs(1_700_000_000); // Tue, 14 Nov 2023 22:13:20 GMT
        let clock = ClockOffset::default();
        let two_hours_ahead = response(Some("Wed, 15 Nov 2023 00:13:20 GMT"));
        assert!(clock.correct(&two_hours_ahead, Some("RequestTimeTooSkewed"), local));
        assert_eq!(clock.millis(), 7_200_000);
        assert_eq!(clock.apply(local), local + Duration::from_secs(7200));
        // The same answer again: our corrected clock agrees with it, nothing to retry.
        assert!(!clock.correct(&two_hours_ahead, Some("RequestTimeTooSkewed"), local));
        // Behind, with a namespaced code.
        let clock = ClockOffset::default();
        assert!(clock.correct(&response(Some("Mon, 13 Nov 2023 22:13:20 GMT")), Some("aws#SignatureDoesNotMatch"), local));
        assert_eq!(clock.millis(), -86_400_000);
        assert_eq!(clock.apply(local), local - Duration::from_secs(86_400));
    }

    #[test]
    fn other_errors_small_skews_and_missing_dates_change_nothing() {
        let local = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let clock = ClockOffset::default();
        let ahead = response(Some("Wed, 15 Nov 2023 00:13:20 GMT"));
        assert!(!clock.correct(&ahead, Some("AccessDenied"), local));
        assert!(!clock.correct(&ahead, None, local));
        assert!(!clock.correct(&response(Some("Tue, 14 Nov 2023 22:16:20 GMT")), Some("SignatureDoesNotMatch"), local), "3 minutes");
        assert!(!clock.correct(&response(None), Some("SignatureDoesNotMatch"), local));
        assert!(!clock.correct(&response(Some("not a date")), Some("SignatureDoesNotMatch"), local));
        assert_eq!(clock.millis(), 0);
    }
}
