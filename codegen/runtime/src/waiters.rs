//! Smithy waiters: acceptors matched against each poll's output (as a JSON document keyed by
//! member names, through [`ToDocument`]) or error code, the specification's delay (exponential
//! backoff with jitter between `minDelay` and `maxDelay`, never past the caller's maximum wait)
//! and the poll loop, ending in a [`FinalPoll`] or a [`WaiterError`] — the names of
//! aws-sdk-rust's `aws_smithy_runtime_api::client::waiters`.

use super::error::BoxError;
use super::http::BoxFuture;
use super::jmespath;
use super::primitives::{BigDecimal, BigInteger, Blob, DateTime, Document};
pub use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------

/// A value seen by waiter paths: a JSON document keyed by member names (timestamps as epoch
/// seconds, blobs as base64, enums as their string or number).
pub trait ToDocument {
    /// The value as a JSON document.
    fn to_document(&self) -> Value;
}

macro_rules! to_document_via_from {
    ($($t:ty),*) => {$(
        impl ToDocument for $t {
            fn to_document(&self) -> Value { Value::from(*self) }
        }
    )*};
}
to_document_via_from!(bool, i8, i16, i32, i64, f32, f64);

impl ToDocument for String {
    fn to_document(&self) -> Value {
        Value::String(self.clone())
    }
}
impl ToDocument for Blob {
    fn to_document(&self) -> Value {
        use base64::Engine as _;
        Value::String(base64::engine::general_purpose::STANDARD.encode(self.as_ref()))
    }
}
impl ToDocument for DateTime {
    fn to_document(&self) -> Value {
        Value::from(self.as_secs_f64())
    }
}
impl ToDocument for Document {
    fn to_document(&self) -> Value {
        self.to_json()
    }
}
impl ToDocument for BigInteger {
    fn to_document(&self) -> Value {
        self.as_str().parse::<serde_json::Number>().map(Value::Number).unwrap_or_else(|_| Value::String(self.as_str().into()))
    }
}
impl ToDocument for BigDecimal {
    fn to_document(&self) -> Value {
        self.as_str().parse::<serde_json::Number>().map(Value::Number).unwrap_or_else(|_| Value::String(self.as_str().into()))
    }
}
impl<T: ToDocument> ToDocument for Option<T> {
    fn to_document(&self) -> Value {
        self.as_ref().map(ToDocument::to_document).unwrap_or(Value::Null)
    }
}
impl<T: ToDocument> ToDocument for Box<T> {
    fn to_document(&self) -> Value {
        (**self).to_document()
    }
}
impl<T: ToDocument> ToDocument for Vec<T> {
    fn to_document(&self) -> Value {
        Value::Array(self.iter().map(ToDocument::to_document).collect())
    }
}
impl<K: ToDocument, V: ToDocument, S> ToDocument for HashMap<K, V, S> {
    fn to_document(&self) -> Value {
        let mut out = serde_json::Map::new();
        for (k, v) in self {
            let key = match k.to_document() {
                Value::String(s) => s,
                other => other.to_string(),
            };
            out.insert(key, v.to_document());
        }
        Value::Object(out)
    }
}

/// Builds the document of a structure: `(member name, value)` pairs, unset members omitted.
pub fn object(members: &[(&str, Value)]) -> Value {
    Value::Object(members.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.to_string(), v.clone())).collect())
}

// ---------------------------------------------------------------------------------------------
// Acceptors
// ---------------------------------------------------------------------------------------------

/// The state an acceptor moves the waiter to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptorState {
    Success,
    Failure,
    Retry,
}

/// How a path's result is compared with the expected value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparator {
    /// The result is a string equal to the expected value.
    StringEquals,
    /// The result is a boolean equal to the expected `true` or `false`.
    BooleanEquals,
    /// The result is a non-empty list whose elements are all strings equal to it.
    AllStringEquals,
    /// The result is a list with at least one string equal to it.
    AnyStringEquals,
}

