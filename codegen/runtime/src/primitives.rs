//! Smithy's primitive value types that Rust's standard library lacks: `Blob`, `DateTime`,
//! `Document`, `BigInteger` and `BigDecimal` (names as in aws-sdk-rust's `primitives`).

use std::collections::HashMap;
use std::fmt;

/// Binary data (a Smithy `blob`), sent as base64 in JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Blob(Vec<u8>);

impl Blob {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Blob(bytes.into())
    }
    /// The bytes.
    pub fn as_ref(&self) -> &[u8] {
        &self.0
    }
    /// Takes the bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(v: Vec<u8>) -> Self {
        Blob(v)
    }
}

impl From<&[u8]> for Blob {
    fn from(v: &[u8]) -> Self {
        Blob(v.to_vec())
    }
}

/// The body of a `@streaming` blob member (aws-sdk-rust's `ByteStream`): a request body built
/// from bytes or a file, or a response body to `collect()`.
///
/// This version holds the body in memory: `from_path` reads the file when the stream is built
/// and response bodies arrive whole from the transport.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ByteStream(Vec<u8>);

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ByteStream({} bytes)", self.0.len())
    }
}

impl ByteStream {
    /// A stream of these bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        ByteStream(bytes.into())
    }
    /// A stream of static bytes.
    pub fn from_static(bytes: &'static [u8]) -> Self {
        ByteStream(bytes.to_vec())
    }
    /// A stream of the file's contents.
    pub async fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self, std::io::Error> {
        std::fs::read(path).map(ByteStream)
    }
    /// All the bytes of the stream.
    pub async fn collect(self) -> Result<AggregatedBytes, std::io::Error> {
        Ok(AggregatedBytes(self.0))
    }
    /// The bytes, without awaiting (they are in memory).
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for ByteStream {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(v: Vec<u8>) -> Self {
        ByteStream(v)
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(v: &'static [u8]) -> Self {
        ByteStream(v.to_vec())
    }
}

impl From<&'static str> for ByteStream {
    fn from(v: &'static str) -> Self {
        ByteStream(v.as_bytes().to_vec())
    }
}

impl From<String> for ByteStream {
    fn from(v: String) -> Self {
        ByteStream(v.into_bytes())
    }
}

impl From<Blob> for ByteStream {
    fn from(v: Blob) -> Self {
        ByteStream(v.into_inner())
    }
}

/// The whole body of a [`ByteStream`], from `collect()`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AggregatedBytes(Vec<u8>);

impl AggregatedBytes {
    /// The bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
    /// The bytes, borrowed.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
}

/// How a timestamp is written on the wire (`@timestampFormat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateTimeFormat {
    /// Seconds since the Unix epoch, possibly fractional (the JSON protocols' default).
    EpochSeconds,
    /// RFC 3339 `date-time`, e.g. `1985-04-12T23:20:50.52Z`.
    DateTime,
    /// RFC 7231 IMF-fixdate, e.g. `Tue, 29 Apr 2014 18:30:38 GMT`.
    HttpDate,
}

/// A point in time with nanosecond precision (a Smithy `timestamp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    seconds: i64,
    subsec_nanos: u32,
}

const NANOS_PER_SECOND: i128 = 1_000_000_000;

impl DateTime {
    /// From whole seconds since the epoch.
    pub fn from_secs(seconds: i64) -> Self {
        DateTime { seconds, subsec_nanos: 0 }
    }
    /// From seconds and nanoseconds since the epoch (nanos are carried into seconds if ≥ 1e9).
    pub fn from_secs_and_nanos(seconds: i64, subsec_nanos: u32) -> Self {
        let total = seconds as i128 * NANOS_PER_SECOND + subsec_nanos as i128;
        Self::from_nanos_i128(total)
    }
    fn from_nanos_i128(total: i128) -> Self {
        let seconds = total.div_euclid(NANOS_PER_SECOND);
        let nanos = total.rem_euclid(NANOS_PER_SECOND);
        DateTime {
            seconds: seconds.clamp(i64::MIN as i128, i64::MAX as i128) as i64,
            subsec_nanos: nanos as u32,
        }
    }
    /// From fractional seconds since the epoch; `None` for NaN or out-of-range values.
    pub fn from_fractional_secs(value: f64) -> Option<Self> {
        if !value.is_finite() || value.abs() > 9.0e15 {
            return None;
        }
        let whole = value.floor();
        let nanos = ((value - whole) * 1e9).round() as i128;
        Some(Self::from_nanos_i128(whole as i128 * NANOS_PER_SECOND + nanos))
    }
    /// Whole seconds since the epoch (rounded down).
    pub fn secs(&self) -> i64 {
        self.seconds
    }
    /// Nanoseconds past the whole second.
    pub fn subsec_nanos(&self) -> u32 {
        self.subsec_nanos
    }
    /// Seconds since the epoch as a float.
    pub fn as_secs_f64(&self) -> f64 {
        self.seconds as f64 + self.subsec_nanos as f64 / 1e9
    }
    /// From a `SystemTime`.
    pub fn from_system_time(time: std::time::SystemTime) -> Self {
        match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => Self::from_secs_and_nanos(d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => {
                let d = e.duration();
                Self::from_nanos_i128(-(d.as_nanos() as i128))
            }
        }
    }

