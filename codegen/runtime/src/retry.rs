//! Retries in the AWS SDKs' "standard" mode: which failures to retry, how long to wait, and a
//! token bucket that stops retry storms.
//!
//! The pieces, each usable on its own:
//!
//! * [`RetryConfig`]: attempts (default 3, counting the first), mode, initial and maximum
//!   backoff; set in code, or resolved from `AWS_MAX_ATTEMPTS` / `AWS_RETRY_MODE` and the
//!   shared config profile's `max_attempts` / `retry_mode` ([`RetryConfig::resolve`]).
//!   `adaptive` mode is accepted and behaves as `standard` (no client-side rate limiting).
//! * [`classify`]: decides from an [`AttemptOutcome`] whether a failure is retryable.
//! * [`TokenBucket`]: the SDKs' retry quota, 500 tokens per client; a retry costs 5 (10 after
//!   a timeout), a success puts back 1, or the cost of the retry that succeeded. An empty
//!   bucket denies retries, so a service that is down is not hammered by every caller.
//! * [`backoff_delay`]: "full jitter", `random * min(max_backoff, initial_backoff * 2^(n-1))`
//!   for the n-th retry, with the random number injected so tests are exact.
//! * [`RetryStrategy`]: all of the above behind two calls, [`RetryStrategy::should_retry`]
//!   after a failed attempt and [`RetryStrategy::on_success`] after a good one.
//!
//! # What is retried
//!
//! As in the SDKs: responses with status 500, 502, 503 or 504; throttling error codes
//! (`Throttling`, `ThrottlingException`, `TooManyRequestsException`, `SlowDown`, ... see
//! [`THROTTLING_ERROR_CODES`]); transient codes (`RequestTimeout`,
//! `RequestTimeoutException`); errors the model marks `@retryable`; and failures to connect,
//! which never reached the server. Nothing else: not a 400 such as
//! `InvalidParameterException`, not 501, and not a bare 429 whose error code does not say
//! "throttling" (the SDKs go by the code, not the status).
//!
//! **A deliberate difference from the official SDKs**: they also retry every I/O error and
//! timeout that happens *after* the request may have reached the server, whatever the
//! operation. For an operation that is not safe to repeat, that can perform it twice (create
//! a second resource, send a second invitation email) while reporting one call. Here such
//! failures are retried only when the operation is safe to repeat: marked `@idempotent` or
//! `@readonly` in the model, or carrying an `@idempotencyToken` member (which the generated
//! client fills in, so the service de-duplicates). Otherwise the error goes back to the
//! caller, who knows whether repeating is acceptable.

use super::credentials::SharedConfig;
use std::error::Error as StdError;
use std::fmt;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// The default number of attempts, the first one included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// The default backoff base: the first retry waits up to this long.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_secs(1);
/// The default cap on any single backoff.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(20);

/// The retry mode. Both behave as the SDKs' standard mode here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RetryMode {
    /// The SDKs' standard mode.
    #[default]
    Standard,
    /// Accepted so configurations written for the SDKs work; behaves as [`RetryMode::Standard`]
    /// (the SDKs add client-side rate limiting, which this client does not implement).
    Adaptive,
}

impl RetryMode {
    /// Parses `standard` or `adaptive` (any case, surrounding blanks ignored). `legacy`, the
    /// SDKs' old default, is accepted as `standard`, so a profile shared with the AWS CLI loads.
    pub fn parse(value: &str) -> Option<RetryMode> {
        match value.trim().to_ascii_lowercase().as_str() {
            "standard" | "legacy" => Some(RetryMode::Standard),
            "adaptive" => Some(RetryMode::Adaptive),
            _ => None,
        }
    }
}

/// How a client retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    /// Attempts in total, the first included: 1 means never retry. 0 counts as 1.
    pub max_attempts: u32,
    /// The retry mode.
    pub mode: RetryMode,
    /// The backoff base: the n-th retry waits up to `initial_backoff * 2^(n-1)`.
    pub initial_backoff: Duration,
    /// The cap on any single backoff.
    pub max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            mode: RetryMode::Standard,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
        }
    }
}

impl RetryConfig {
    /// The defaults: standard mode, 3 attempts, 1 s initial backoff, 20 s maximum.
    pub fn standard() -> Self {
        RetryConfig::default()
    }