impl Comparator {
    /// Whether `actual` matches `expected`.
    pub fn matches(self, actual: &Value, expected: &str) -> bool {
        match self {
            Comparator::StringEquals => actual.as_str() == Some(expected),
            Comparator::BooleanEquals => actual.as_bool().is_some_and(|b| b.to_string() == expected),
            Comparator::AllStringEquals => {
                actual.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(|x| x.as_str() == Some(expected)))
            }
            Comparator::AnyStringEquals => actual.as_array().is_some_and(|a| a.iter().any(|x| x.as_str() == Some(expected))),
        }
    }
}

/// What an acceptor looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matcher {
    /// A path into the output of a successful call.
    Output { path: &'static str, expected: &'static str, comparator: Comparator },
    /// A path into `{"input": .., "output": ..}` of a successful call.
    InputOutput { path: &'static str, expected: &'static str, comparator: Comparator },
    /// `true`: the call succeeded; `false`: it failed with any error.
    Success(bool),
    /// The call failed with this error (shape name or code).
    ErrorType(&'static str),
}

/// One acceptor: when its matcher matches, the waiter moves to its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Acceptor {
    pub state: AcceptorState,
    pub matcher: Matcher,
}

/// A waiter's settings from the model.
#[derive(Clone, Copy, Debug)]
pub struct WaiterSpec {
    /// The waiter's name (`TableExists`).
    pub name: &'static str,
    pub min_delay: Duration,
    pub max_delay: Duration,
    pub acceptors: &'static [Acceptor],
}

fn path_matches(path: &str, doc: &Value, expected: &str, comparator: Comparator) -> bool {
    match jmespath::parse(path) {
        Ok(expr) => comparator.matches(&jmespath::eval(&expr, doc), expected),
        // The generator checked every path; an unparsable one never matches.
        Err(_) => false,
    }
}