    /// Formats the timestamp in the given wire format.
    pub fn fmt(&self, format: DateTimeFormat) -> String {
        match format {
            DateTimeFormat::EpochSeconds => {
                if self.subsec_nanos == 0 {
                    self.seconds.to_string()
                } else {
                    let mut frac = format!("{:09}", self.subsec_nanos);
                    while frac.ends_with('0') {
                        frac.pop();
                    }
                    if self.seconds < 0 {
                        // -1.5 s is seconds = -2, nanos = 5e8.
                        format!("{}", self.as_secs_f64())
                    } else {
                        format!("{}.{}", self.seconds, frac)
                    }
                }
            }
            DateTimeFormat::DateTime => {
                let (y, mo, d, h, mi, s) = civil(self.seconds);
                let mut out = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
                if self.subsec_nanos != 0 {
                    let mut frac = format!("{:09}", self.subsec_nanos);
                    while frac.ends_with('0') {
                        frac.pop();
                    }
                    out.push('.');
                    out.push_str(&frac);
                }
                out.push('Z');
                out
            }
            DateTimeFormat::HttpDate => {
                let (y, mo, d, h, mi, s) = civil(self.seconds);
                let weekday = (self.seconds.div_euclid(86_400) + 4).rem_euclid(7) as usize;
                format!(
                    "{}, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT",
                    WEEKDAYS[weekday],
                    MONTHS[(mo - 1) as usize]
                )
            }
        }
    }

    /// Parses a timestamp written in the given format.
    pub fn from_str(text: &str, format: DateTimeFormat) -> Result<Self, DateTimeParseError> {
        let err = || DateTimeParseError(text.to_string());
        match format {
            DateTimeFormat::EpochSeconds => parse_epoch(text.trim()).ok_or_else(err),
            DateTimeFormat::DateTime => parse_rfc3339(text).ok_or_else(err),
            DateTimeFormat::HttpDate => parse_http_date(text).ok_or_else(err),
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&DateTime::fmt(self, DateTimeFormat::DateTime))
    }
}

/// A timestamp string that could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateTimeParseError(String);

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid timestamp: {:?}", self.0)
    }
}

impl std::error::Error for DateTimeParseError {}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Seconds since the epoch -> (year, month, day, hour, minute, second), proleptic Gregorian.
fn civil(seconds: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = seconds.div_euclid(86_400);
    let rem = seconds.rem_euclid(86_400);
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, (rem / 3600) as u32, ((rem % 3600) / 60) as u32, (rem % 60) as u32)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn from_parts(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> Option<DateTime> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + (h * 3600 + mi * 60 + s.min(59)) as i64;
    Some(DateTime::from_secs_and_nanos(secs, nanos))
}

fn parse_fraction(frac: &str) -> Option<u32> {
    if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut padded = frac.to_string();
    while padded.len() < 9 {
        padded.push('0');
    }
    padded.parse().ok()
}

/// Decimal epoch seconds, read digit by digit so `1398796238.52` keeps its exact fraction.
fn parse_epoch(text: &str) -> Option<DateTime> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 15 {
        // Exponents and other spellings: fall back to floating point.
        return text.parse::<f64>().ok().and_then(DateTime::from_fractional_secs);
    }
    let nanos = if frac.is_empty() {
        0
    } else {
        let kept = &frac[..frac.len().min(9)];
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parse_fraction(kept)?
    };
    let total = whole.parse::<i128>().ok()? * NANOS_PER_SECOND + nanos as i128;
    Some(DateTime::from_nanos_i128(if negative { -total } else { total }))
}

fn parse_rfc3339(text: &str) -> Option<DateTime> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', 't'])?;
    let mut dp = date.splitn(3, '-');
    let y = num(dp.next()?)? as i64;
    let mo = num(dp.next()?)?;
    let d = num(dp.next()?)?;
    // Offset: Z or ±hh:mm.
    let (clock, offset_secs) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0i64)
    } else {
        let pos = time.rfind(['+', '-'])?;
        let (c, off) = time.split_at(pos);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off.get(1..)?.split_once(':')?;
        (c, sign * (num(oh)? as i64 * 3600 + num(om)? as i64 * 60))
    };
    let (hms, frac) = match clock.split_once('.') {
        Some((a, b)) => (a, parse_fraction(b)?),
        None => (clock, 0),
    };
    let mut tp = hms.splitn(3, ':');
    let h = num(tp.next()?)?;
    let mi = num(tp.next()?)?;
    let s = num(tp.next()?)?;
    let dt = from_parts(y, mo, d, h, mi, s, frac)?;
    Some(DateTime::from_secs_and_nanos(dt.secs() - offset_secs, dt.subsec_nanos()))
}

