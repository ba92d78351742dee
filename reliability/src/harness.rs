//! What the generated operation tables (`ops/`) are made of: a scripted transport that answers
//! every request with the response (or failure) the fuzzer chose, the outcome of one call as
//! seen through the public API, and a suite per crate.
//!
//! Each generated crate carries its own copy of the runtime, so its `HttpClient` trait, its
//! `SdkError` and its `HttpResponse` are types of that crate: [`crate_harness!`] implements the
//! transport and the outcome readers once per crate.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A boxed future (not `Send`: the fuzzer drives one call at a time on its own thread).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// The response codec of a crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Codec {
    /// awsJson 1.0 / 1.1 (JSON body, `__type`).
    AwsJson,
    /// restJson1 (JSON body, HTTP bindings: headers, status, payloads).
    RestJson,
    /// restXml (XML body, HTTP bindings).
    RestXml,
    /// awsQuery (XML `<OpResponse><OpResult>` body).
    AwsQuery,
}

impl Codec {
    /// Whether bodies are XML.
    pub fn is_xml(self) -> bool {
        matches!(self, Codec::RestXml | Codec::AwsQuery)
    }
    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Codec::AwsJson => "awsJson",
            Codec::RestJson => "restJson1",
            Codec::RestXml => "restXml",
            Codec::AwsQuery => "awsQuery",
        }
    }
}

/// A response built from the model: the output, or a modelled error (its wire code).
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// The error code a client must read from it, for an error sample.
    pub error: Option<&'static str>,
    pub status: u16,
    pub headers: &'static [(&'static str, &'static str)],
    pub body: &'static [u8],
}

impl Sample {
    /// The sample as a transport script.
    pub fn script(&self) -> Script {
        Script {
            status: self.status,
            headers: self.headers.iter().map(|(k, v)| (k.to_string(), v.as_bytes().to_vec())).collect(),
            body: self.body.to_vec(),
            failure: None,
        }
    }
}

/// One operation of a crate.
pub struct OpCase<C: 'static> {
    pub name: &'static str,
    /// `@idempotent`/`@readonly`/idempotency token: safe to repeat.
    pub idempotent: bool,
    /// The output has a `@streaming` payload (read through `ByteStream`).
    pub streaming_output: bool,
    /// Calls the operation on the client with its required and sensitive members set.
    pub call: for<'a> fn(&'a C) -> BoxFuture<'a, Outcome>,
    /// The output sample first, then one per modelled error.
    pub samples: &'static [Sample],
}

/// How the transport fails instead of answering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Could not connect (the request never left).
    Connect,
    /// An I/O error after the request may have been sent.
    Io,
    /// The transport's own timeout.
    Timeout,
}

/// What the scripted transport answers to every request until the script changes.
#[derive(Clone, Debug, Default)]
pub struct Script {
    pub status: u16,
    /// Header names and raw value bytes (values `http` refuses are left out by the transport).
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
    pub failure: Option<Failure>,
}

impl Script {
    /// The header map the transport hands the client: values `http::HeaderValue` refuses
    /// (control characters other than tab) cannot exist in a real response either, as hyper
    /// rejects them while parsing; they are dropped.
    pub fn header_map(&self) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (k, v) in &self.headers {
            if let (Ok(name), Ok(value)) = (http::HeaderName::from_bytes(k.as_bytes()), http::HeaderValue::from_bytes(v)) {
                map.append(name, value);
            }
        }
        map
    }

    /// The request id a client must report: the first `x-amzn-requestid` value, else the first
    /// `x-amz-request-id`, when it is text.
    pub fn request_id(&self) -> Option<String> {
        let map = self.header_map();
        let text = |name: &str| map.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        text("x-amzn-requestid").or_else(|| text("x-amz-request-id"))
    }
}

/// A transport answering every request with its current [`Script`].
#[derive(Clone, Debug, Default)]
pub struct Scripted {
    script: Arc<Mutex<Script>>,
    attempts: Arc<AtomicUsize>,
    /// Secret parts of the requests sent (SigV4 signatures, session tokens), for the secrets
    /// test to look for elsewhere.
    secrets: Arc<Mutex<std::collections::BTreeSet<String>>>,
}