/// The state the first matching acceptor selects for one poll's result, if any. `input` is the
/// input document (for `inputOutput` matchers), `output` makes the output's document and
/// `is_error` tells whether an error is the named one (its modelled shape name or its code on
/// the wire: models use both, e.g. IAM's `NoSuchEntityException` and `NoSuchEntity`).
pub fn classify<O, E>(
    acceptors: &[Acceptor],
    input: &Value,
    result: &Result<O, E>,
    output: impl Fn(&O) -> Value,
    is_error: impl Fn(&E, &str) -> bool,
) -> Option<AcceptorState> {
    let mut out_doc: Option<Value> = None;
    let mut io_doc: Option<Value> = None;
    for a in acceptors {
        let hit = match (&a.matcher, result) {
            (Matcher::Success(want), r) => r.is_ok() == *want,
            (Matcher::ErrorType(name), Err(e)) => {
                is_error(e, name.rsplit('#').next().unwrap_or(name))
            }
            (Matcher::ErrorType(_), Ok(_)) => false,
            (Matcher::Output { path, expected, comparator }, Ok(o)) => {
                let doc = out_doc.get_or_insert_with(|| output(o));
                path_matches(path, doc, expected, *comparator)
            }
            (Matcher::InputOutput { path, expected, comparator }, Ok(o)) => {
                let doc = io_doc.get_or_insert_with(|| {
                    let mut m = serde_json::Map::new();
                    m.insert("input".into(), input.clone());
                    m.insert("output".into(), output(o));
                    Value::Object(m)
                });
                path_matches(path, doc, expected, *comparator)
            }
            (Matcher::Output { .. } | Matcher::InputOutput { .. }, Err(_)) => false,
        };
        if hit {
            return Some(a.state);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Delays
// ---------------------------------------------------------------------------------------------

/// The specification's delay before poll `attempt + 1` (`attempt` ≥ 1 polls made, `elapsed`
/// since the first): `random` in `[0, 1]` picks between `min_delay` and
/// `min(max_delay, min_delay * 2^(attempt-1))`; when less than `min_delay` would remain after
/// it, the delay shrinks so that the last poll happens at `max_wait - min_delay`.
pub fn delay(min_delay: Duration, max_delay: Duration, max_wait: Duration, attempt: u32, elapsed: Duration, random: f64) -> Duration {
    let min = min_delay.as_secs_f64();
    let max = max_delay.as_secs_f64().max(min);
    let ceiling = if min > 0.0 { ((max / min).ln() / 2f64.ln() + 1.0) as u32 } else { 0 };
    let top = if attempt > ceiling || min == 0.0 { max } else { (min * 2f64.powi(attempt.saturating_sub(1) as i32)).min(max) };
    let random = if random.is_nan() { 0.0 } else { random.clamp(0.0, 1.0) };
    let mut d = Duration::from_secs_f64(min + (top - min) * random);
    let remaining = max_wait.saturating_sub(elapsed);
    if remaining.saturating_sub(d) <= min_delay {
        d = remaining.saturating_sub(min_delay);
    }
    d
}

// ---------------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------------

/// The last poll of a waiter: the operation's output or error.
#[derive(Debug)]
pub struct FinalPoll<O, E> {
    result: Result<O, E>,
}

impl<O, E> FinalPoll<O, E> {
    /// Wraps a poll's result.
    pub fn new(result: Result<O, E>) -> Self {
        FinalPoll { result }
    }
    /// The result, borrowed.
    pub fn as_result(&self) -> Result<&O, &E> {
        self.result.as_ref()
    }
    /// The result.
    pub fn into_result(self) -> Result<O, E> {
        self.result
    }
}

/// The waiter stopped because an acceptor selected the failure state.
#[derive(Debug)]
pub struct FailureState<O, E> {
    final_poll: FinalPoll<O, E>,
}

impl<O, E> FailureState<O, E> {
    /// The poll that matched the failure acceptor.
    pub fn final_poll(&self) -> &FinalPoll<O, E> {
        &self.final_poll
    }
    /// The poll, owned.
    pub fn into_final_poll(self) -> FinalPoll<O, E> {
        self.final_poll
    }
}

/// The maximum wait elapsed before an acceptor selected success or failure.
#[derive(Debug)]
pub struct ExceededMaxWait<O, E> {
    max_wait: Duration,
    elapsed: Duration,
    poll_count: u32,
    last_poll: Option<FinalPoll<O, E>>,
}

impl<O, E> ExceededMaxWait<O, E> {
    /// The caller's maximum wait.
    pub fn max_wait(&self) -> Duration {
        self.max_wait
    }
    /// How long the waiter waited.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
    /// How many times the operation was called.
    pub fn poll_count(&self) -> u32 {
        self.poll_count
    }
    /// The last poll, if any was made.
    pub fn last_poll(&self) -> Option<&FinalPoll<O, E>> {
        self.last_poll.as_ref()
    }
}

/// The operation failed with an error no acceptor matched.
#[derive(Debug)]
pub struct OperationFailed<E> {
    source: E,
}

impl<E> OperationFailed<E> {
    /// The error.
    pub fn error(&self) -> &E {
        &self.source
    }
    /// The error, owned.
    pub fn into_error(self) -> E {
        self.source
    }
}

/// Why a waiter did not reach its success state.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaiterError<O, E> {
    /// The input could not be built, or waiting is impossible (no timer).
    ConstructionFailure(BoxError),
    /// The maximum wait elapsed.
    ExceededMaxWait(ExceededMaxWait<O, E>),
    /// An acceptor selected the failure state.
    FailureState(FailureState<O, E>),
    /// The operation failed with an error no acceptor matched.
    OperationFailed(OperationFailed<E>),
}

impl<O, E> WaiterError<O, E> {
    /// The last poll's error, for `OperationFailed` and for a failure or timeout that ended on
    /// an error.
    pub fn as_operation_error(&self) -> Option<&E> {
        match self {
            WaiterError::OperationFailed(f) => Some(&f.source),
            WaiterError::FailureState(f) => f.final_poll.as_result().err(),
            WaiterError::ExceededMaxWait(x) => x.last_poll.as_ref().and_then(|p| p.as_result().err()),
            WaiterError::ConstructionFailure(_) => None,
        }
    }
}

impl<O, E: fmt::Display> fmt::Display for WaiterError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiterError::ConstructionFailure(e) => write!(f, "failed to construct the waiter's request: {e}"),
            WaiterError::ExceededMaxWait(x) => {
                write!(f, "waiter exceeded its maximum wait of {:?} after {} polls over {:?}", x.max_wait, x.poll_count, x.elapsed)
            }
            WaiterError::FailureState(_) => f.write_str("waiter reached a failure state"),
            WaiterError::OperationFailed(e) => write!(f, "waiter's operation failed: {}", e.source),
        }
    }
}