    /// No retries at all.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..RetryConfig::default()
        }
    }

    /// aws-sdk-rust's adaptive mode: accepted, behaves as standard here (see [`RetryMode`]).
    pub fn adaptive() -> Self {
        RetryConfig { mode: RetryMode::Adaptive, ..RetryConfig::default() }
    }

    /// Sets the mode (aws-sdk-rust's name for [`with_mode`](Self::with_mode)).
    pub fn with_retry_mode(self, mode: RetryMode) -> Self {
        self.with_mode(mode)
    }

    /// The retry mode.
    pub fn mode(&self) -> RetryMode {
        self.mode
    }

    /// Attempts in total, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff base.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The cap on any single backoff.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// True when more than one attempt is allowed.
    pub fn has_retry(&self) -> bool {
        self.max_attempts > 1
    }

    /// Sets the number of attempts (the first included).
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Sets the mode.
    pub fn with_mode(mut self, mode: RetryMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets the backoff base.
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Sets the backoff cap.
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// The defaults, overridden by the selected profile's `max_attempts` and `retry_mode`,
    /// overridden in turn by `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE` (the SDKs' precedence;
    /// settings made in code then override the result). Empty values count as unset; any
    /// other value that is not valid is an error naming where it came from.
    pub fn resolve(
        env: &dyn Fn(&str) -> Option<String>,
        shared: Option<&SharedConfig>,
    ) -> Result<RetryConfig, RetryConfigError> {
        let mut config = RetryConfig::default();
        let from_env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let profile_source = |key: &str, shared: &SharedConfig| {
            format!("`{key}` in profile `{}`", shared.profile_name())
        };

        let max_attempts = match from_env("AWS_MAX_ATTEMPTS") {
            Some(value) => Some(("AWS_MAX_ATTEMPTS".to_string(), value)),
            None => shared.and_then(|s| {
                s.max_attempts()
                    .map(|v| (profile_source("max_attempts", s), v.to_string()))
            }),
        };
        if let Some((source, value)) = max_attempts {
            config.max_attempts = match value.trim().parse::<u32>() {
                Ok(n) if n >= 1 => n,
                _ => return Err(RetryConfigError::InvalidMaxAttempts { source, value }),
            };
        }

        let mode = match from_env("AWS_RETRY_MODE") {
            Some(value) => Some(("AWS_RETRY_MODE".to_string(), value)),
            None => shared.and_then(|s| {
                s.retry_mode()
                    .map(|v| (profile_source("retry_mode", s), v.to_string()))
            }),
        };
        if let Some((source, value)) = mode {
            config.mode = RetryMode::parse(&value)
                .ok_or(RetryConfigError::InvalidRetryMode { source, value })?;
        }
        Ok(config)
    }

    /// [`RetryConfig::resolve`] with the real environment and shared config files.
    pub fn load_default() -> Result<RetryConfig, RetryConfigError> {
        let shared = SharedConfig::load_default().map_err(RetryConfigError::SharedConfig)?;
        RetryConfig::resolve(&super::credentials::real_env, Some(&shared))
    }
}

/// A retry setting in the environment or a profile is not valid.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryConfigError {
    /// `max_attempts` is not a whole number of at least 1.
    InvalidMaxAttempts {
        /// Where the value came from (`AWS_MAX_ATTEMPTS` or a profile setting).
        source: String,
        /// The value found.
        value: String,
    },
    /// `retry_mode` is not `standard`, `adaptive` or `legacy`.
    InvalidRetryMode {
        /// Where the value came from (`AWS_RETRY_MODE` or a profile setting).
        source: String,
        /// The value found.
        value: String,
    },
    /// The shared config files could not be read.
    SharedConfig(super::credentials::CredentialsError),
}

impl fmt::Display for RetryConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryConfigError::InvalidMaxAttempts { source, value } => write!(
                f,
                "invalid value `{value}` for {source}: expected a whole number of attempts, at least 1"
            ),
            RetryConfigError::InvalidRetryMode { source, value } => write!(
                f,
                "invalid value `{value}` for {source}: expected `standard` or `adaptive`"
            ),
            RetryConfigError::SharedConfig(e) => e.fmt(f),
        }
    }
}

impl StdError for RetryConfigError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            RetryConfigError::SharedConfig(e) => Some(e),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------------------------

/// Error codes that mean "slow down": always retried.
pub const THROTTLING_ERROR_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of transient server-side failures: always retried.
pub const TRANSIENT_ERROR_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException"];

/// HTTP statuses that are retried whatever the error code.
pub const TRANSIENT_STATUS_CODES: &[u16] = &[500, 502, 503, 504];

/// How the transport failed, when no response arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// The connection could not be made: the request never reached the server.
    Connect,
    /// An I/O error after the request may have been (partly) sent.
    Io,
    /// A timeout after the request may have been sent.
    Timeout,
    /// Anything else (a bug or a misconfiguration): never retried.
    Other,
}

/// What happened on one attempt, as much as the classifier needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AttemptOutcome<'a> {
    /// Set when no response arrived.
    pub transport_error: Option<TransportErrorKind>,
    /// The response's HTTP status.
    pub status: Option<u16>,
    /// The error code the protocol layer extracted from the response, if any.
    pub error_code: Option<&'a str>,
    /// The error is a modelled error shape with the `@retryable` trait.
    pub modeled_retryable: bool,
    /// ... and that trait says `throttling: true`.
    pub modeled_throttling: bool,
    /// The operation may be repeated without changing its effect: `@idempotent`,
    /// `@readonly`, or an `@idempotencyToken` member is sent.
    pub safe_to_retry: bool,
    /// The response was a clock-skew error and the client corrected its clock from it (see
    /// `clock_skew`): the request was refused unread, so it is retried whatever the operation.
    pub clock_skew_corrected: bool,
}