fn parse_http_date(text: &str) -> Option<DateTime> {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (fractional seconds tolerated).
    let rest = text.trim().split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let d = num(parts.next()?)?;
    let month = parts.next()?;
    let mo = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let y = num(parts.next()?)? as i64;
    let clock = parts.next()?;
    if parts.next()? != "GMT" {
        return None;
    }
    let (hms, frac) = match clock.split_once('.') {
        Some((a, b)) => (a, parse_fraction(b)?),
        None => (clock, 0),
    };
    let mut tp = hms.splitn(3, ':');
    from_parts(y, mo, d, num(tp.next()?)?, num(tp.next()?)?, num(tp.next()?)?, frac)
}

/// An arbitrary-precision integer (a Smithy `bigInteger`), kept as its decimal text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BigInteger(String);

/// An arbitrary-precision decimal (a Smithy `bigDecimal`), kept as its decimal text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BigDecimal(String);

macro_rules! big_number {
    ($ty:ident, $what:literal) => {
        impl $ty {
            /// Parses decimal number text; returns `None` if it is not a JSON number.
            pub fn new(text: impl Into<String>) -> Option<Self> {
                let text = text.into();
                match serde_json::from_str::<serde_json::Number>(&text) {
                    Ok(_) => Some($ty(text)),
                    Err(_) => None,
                }
            }
            /// Zero.
            pub fn zero() -> Self {
                $ty("0".to_string())
            }
            /// The number as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::str::FromStr for $ty {
            type Err = super::error::MessageError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::new(s).ok_or_else(|| super::error::MessageError(format!("not a {}: {s:?}", $what)))
            }
        }
    };
}
big_number!(BigInteger, "bigInteger");
big_number!(BigDecimal, "bigDecimal");

/// The raw value of an enum variant the client does not know. Only the client can build one, so
/// that matching on it is never the way to handle a new value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnknownVariantValue(pub(crate) String);

impl UnknownVariantValue {
    /// Used by generated enums (public so a shared runtime crate can serve them).
    #[doc(hidden)]
    pub fn new(value: &str) -> Self {
        UnknownVariantValue(value.to_string())
    }
    /// The value as the service sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A number inside a [`Document`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    /// A floating point number.
    Float(f64),
}

/// An untyped JSON-like value (a Smithy `document`).
#[derive(Clone, Debug, PartialEq)]
pub enum Document {
    /// An object.
    Object(HashMap<String, Document>),
    /// An array.
    Array(Vec<Document>),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A boolean.
    Bool(bool),
    /// Null.
    Null,
}

impl Document {
    /// Converts from a parsed JSON value.
    pub fn from_json(value: &serde_json::Value) -> Document {
        use serde_json::Value;
        match value {
            Value::Null => Document::Null,
            Value::Bool(b) => Document::Bool(*b),
            Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
                Number::PosInt(u)
            } else if let Some(i) = n.as_i64() {
                Number::NegInt(i)
            } else {
                Number::Float(n.as_f64().unwrap_or(f64::NAN))
            }),
            Value::String(s) => Document::String(s.clone()),
            Value::Array(a) => Document::Array(a.iter().map(Document::from_json).collect()),
            Value::Object(o) => {
                Document::Object(o.iter().map(|(k, v)| (k.clone(), Document::from_json(v))).collect())
            }
        }
    }
    /// Converts to a JSON value (non-finite floats become null).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Document::Null => Value::Null,
            Document::Bool(b) => Value::Bool(*b),
            Document::Number(Number::PosInt(u)) => Value::from(*u),
            Document::Number(Number::NegInt(i)) => Value::from(*i),
            Document::Number(Number::Float(f)) => {
                serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null)
            }
            Document::String(s) => Value::String(s.clone()),
            Document::Array(a) => Value::Array(a.iter().map(Document::to_json).collect()),
            Document::Object(o) => {
                // Sorted keys keep the bytes on the wire deterministic.
                let mut keys: Vec<&String> = o.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), o[k].to_json())).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_round_trips_in_every_format() {
        let t = DateTime::from_secs_and_nanos(1_398_796_238, 520_000_000);
        assert_eq!(t.fmt(DateTimeFormat::DateTime), "2014-04-29T18:30:38.52Z");
        assert_eq!(t.fmt(DateTimeFormat::EpochSeconds), "1398796238.52");
        let s = DateTime::from_secs(1_398_796_238);
        assert_eq!(s.fmt(DateTimeFormat::HttpDate), "Tue, 29 Apr 2014 18:30:38 GMT");
        for f in [DateTimeFormat::DateTime, DateTimeFormat::EpochSeconds] {
            assert_eq!(DateTime::from_str(&t.fmt(f), f), Ok(t));
        }
        assert_eq!(DateTime::from_str(&s.fmt(DateTimeFormat::HttpDate), DateTimeFormat::HttpDate), Ok(s));
        assert_eq!(
            DateTime::from_str("1985-04-12T23:20:50+01:00", DateTimeFormat::DateTime),
            Ok(DateTime::from_secs(482_196_050 - 3600))
        );
        assert!(DateTime::from_str("yesterday", DateTimeFormat::DateTime).is_err());
        assert!(DateTime::from_str("NaN", DateTimeFormat::EpochSeconds).is_err());
        assert_eq!(civil(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(DateTime::from_secs(-1).fmt(DateTimeFormat::DateTime), "1969-12-31T23:59:59Z");
    }
}