impl<O: fmt::Debug, E: std::error::Error + 'static> std::error::Error for WaiterError<O, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaiterError::ConstructionFailure(e) => Some(e.as_ref()),
            WaiterError::OperationFailed(e) => Some(&e.source),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------------------------

/// Time, sleep and jitter for the loop: the real ones by default, fakes in tests.
#[derive(Clone)]
pub struct WaitEnv {
    /// Time since an arbitrary fixed point.
    pub now: Arc<dyn Fn() -> Duration + Send + Sync>,
    /// Sleeps.
    pub sleep: Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>,
    /// A number in `[0, 1]`.
    pub random: Arc<dyn Fn() -> f64 + Send + Sync>,
}

impl fmt::Debug for WaitEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WaitEnv")
    }
}

impl WaitEnv {
    /// The monotonic clock, the tokio timer (without `rt-tokio`, `None`: no way to wait) and
    /// clock-seeded jitter.
    pub fn real() -> Option<WaitEnv> {
        if !cfg!(feature = "rt-tokio") {
            return None;
        }
        let start = std::time::Instant::now();
        let rng = Arc::new(super::retry::XorShift64::from_entropy());
        Some(WaitEnv {
            now: Arc::new(move || start.elapsed()),
            sleep: Arc::new(|d| {
                Box::pin(async move {
                    #[cfg(feature = "rt-tokio")]
                    tokio::time::sleep(d).await;
                    #[cfg(not(feature = "rt-tokio"))]
                    let _ = d;
                })
            }),
            random: Arc::new(move || rng.next_f64()),
        })
    }
}