impl<'a> AttemptOutcome<'a> {
    /// A transport failure (no response).
    pub fn transport(kind: TransportErrorKind, safe_to_retry: bool) -> Self {
        AttemptOutcome {
            transport_error: Some(kind),
            safe_to_retry,
            ..AttemptOutcome::default()
        }
    }

    /// An error response.
    pub fn response(status: u16, error_code: Option<&'a str>) -> Self {
        AttemptOutcome {
            status: Some(status),
            error_code,
            ..AttemptOutcome::default()
        }
    }

    /// Marks the error as a modelled `@retryable` error.
    pub fn with_modeled_retryable(mut self, throttling: bool) -> Self {
        self.modeled_retryable = true;
        self.modeled_throttling = throttling;
        self
    }

    /// Says whether the operation is safe to repeat.
    pub fn with_safe_to_retry(mut self, safe_to_retry: bool) -> Self {
        self.safe_to_retry = safe_to_retry;
        self
    }

    /// Says whether the client corrected its clock from this (clock-skew) error.
    pub fn with_clock_skew_corrected(mut self, corrected: bool) -> Self {
        self.clock_skew_corrected = corrected;
        self
    }
}

/// Why a failure is retryable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryReason {
    /// A throttling error code, or a modelled `@retryable(throttling: true)` error.
    Throttling,
    /// A transient error code (`RequestTimeout`, `RequestTimeoutException`).
    TransientError,
    /// Status 500, 502, 503 or 504.
    ServerError,
    /// A modelled `@retryable` error.
    ModeledRetryable,
    /// The connection could not be made.
    ConnectFailure,
    /// An I/O error on an operation that is safe to repeat.
    IoError,
    /// A timeout on an operation that is safe to repeat.
    Timeout,
    /// The service refused the signing time and the client corrected its clock.
    ClockSkew,
}

impl RetryReason {
    /// The tokens a retry for this reason takes from the [`TokenBucket`]: timeouts cost more,
    /// as in the SDKs, because they tie up the service longest.
    pub fn cost(self) -> u32 {
        match self {
            RetryReason::Timeout => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        }
    }
}

/// The classifier's verdict on one failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryDecision {
    /// Retryable, for this reason.
    Retry(RetryReason),
    /// Not retryable.
    DontRetry,
}

/// Reduces a protocol error code to its bare name: `aws.foo#ThrottlingException` and
/// `ThrottlingException:http://internal.amazon.com/...` are both `ThrottlingException`.
pub fn sanitize_error_code(code: &str) -> &str {
    let code = code.split(':').next().unwrap_or(code);
    let code = code.rsplit('#').next().unwrap_or(code);
    code.trim()
}

/// Decides whether a failed attempt may be retried (see the module docs for the rules).
pub fn classify(outcome: &AttemptOutcome<'_>) -> RetryDecision {
    if let Some(kind) = outcome.transport_error {
        return match kind {
            TransportErrorKind::Connect => RetryDecision::Retry(RetryReason::ConnectFailure),
            TransportErrorKind::Io if outcome.safe_to_retry => {
                RetryDecision::Retry(RetryReason::IoError)
            }
            TransportErrorKind::Timeout if outcome.safe_to_retry => {
                RetryDecision::Retry(RetryReason::Timeout)
            }
            _ => RetryDecision::DontRetry,
        };
    }
    if outcome.clock_skew_corrected {
        return RetryDecision::Retry(RetryReason::ClockSkew);
    }
    if let Some(code) = outcome.error_code.map(sanitize_error_code) {
        if THROTTLING_ERROR_CODES.contains(&code) {
            return RetryDecision::Retry(RetryReason::Throttling);
        }
        if TRANSIENT_ERROR_CODES.contains(&code) {
            return RetryDecision::Retry(RetryReason::TransientError);
        }
    }
    if outcome.modeled_retryable {
        return RetryDecision::Retry(if outcome.modeled_throttling {
            RetryReason::Throttling
        } else {
            RetryReason::ModeledRetryable
        });
    }
    match outcome.status {
        Some(status) if TRANSIENT_STATUS_CODES.contains(&status) => {
            RetryDecision::Retry(RetryReason::ServerError)
        }
        _ => RetryDecision::DontRetry,
    }
}

// ---------------------------------------------------------------------------------------------
// Token bucket
// ---------------------------------------------------------------------------------------------