impl Scripted {
    /// Answers with `script` from now on.
    pub fn set(&self, script: Script) {
        if let Ok(mut s) = self.script.lock() {
            *s = script;
        }
    }
    /// The current script, counting one attempt.
    pub fn next(&self) -> Script {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        self.script.lock().map(|s| s.clone()).unwrap_or_default()
    }
    /// Requests received so far.
    pub fn attempts(&self) -> usize {
        self.attempts.load(Ordering::Relaxed)
    }
    /// Notes the secret parts of a request: its SigV4 signature and session token.
    pub fn observe(&self, headers: &http::HeaderMap) {
        let mut found = Vec::new();
        if let Some(sig) = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|a| a.split("Signature=").nth(1)) {
            found.push(sig.trim().to_string());
        }
        if let Some(token) = headers.get("x-amz-security-token").and_then(|v| v.to_str().ok()) {
            found.push(token.to_string());
        }
        if let Ok(mut s) = self.secrets.lock() {
            s.extend(found);
        }
    }
    /// The secret parts of the requests sent so far.
    pub fn secrets(&self) -> Vec<String> {
        self.secrets.lock().map(|s| s.iter().cloned().collect()).unwrap_or_default()
    }
}

/// The error of a scripted transport failure.
#[derive(Debug)]
pub struct InjectedFailure(pub Failure);

impl std::fmt::Display for InjectedFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "injected transport failure: {:?}", self.0)
    }
}

impl std::error::Error for InjectedFailure {}

/// How a call ended, as the public API shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutcomeKind {
    Ok,
    /// `SdkError::ServiceError` read as a modelled error.
    ModeledError,
    /// `SdkError::ServiceError` read as the unhandled variant.
    UnhandledError,
    /// `SdkError::ResponseError`: a response that could not be read.
    ResponseError,
    DispatchFailure,
    TimeoutError,
    ConstructionFailure,
}

/// The outcome of one call.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub kind: OutcomeKind,
    /// The status the output or the error reports.
    pub status: Option<u16>,
    pub request_id: Option<String>,
    /// The raw response body an error keeps.
    pub raw_body: Option<Vec<u8>>,
    /// The error code, `code()`.
    pub code: Option<String>,
    /// A streaming output's body, read to the end: its length or the error.
    pub streamed: Option<Result<usize, String>>,
    /// Debug and Display text of the output or error (checked for secrets; formatting is
    /// exercised for panics).
    pub text: String,
}

/// One crate's operations and a client over a scripted transport.
pub struct Suite<C: std::fmt::Debug + 'static> {
    name: &'static str,
    codec: Codec,
    transport: Scripted,
    client: C,
    ops: &'static [OpCase<C>],
}

impl<C: std::fmt::Debug + 'static> Suite<C> {
    pub fn new(name: &'static str, codec: Codec, client: fn(&Scripted) -> C, ops: &'static [OpCase<C>]) -> Self {
        let transport = Scripted::default();
        let client = client(&transport);
        Suite { name, codec, transport, client, ops }
    }
}

/// A suite whatever its crate.
pub trait DynSuite {
    fn crate_name(&self) -> &'static str;
    fn codec(&self) -> Codec;
    fn transport(&self) -> &Scripted;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn op_name(&self, op: usize) -> &'static str;
    fn op_idempotent(&self, op: usize) -> bool;
    fn op_streaming(&self, op: usize) -> bool;
    fn samples(&self, op: usize) -> &'static [Sample];
    /// Calls operation `op` once (the transport answers with its current script).
    fn call(&self, op: usize) -> BoxFuture<'_, Outcome>;
    /// The client's `Debug` text.
    fn describe_client(&self) -> String {
        String::new()
    }
}

impl<C: std::fmt::Debug + 'static> DynSuite for Suite<C> {
    fn describe_client(&self) -> String {
        format!("{:?}", self.client)
    }
    fn crate_name(&self) -> &'static str {
        self.name
    }
    fn codec(&self) -> Codec {
        self.codec
    }
    fn transport(&self) -> &Scripted {
        &self.transport
    }
    fn len(&self) -> usize {
        self.ops.len()
    }
    fn op_name(&self, op: usize) -> &'static str {
        self.ops[op].name
    }
    fn op_idempotent(&self, op: usize) -> bool {
        self.ops[op].idempotent
    }
    fn op_streaming(&self, op: usize) -> bool {
        self.ops[op].streaming_output
    }
    fn samples(&self, op: usize) -> &'static [Sample] {
        self.ops[op].samples
    }
    fn call(&self, op: usize) -> BoxFuture<'_, Outcome> {
        (self.ops[op].call)(&self.client)
    }
}

/// The secret access key of the harness clients (never to be seen in any output).
pub const SECRET_ACCESS_KEY: &str = "canary-secret-access-key";
/// The session token of the harness clients.
pub const SESSION_TOKEN: &str = "canary-session-token";