/// Polls until an acceptor selects success (the final poll) or failure, an error matches no
/// acceptor, or `max_wait` elapses. `poll` calls the operation; `classify` applies the
/// acceptors. `min_delay`/`max_delay` override the waiter's.
pub async fn wait<O, E, F, Fut>(
    spec: &WaiterSpec,
    max_wait: Duration,
    env: Option<WaitEnv>,
    mut poll: F,
    classify: impl Fn(&Result<O, E>) -> Option<AcceptorState>,
) -> Result<FinalPoll<O, E>, WaiterError<O, E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<O, E>>,
{
    let Some(env) = env.or_else(WaitEnv::real) else {
        return Err(WaiterError::ConstructionFailure("waiters need a timer: enable the `rt-tokio` feature".into()));
    };
    let start = (env.now)();
    let mut attempt: u32 = 0;
    loop {
        let result = poll().await;
        attempt += 1;
        match classify(&result) {
            Some(AcceptorState::Success) => return Ok(FinalPoll::new(result)),
            Some(AcceptorState::Failure) => return Err(WaiterError::FailureState(FailureState { final_poll: FinalPoll::new(result) })),
            Some(AcceptorState::Retry) => {}
            None => match result {
                Err(source) => return Err(WaiterError::OperationFailed(OperationFailed { source })),
                Ok(_) => {}
            },
        }
        let elapsed = (env.now)().saturating_sub(start);
        let remaining = max_wait.saturating_sub(elapsed);
        if remaining.is_zero() || remaining <= spec.min_delay {
            return Err(WaiterError::ExceededMaxWait(ExceededMaxWait {
                max_wait,
                elapsed,
                poll_count: attempt,
                last_poll: Some(FinalPoll::new(result)),
            }));
        }
        drop(result);
        let d = delay(spec.min_delay, spec.max_delay, max_wait, attempt, elapsed, (env.random)());
        (env.sleep)(d).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Mutex;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn comparators() {
        assert!(Comparator::StringEquals.matches(&json!("ACTIVE"), "ACTIVE"));
        assert!(!Comparator::StringEquals.matches(&json!(["ACTIVE"]), "ACTIVE"));
        assert!(Comparator::BooleanEquals.matches(&json!(true), "true"));
        assert!(!Comparator::BooleanEquals.matches(&json!("true"), "true"));
        assert!(Comparator::AllStringEquals.matches(&json!(["a", "a"]), "a"));
        assert!(!Comparator::AllStringEquals.matches(&json!([]), "a"));
        assert!(!Comparator::AllStringEquals.matches(&json!(["a", "b"]), "a"));
        assert!(Comparator::AnyStringEquals.matches(&json!(["b", "a"]), "a"));
        assert!(!Comparator::AnyStringEquals.matches(&json!([]), "a"));
    }

    #[test]
    fn delays_follow_the_specification() {
        let d = |attempt, elapsed, r| delay(S(2), S(120), S(3600), attempt, S(elapsed), r);
        assert_eq!(d(1, 0, 1.0), S(2));
        assert_eq!(d(3, 0, 1.0), S(8));
        assert_eq!(d(3, 0, 0.0), S(2));
        assert_eq!(d(3, 0, 0.5), S(5));
        assert_eq!(d(7, 0, 1.0), S(120)); // 2 * 2^6 = 128, capped
        assert_eq!(d(30, 0, 1.0), S(120)); // past the attempt ceiling
        // Never past the maximum wait: the last poll comes at max_wait - min_delay.
        assert_eq!(delay(S(2), S(120), S(60), 9, S(50), 1.0), S(8));
        assert_eq!(delay(S(2), S(120), S(60), 9, S(57), 1.0), S(1));
    }

    struct Fake {
        now: Arc<Mutex<Duration>>,
        slept: Arc<Mutex<Vec<Duration>>>,
    }

    fn fake_env(random: f64) -> (WaitEnv, Fake) {
        let now = Arc::new(Mutex::new(Duration::ZERO));
        let slept = Arc::new(Mutex::new(Vec::new()));
        let (n, n2, s) = (now.clone(), now.clone(), slept.clone());
        let env = WaitEnv {
            now: Arc::new(move || *n.lock().unwrap()),
            sleep: Arc::new(move |d| {
                *n2.lock().unwrap() += d;
                s.lock().unwrap().push(d);
                Box::pin(async {})
            }),
            random: Arc::new(move || random),
        };
        (env, Fake { now, slept })
    }

    static ACCEPTORS: &[Acceptor] = &[
        Acceptor { state: AcceptorState::Success, matcher: Matcher::Output { path: "Table.Status", expected: "ACTIVE", comparator: Comparator::StringEquals } },
        Acceptor { state: AcceptorState::Failure, matcher: Matcher::Output { path: "Table.Status", expected: "FAILED", comparator: Comparator::StringEquals } },
        Acceptor { state: AcceptorState::Retry, matcher: Matcher::ErrorType("ResourceNotFoundException") },
        Acceptor { state: AcceptorState::Success, matcher: Matcher::InputOutput { path: "input.Name == output.Table.Name", expected: "true", comparator: Comparator::BooleanEquals } },
    ];
    const SPEC: WaiterSpec = WaiterSpec { name: "TableExists", min_delay: Duration::from_secs(2), max_delay: Duration::from_secs(120), acceptors: ACCEPTORS };

    fn run(responses: Vec<Result<Value, String>>, max_wait: Duration, random: f64) -> (Result<FinalPoll<Value, String>, WaiterError<Value, String>>, Fake, usize) {
        let (env, fake) = fake_env(random);
        let queue = Arc::new(Mutex::new(std::collections::VecDeque::from(responses)));
        let calls = Arc::new(Mutex::new(0usize));
        let (q, c) = (queue.clone(), calls.clone());
        let input = json!({"Name": "t"});
        let fut = wait(
            &SPEC,
            max_wait,
            Some(env),
            move || {
                *c.lock().unwrap() += 1;
                let next = q.lock().unwrap().pop_front().unwrap_or(Ok(json!({"Table": {"Status": "CREATING"}})));
                async move { next }
            },
            |r| classify(ACCEPTORS, &input, r, |o: &Value| o.clone(), |e: &String, name: &str| e == name),
        );
        let out = block_on(fut);
        let n = *calls.lock().unwrap();
        (out, fake, n)
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    #[test]
    fn success_after_retries() {
        let (out, fake, calls) = run(
            vec![Err("ResourceNotFoundException".into()), Ok(json!({"Table": {"Status": "CREATING"}})), Ok(json!({"Table": {"Status": "ACTIVE"}}))],
            S(300),
            1.0,
        );
        assert_eq!(out.unwrap().into_result().unwrap(), json!({"Table": {"Status": "ACTIVE"}}));
        assert_eq!(calls, 3);
        assert_eq!(*fake.slept.lock().unwrap(), vec![S(2), S(4)]);
    }

    #[test]
    fn failure_state_and_unmatched_errors() {
        let (out, _, _) = run(vec![Ok(json!({"Table": {"Status": "FAILED"}}))], S(300), 0.0);
        match out {
            Err(WaiterError::FailureState(f)) => assert_eq!(f.final_poll().as_result().unwrap()["Table"]["Status"], "FAILED"),
            other => panic!("{other:?}"),
        }
        let (out, _, calls) = run(vec![Err("AccessDenied".into())], S(300), 0.0);
        match out {
            Err(WaiterError::OperationFailed(e)) => assert_eq!(e.error(), "AccessDenied"),
            other => panic!("{other:?}"),
        }
        assert_eq!(calls, 1);
        let (out, _, _) = run(vec![Ok(json!({"Table": {"Name": "t"}}))], S(300), 0.0);
        assert!(out.is_ok(), "inputOutput matcher");
    }

    #[test]
    fn timeout_keeps_the_last_poll() {
        let (out, fake, calls) = run(vec![], S(20), 1.0);
        match out {
            Err(WaiterError::ExceededMaxWait(x)) => {
                assert_eq!(x.max_wait(), S(20));
                assert_eq!(x.poll_count() as usize, calls);
                assert!(x.elapsed() <= S(20));
                assert_eq!(x.last_poll().unwrap().as_result().unwrap()["Table"]["Status"], "CREATING");
            }
            other => panic!("{other:?}"),
        }
        // 2, 4, 8, then shrunk so the last poll is at 18 = 20 - min_delay.
        assert_eq!(*fake.slept.lock().unwrap(), vec![S(2), S(4), S(8), S(4)]);
        assert_eq!(*fake.now.lock().unwrap(), S(18));
    }

    #[test]
    fn documents() {
        let mut m = HashMap::new();
        m.insert("k".to_string(), vec![Some(1i32), None]);
        assert_eq!(m.to_document(), json!({"k": [1, null]}));
        assert_eq!(object(&[("A", json!(1)), ("B", Value::Null)]), json!({"A": 1}));
        assert_eq!(DateTime::from_secs(5).to_document(), json!(5.0));
        assert_eq!(Blob::new(b"hi".to_vec()).to_document(), json!("aGk="));
    }
}