/// The tokens a client starts with.
pub const INITIAL_RETRY_TOKENS: u32 = 500;
/// The tokens a retry takes.
pub const RETRY_COST: u32 = 5;
/// The tokens a retry after a timeout takes.
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// The tokens a success on the first attempt puts back.
pub const NO_RETRY_INCREMENT: u32 = 1;

/// The retry quota. Lock-free (an atomic counter), so one bucket can be shared by every task
/// using a client.
#[derive(Debug)]
pub struct TokenBucket {
    available: AtomicU32,
    capacity: u32,
}

impl Default for TokenBucket {
    fn default() -> Self {
        TokenBucket::new(INITIAL_RETRY_TOKENS)
    }
}

impl TokenBucket {
    /// A full bucket of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        TokenBucket {
            available: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// The tokens left.
    pub fn available(&self) -> u32 {
        self.available.load(Ordering::Acquire)
    }

    /// The bucket's size.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Takes `cost` tokens if that many are left; false (and nothing taken) otherwise.
    pub fn try_acquire(&self, cost: u32) -> bool {
        self.available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |available| {
                available.checked_sub(cost)
            })
            .is_ok()
    }

    /// Puts `amount` tokens back, never above capacity.
    pub fn release(&self, amount: u32) {
        let capacity = self.capacity;
        // The closure always returns Some, so this cannot fail; the result is irrelevant.
        let _ = self
            .available
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |available| {
                Some(available.saturating_add(amount).min(capacity))
            });
    }
}

// ---------------------------------------------------------------------------------------------
// Backoff and randomness
// ---------------------------------------------------------------------------------------------

/// The wait before retry number `retry` (1 for the first retry): "full jitter",
/// `random * min(max_backoff, initial_backoff * 2^(retry-1))`. `random` is clamped to
/// `[0, 1]` (NaN counts as 0); no input overflows or panics.
pub fn backoff_delay(config: &RetryConfig, retry: u32, random: f64) -> Duration {
    let exponent = retry.saturating_sub(1).min(100);
    let initial = config.initial_backoff.as_nanos();
    // 2^exponent saturates well before u128 overflow matters: the cap below applies anyway.
    let scaled = match 1u128.checked_shl(exponent) {
        Some(factor) => initial.saturating_mul(factor),
        None => u128::MAX,
    };
    let ceiling = scaled.min(config.max_backoff.as_nanos());
    let random = if random.is_nan() {
        0.0
    } else {
        random.clamp(0.0, 1.0)
    };
    // Float-to-int `as` casts saturate; a ceiling beyond u64 nanoseconds (584 years) is
    // clamped to it.
    let ceiling = u64::try_from(ceiling).unwrap_or(u64::MAX);
    Duration::from_nanos((ceiling as f64 * random) as u64)
}

/// A small xorshift64* generator for backoff jitter: not for cryptography, just to keep
/// clients that failed together from retrying in lockstep. Thread-safe and lock-free.
#[derive(Debug)]
pub struct XorShift64 {
    state: AtomicU64,
}

impl XorShift64 {
    /// A generator with a fixed seed (0 is replaced, as xorshift would stay at 0 forever).
    pub fn new(seed: u64) -> Self {
        let seed = splitmix64(seed);
        XorShift64 {
            state: AtomicU64::new(if seed == 0 {
                0x9E37_79B9_7F4A_7C15
            } else {
                seed
            }),
        }
    }

    /// A generator seeded from the clock, a per-process counter and a stack address, so two
    /// clients created at the same instant still differ.
    pub fn from_entropy() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let local = 0u8;
        let address = &local as *const u8 as usize as u64;
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        XorShift64::new(nanos ^ address.rotate_left(32) ^ splitmix64(count))
    }

    /// The next 64 random bits.
    pub fn next_u64(&self) -> u64 {
        let step = |mut x: u64| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x
        };
        let previous = match self
            .state
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |x| Some(step(x)))
        {
            Ok(previous) | Err(previous) => previous,
        };
        step(previous).wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `[0, 1)`.
    pub fn next_f64(&self) -> f64 {
        // The top 53 bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

// ---------------------------------------------------------------------------------------------
// Strategy
// ---------------------------------------------------------------------------------------------

/// A source of random numbers in `[0, 1]` for backoff jitter.
pub type RandomSource = Arc<dyn Fn() -> f64 + Send + Sync>;

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryVerdict {
    /// Wait `delay`, then try again. `cost` tokens were taken: pass it to
    /// [`RetryStrategy::on_success`] if the retry succeeds.
    Retry {
        /// How long to wait.
        delay: Duration,
        /// The tokens taken for this retry.
        cost: u32,
        /// Why the failure was retryable.
        reason: RetryReason,
    },
    /// Give up and return the error.
    Stop(StopReason),
}

/// Why no retry is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The failure is not retryable.
    NotRetryable,
    /// The attempt limit is reached.
    MaxAttemptsReached,
    /// The token bucket is empty: the service has been failing a lot lately.
    RetryQuotaExhausted,
}