/// Implements the scripted transport for crate `$k` and defines, in the invoking module,
/// `client(&Scripted) -> $k::Client`, `ok(..)` and `err(..)` (used by the generated calls).
#[macro_export]
macro_rules! crate_harness {
    ($k:ident) => {
        impl $k::config::HttpClient for $crate::harness::Scripted {
            fn call(
                &self,
                request: $k::config::HttpRequest,
            ) -> $k::config::BoxFuture<'_, ::std::result::Result<$k::config::HttpResponse, $k::error::ConnectorError>> {
                self.observe(request.headers());
                let script = self.next();
                ::std::boxed::Box::pin(async move {
                    use $crate::harness::{Failure, InjectedFailure};
                    match script.failure {
                        ::std::option::Option::Some(Failure::Connect) => {
                            ::std::result::Result::Err($k::error::ConnectorError::connect(InjectedFailure(Failure::Connect)))
                        }
                        ::std::option::Option::Some(Failure::Io) => ::std::result::Result::Err($k::error::ConnectorError::io(InjectedFailure(Failure::Io))),
                        ::std::option::Option::Some(Failure::Timeout) => {
                            ::std::result::Result::Err($k::error::ConnectorError::timeout(InjectedFailure(Failure::Timeout)))
                        }
                        ::std::option::Option::None => {
                            let headers = script.header_map();
                            ::std::result::Result::Ok($k::config::HttpResponse::new(script.status, headers, script.body))
                        }
                    }
                })
            }
        }

        /// A client of this crate answered by `transport`: no environment, test credentials,
        /// two attempts without backoff.
        pub fn client(transport: &$crate::harness::Scripted) -> $k::Client {
            let config = $k::Config::builder()
                .ignore_environment()
                .region("us-east-1")
                .endpoint_url("http://harness.invalid")
                .credentials_provider($k::config::Credentials::new(
                    "AKIDHARNESS",
                    $crate::harness::SECRET_ACCESS_KEY,
                    ::std::option::Option::Some($crate::harness::SESSION_TOKEN.to_string()),
                    ::std::option::Option::None,
                    "harness",
                ))
                .retry_config(
                    $k::config::RetryConfig::standard()
                        .with_max_attempts(2)
                        .with_initial_backoff(::std::time::Duration::ZERO)
                        .with_max_backoff(::std::time::Duration::ZERO),
                )
                .http_client(transport.clone())
                .build();
            $k::Client::from_conf(config)
        }

        fn ok<O: ::std::fmt::Debug>(
            output: &O,
            meta: &$k::operation::ResponseMetadata,
            streamed: ::std::option::Option<::std::result::Result<usize, ::std::string::String>>,
        ) -> $crate::harness::Outcome {
            $crate::memory::mark();
            $crate::harness::Outcome {
                kind: $crate::harness::OutcomeKind::Ok,
                status: meta.status(),
                request_id: meta.request_id().map(::std::string::ToString::to_string),
                raw_body: ::std::option::Option::None,
                code: ::std::option::Option::None,
                streamed,
                text: ::std::format!("{output:?}"),
            }
        }

        fn err<E>(e: $k::error::SdkError<E>, modeled: impl Fn(&E) -> bool) -> $crate::harness::Outcome
        where
            E: ::std::error::Error + $k::error::ProvideErrorMetadata + 'static,
        {
            use $k::error::{ProvideErrorMetadata as _, RequestId as _};
            use $crate::harness::OutcomeKind;
            $crate::memory::mark();
            let kind = match &e {
                $k::error::SdkError::ServiceError(s) if modeled(s.err()) => OutcomeKind::ModeledError,
                $k::error::SdkError::ServiceError(_) => OutcomeKind::UnhandledError,
                $k::error::SdkError::ResponseError(_) => OutcomeKind::ResponseError,
                $k::error::SdkError::DispatchFailure(_) => OutcomeKind::DispatchFailure,
                $k::error::SdkError::TimeoutError(_) => OutcomeKind::TimeoutError,
                $k::error::SdkError::ConstructionFailure(_) => OutcomeKind::ConstructionFailure,
                #[allow(unreachable_patterns)]
                _ => OutcomeKind::ConstructionFailure,
            };
            let text = ::std::format!("{e:?}\n{e}\n{}", $k::error::DisplayErrorContext(&e));
            $crate::harness::Outcome {
                kind,
                status: e.raw_response().map(|r| r.status().as_u16()),
                request_id: e.request_id().map(::std::string::ToString::to_string),
                raw_body: e.raw_response().map(|r| r.body().to_vec()),
                code: e.code().map(::std::string::ToString::to_string),
                streamed: ::std::option::Option::None,
                text,
            }
        }
    };
}