/// Retry decisions for one client: configuration, its token bucket and a jitter source.
/// Cloning shares the bucket (one quota per client, as in the SDKs).
#[derive(Clone)]
pub struct RetryStrategy {
    config: RetryConfig,
    bucket: Arc<TokenBucket>,
    random: RandomSource,
}

impl fmt::Debug for RetryStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryStrategy")
            .field("config", &self.config)
            .field("bucket", &self.bucket)
            .finish_non_exhaustive()
    }
}

impl RetryStrategy {
    /// A strategy with a full bucket and clock-seeded jitter.
    pub fn new(config: RetryConfig) -> Self {
        let rng = XorShift64::from_entropy();
        RetryStrategy {
            config,
            bucket: Arc::new(TokenBucket::default()),
            random: Arc::new(move || rng.next_f64()),
        }
    }

    /// Replaces the jitter source (tests pass a constant).
    pub fn with_random_source(mut self, random: RandomSource) -> Self {
        self.random = random;
        self
    }

    /// Replaces the token bucket (e.g. to share one between clients).
    pub fn with_token_bucket(mut self, bucket: Arc<TokenBucket>) -> Self {
        self.bucket = bucket;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &RetryConfig {
        &self.config
    }

    /// The token bucket.
    pub fn token_bucket(&self) -> &TokenBucket {
        &self.bucket
    }

    /// Decides after attempt number `attempt` (1 for the first) failed with `outcome`:
    /// classify, check the attempt limit, take tokens, compute the backoff.
    pub fn should_retry(&self, attempt: u32, outcome: &AttemptOutcome<'_>) -> RetryVerdict {
        let RetryDecision::Retry(reason) = classify(outcome) else {
            return RetryVerdict::Stop(StopReason::NotRetryable);
        };
        if attempt >= self.config.max_attempts.max(1) {
            return RetryVerdict::Stop(StopReason::MaxAttemptsReached);
        }
        let cost = reason.cost();
        if !self.bucket.try_acquire(cost) {
            return RetryVerdict::Stop(StopReason::RetryQuotaExhausted);
        }
        let delay = backoff_delay(&self.config, attempt, (self.random)());
        RetryVerdict::Retry {
            delay,
            cost,
            reason,
        }
    }

    /// Records a successful attempt: puts back the cost of the retry that succeeded
    /// (`last_retry_cost`), or [`NO_RETRY_INCREMENT`] when the first attempt succeeded.
    pub fn on_success(&self, last_retry_cost: Option<u32>) {
        self.bucket
            .release(last_retry_cost.unwrap_or(NO_RETRY_INCREMENT));
    }
}

#[cfg(test)]
mod tests {
    use super::super::credentials::{ProfileFileKind, ProfileSet};
    use super::*;
    use std::collections::HashMap;

    fn retry(reason: RetryReason) -> RetryDecision {
        RetryDecision::Retry(reason)
    }

    #[test]
    fn server_errors_500_502_503_504_are_retried_others_not() {
        for status in [500, 502, 503, 504] {
            assert_eq!(
                classify(&AttemptOutcome::response(status, None)),
                retry(RetryReason::ServerError),
                "{status}"
            );
            // Whatever the operation: the SDKs retry these for non-idempotent operations too.
            assert_eq!(
                classify(
                    &AttemptOutcome::response(status, Some("InternalFailure"))
                        .with_safe_to_retry(false)
                ),
                retry(RetryReason::ServerError)
            );
        }
        for status in [200, 301, 400, 403, 404, 409, 413, 501, 505, 599] {
            assert_eq!(
                classify(&AttemptOutcome::response(status, None)),
                RetryDecision::DontRetry,
                "{status}"
            );
        }
    }

    #[test]
    fn client_errors_are_not_retried() {
        assert_eq!(
            classify(&AttemptOutcome::response(
                400,
                Some("InvalidParameterException")
            )),
            RetryDecision::DontRetry
        );
        assert_eq!(
            classify(&AttemptOutcome::response(400, Some("ValidationException"))),
            RetryDecision::DontRetry
        );
        assert_eq!(
            classify(&AttemptOutcome::response(501, Some("NotImplemented"))),
            RetryDecision::DontRetry
        );
    }

    #[test]
    fn bare_429_is_not_retried_but_throttling_codes_are() {
        assert_eq!(
            classify(&AttemptOutcome::response(429, None)),
            RetryDecision::DontRetry
        );
        assert_eq!(
            classify(&AttemptOutcome::response(429, Some("SomethingElse"))),
            RetryDecision::DontRetry
        );
        assert_eq!(
            classify(&AttemptOutcome::response(
                429,
                Some("TooManyRequestsException")
            )),
            retry(RetryReason::Throttling)
        );
    }

    #[test]
    fn every_throttling_code_is_retried() {
        assert_eq!(THROTTLING_ERROR_CODES.len(), 14);
        for code in THROTTLING_ERROR_CODES {
            assert_eq!(
                classify(&AttemptOutcome::response(400, Some(code))),
                retry(RetryReason::Throttling),
                "{code}"
            );
        }
        // Codes are matched exactly (after sanitising), as in the SDKs.
        assert_eq!(
            classify(&AttemptOutcome::response(400, Some("throttling"))),
            RetryDecision::DontRetry
        );
    }

    #[test]
    fn transient_codes_are_retried() {
        for code in ["RequestTimeout", "RequestTimeoutException"] {
            assert_eq!(
                classify(&AttemptOutcome::response(400, Some(code))),
                retry(RetryReason::TransientError),
                "{code}"
            );
        }
    }

    #[test]
    fn error_codes_are_sanitized() {
        assert_eq!(
            sanitize_error_code("aws.protocoltests#ThrottlingException"),
            "ThrottlingException"
        );
        assert_eq!(
            sanitize_error_code("SlowDown:http://internal.amazon.com/coral/"),
            "SlowDown"
        );
        assert_eq!(
            sanitize_error_code("ns.a#RequestTimeout:extra"),
            "RequestTimeout"
        );
        assert_eq!(sanitize_error_code(""), "");
        assert_eq!(
            classify(&AttemptOutcome::response(
                400,
                Some("com.amazon.coral#ThrottlingException:http://x")
            )),
            retry(RetryReason::Throttling)
        );
    }

    #[test]
    fn modeled_retryable_errors_are_retried() {
        let outcome = AttemptOutcome::response(400, Some("ConcurrentModificationException"))
            .with_modeled_retryable(false);
        assert_eq!(classify(&outcome), retry(RetryReason::ModeledRetryable));
        let outcome =
            AttemptOutcome::response(400, Some("MyThrottle")).with_modeled_retryable(true);
        assert_eq!(classify(&outcome), retry(RetryReason::Throttling));
    }

    #[test]
    fn connect_failures_are_always_retried() {
        for safe in [true, false] {
            assert_eq!(
                classify(&AttemptOutcome::transport(
                    TransportErrorKind::Connect,
                    safe
                )),
                retry(RetryReason::ConnectFailure)
            );
        }
    }

    #[test]
    fn io_errors_and_timeouts_only_when_safe_to_repeat() {
        assert_eq!(
            classify(&AttemptOutcome::transport(TransportErrorKind::Io, true)),
            retry(RetryReason::IoError)
        );
        assert_eq!(
            classify(&AttemptOutcome::transport(
                TransportErrorKind::Timeout,
                true
            )),
            retry(RetryReason::Timeout)
        );
        assert_eq!(
            classify(&AttemptOutcome::transport(TransportErrorKind::Io, false)),
            RetryDecision::DontRetry
        );
        assert_eq!(
            classify(&AttemptOutcome::transport(
                TransportErrorKind::Timeout,
                false
            )),
            RetryDecision::DontRetry
        );
        for safe in [true, false] {
            assert_eq!(
                classify(&AttemptOutcome::transport(TransportErrorKind::Other, safe)),
                RetryDecision::DontRetry
            );
        }
        // A transport error wins over any stale status in the outcome.
        let outcome = AttemptOutcome {
            status: Some(503),
            ..AttemptOutcome::transport(TransportErrorKind::Io, false)
        };
        assert_eq!(classify(&outcome), RetryDecision::DontRetry);
    }

    #[test]
    fn token_bucket_costs_and_refunds() {
        let bucket = TokenBucket::default();
        assert_eq!((bucket.available(), bucket.capacity()), (500, 500));
        assert!(bucket.try_acquire(RetryReason::ServerError.cost()));
        assert_eq!(bucket.available(), 495);
        assert!(bucket.try_acquire(RetryReason::Timeout.cost()));
        assert_eq!(bucket.available(), 485);
        bucket.release(NO_RETRY_INCREMENT);
        assert_eq!(bucket.available(), 486);
        bucket.release(1_000);
        assert_eq!(bucket.available(), 500, "never above capacity");
    }

    #[test]
    fn empty_bucket_denies_retries() {
        let bucket = TokenBucket::default();
        for _ in 0..100 {
            assert!(bucket.try_acquire(RETRY_COST));
        }
        assert_eq!(bucket.available(), 0);
        assert!(!bucket.try_acquire(RETRY_COST));
        assert_eq!(bucket.available(), 0, "a denied acquisition takes nothing");
        let small = TokenBucket::new(7);
        assert!(!small.try_acquire(TIMEOUT_RETRY_COST));
        assert!(small.try_acquire(RETRY_COST));
        assert!(!small.try_acquire(RETRY_COST));
        assert_eq!(small.available(), 2);
    }

    #[test]
    fn token_bucket_is_thread_safe() {
        let bucket = Arc::new(TokenBucket::default());
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let bucket = Arc::clone(&bucket);
                std::thread::spawn(move || {
                    (0..100).filter(|_| bucket.try_acquire(RETRY_COST)).count()
                })
            })
            .collect();
        let granted: usize = handles.into_iter().map(|h| h.join().unwrap_or(0)).sum();
        assert_eq!(
            granted, 100,
            "exactly 500 / 5 retries granted across threads"
        );
        assert_eq!(bucket.available(), 0);
    }

    #[test]
    fn backoff_full_jitter_math() {
        let config = RetryConfig::default();
        let secs = |retry, random| backoff_delay(&config, retry, random);
        assert_eq!(secs(1, 1.0), Duration::from_secs(1));
        assert_eq!(secs(2, 1.0), Duration::from_secs(2));
        assert_eq!(secs(3, 1.0), Duration::from_secs(4));
        assert_eq!(secs(5, 1.0), Duration::from_secs(16));
        assert_eq!(
            secs(6, 1.0),
            Duration::from_secs(20),
            "capped at max_backoff"
        );
        assert_eq!(secs(1_000, 1.0), Duration::from_secs(20));
        assert_eq!(secs(u32::MAX, 1.0), Duration::from_secs(20));
        assert_eq!(secs(2, 0.5), Duration::from_secs(1));
        assert_eq!(secs(3, 0.25), Duration::from_secs(1));
        assert_eq!(secs(1, 0.0), Duration::ZERO);
        // Retry 0 is treated as the first.
        assert_eq!(secs(0, 1.0), Duration::from_secs(1));
        // Out-of-range random numbers are clamped.
        assert_eq!(secs(1, f64::NAN), Duration::ZERO);
        assert_eq!(secs(1, -3.0), Duration::ZERO);
        assert_eq!(secs(1, 7.0), Duration::from_secs(1));
        assert_eq!(secs(1, f64::INFINITY), Duration::from_secs(1));

        let custom = RetryConfig::default()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(350));
        assert_eq!(backoff_delay(&custom, 1, 1.0), Duration::from_millis(100));
        assert_eq!(backoff_delay(&custom, 3, 1.0), Duration::from_millis(350));
        assert_eq!(backoff_delay(&custom, 2, 0.5), Duration::from_millis(100));
        let huge = RetryConfig::default()
            .with_initial_backoff(Duration::MAX)
            .with_max_backoff(Duration::MAX);
        let _ = backoff_delay(&huge, 64, 1.0); // no overflow, no panic
    }

    #[test]
    fn xorshift_is_deterministic_and_in_range() {
        let a = XorShift64::new(42);
        let b = XorShift64::new(42);
        let xs: Vec<f64> = (0..1_000).map(|_| a.next_f64()).collect();
        let ys: Vec<f64> = (0..1_000).map(|_| b.next_f64()).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((0.4..0.6).contains(&mean), "{mean}");
        assert_ne!(XorShift64::new(1).next_u64(), XorShift64::new(2).next_u64());
        assert_ne!(XorShift64::new(0).next_u64(), 0);
        assert_ne!(
            XorShift64::from_entropy().next_u64(),
            XorShift64::from_entropy().next_u64()
        );
    }

    fn fixed(strategy_config: RetryConfig, random: f64) -> RetryStrategy {
        RetryStrategy::new(strategy_config).with_random_source(Arc::new(move || random))
    }

    #[test]
    fn strategy_retries_until_max_attempts() {
        let strategy = fixed(RetryConfig::default(), 1.0);
        let throttled = AttemptOutcome::response(400, Some("ThrottlingException"));
        assert_eq!(
            strategy.should_retry(1, &throttled),
            RetryVerdict::Retry {
                delay: Duration::from_secs(1),
                cost: 5,
                reason: RetryReason::Throttling
            }
        );
        assert_eq!(
            strategy.should_retry(2, &throttled),
            RetryVerdict::Retry {
                delay: Duration::from_secs(2),
                cost: 5,
                reason: RetryReason::Throttling
            }
        );
        assert_eq!(
            strategy.should_retry(3, &throttled),
            RetryVerdict::Stop(StopReason::MaxAttemptsReached)
        );
        assert_eq!(strategy.token_bucket().available(), 490);
        assert_eq!(
            strategy.should_retry(
                1,
                &AttemptOutcome::response(400, Some("InvalidParameterException"))
            ),
            RetryVerdict::Stop(StopReason::NotRetryable)
        );
        // A success after a retry refunds its cost; a first-try success adds 1.
        strategy.on_success(Some(5));
        assert_eq!(strategy.token_bucket().available(), 495);
        strategy.on_success(None);
        assert_eq!(strategy.token_bucket().available(), 496);
        // Timeouts cost 10.
        let verdict = strategy.should_retry(
            1,
            &AttemptOutcome::transport(TransportErrorKind::Timeout, true),
        );
        assert!(
            matches!(
                verdict,
                RetryVerdict::Retry {
                    cost: 10,
                    reason: RetryReason::Timeout,
                    ..
                }
            ),
            "{verdict:?}"
        );
        // Clones share the bucket.
        assert_eq!(strategy.clone().token_bucket().available(), 486);
    }

    #[test]
    fn strategy_stops_when_the_quota_is_exhausted() {
        let strategy = fixed(RetryConfig::default().with_max_attempts(10), 0.0)
            .with_token_bucket(Arc::new(TokenBucket::new(12)));
        let unavailable = AttemptOutcome::response(503, None);
        assert!(matches!(
            strategy.should_retry(1, &unavailable),
            RetryVerdict::Retry {
                delay: Duration::ZERO,
                ..
            }
        ));
        assert!(matches!(
            strategy.should_retry(2, &unavailable),
            RetryVerdict::Retry { .. }
        ));
        assert_eq!(
            strategy.should_retry(3, &unavailable),
            RetryVerdict::Stop(StopReason::RetryQuotaExhausted)
        );
    }

    #[test]
    fn zero_or_one_attempt_never_retries() {
        for config in [
            RetryConfig::disabled(),
            RetryConfig::default().with_max_attempts(0),
        ] {
            let strategy = fixed(config, 1.0);
            assert_eq!(
                strategy.should_retry(1, &AttemptOutcome::response(500, None)),
                RetryVerdict::Stop(StopReason::MaxAttemptsReached)
            );
        }
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn shared(text: &str) -> SharedConfig {
        SharedConfig::from_profiles(
            "default",
            ProfileSet::parse(text, ProfileFileKind::Config).expect("valid profile text"),
        )
    }

    #[test]
    fn config_defaults_and_builders() {
        let config = RetryConfig::default();
        assert_eq!(config, RetryConfig::standard());
        assert_eq!((config.max_attempts, config.mode), (3, RetryMode::Standard));
        assert_eq!(
            (config.initial_backoff, config.max_backoff),
            (Duration::from_secs(1), Duration::from_secs(20))
        );
        let config = RetryConfig::standard()
            .with_max_attempts(7)
            .with_mode(RetryMode::Adaptive);
        assert_eq!((config.max_attempts, config.mode), (7, RetryMode::Adaptive));
        assert_eq!(
            RetryConfig::resolve(&env_of(&[]), None).unwrap(),
            RetryConfig::default()
        );
    }

    #[test]
    fn config_from_env_and_profile() {
        let env = env_of(&[("AWS_MAX_ATTEMPTS", " 5 "), ("AWS_RETRY_MODE", "Adaptive")]);
        let config = RetryConfig::resolve(&env, None).unwrap();
        assert_eq!((config.max_attempts, config.mode), (5, RetryMode::Adaptive));

        let profile = shared("[default]\nmax_attempts = 4\nretry_mode = standard\n");
        let config = RetryConfig::resolve(&env_of(&[]), Some(&profile)).unwrap();
        assert_eq!((config.max_attempts, config.mode), (4, RetryMode::Standard));

        // The environment wins over the profile; empty variables are unset.
        let env = env_of(&[("AWS_MAX_ATTEMPTS", "9"), ("AWS_RETRY_MODE", "")]);
        let profile = shared("[default]\nmax_attempts = 4\nretry_mode = adaptive\n");
        let config = RetryConfig::resolve(&env, Some(&profile)).unwrap();
        assert_eq!((config.max_attempts, config.mode), (9, RetryMode::Adaptive));

        assert_eq!(RetryMode::parse("legacy"), Some(RetryMode::Standard));
    }

    #[test]
    fn config_errors_name_source_and_value() {
        for bad in ["0", "abc", "-1", "2.5", "99999999999"] {
            let err =
                RetryConfig::resolve(&env_of(&[("AWS_MAX_ATTEMPTS", bad)]), None).unwrap_err();
            assert_eq!(
                err,
                RetryConfigError::InvalidMaxAttempts {
                    source: "AWS_MAX_ATTEMPTS".into(),
                    value: bad.into()
                }
            );
            assert!(err.to_string().contains(&format!("`{bad}`")), "{err}");
        }
        let err = RetryConfig::resolve(&env_of(&[("AWS_RETRY_MODE", "fast")]), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid value `fast` for AWS_RETRY_MODE: expected `standard` or `adaptive`"
        );
        let err = RetryConfig::resolve(
            &env_of(&[]),
            Some(&shared("[default]\nmax_attempts = zero\n")),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "invalid value `zero` for `max_attempts` in profile `default`: expected a whole number of attempts, at least 1");
        let err = RetryConfig::resolve(
            &env_of(&[]),
            Some(&shared("[default]\nretry_mode = turbo\n")),
        )
        .unwrap_err();
        assert!(
            matches!(&err, RetryConfigError::InvalidRetryMode { value, .. } if value == "turbo"),
            "{err}"
        );
    }
}
