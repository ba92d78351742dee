//! Typed views of the traits the emitters use, computed once by [`crate::model::normalize`]:
//! each operation's HTTP binding (`@http`, member locations, host prefix), its auth, idempotency
//! and pagination, each service's facts (sdkId, endpoint prefix, signing name, protocols), and
//! the retry classification of errors. Emitters read these, never raw trait JSON.

use crate::model::{Kind, Member, Model, Shape, Traits};
use crate::Error;
use serde_json::Value;

/// One segment of a URI path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text between slashes (already percent-encoded as written in the model).
    Literal(String),
    /// `{name}` or, with `greedy`, `{name+}` (which keeps its `/`s).
    Label { name: String, greedy: bool },
}

/// The `uri` of `@http`: path segments and the literal query string, if any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UriTemplate {
    /// Path segments, without the slashes between them.
    pub segments: Vec<Segment>,
    /// Whether the path ends with `/` (e.g. `/foo/`).
    pub trailing_slash: bool,
    /// Literal query parameters (`?a=b&c`): `(key, value)`.
    pub query: Vec<(String, Option<String>)>,
    /// The path is empty rather than `/` (a template whose only label moved into the endpoint,
    /// S3's `/{Bucket}`): the endpoint's own path is the request's path.
    pub empty_path: bool,
}

impl UriTemplate {
    /// Parses a `@http` `uri` value.
    pub fn parse(uri: &str) -> Result<UriTemplate, String> {
        let Some(rest) = uri.strip_prefix('/') else { return Err(format!("`@http` uri `{uri}` must start with `/`")) };
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let mut segments = Vec::new();
        let trailing_slash = path.ends_with('/') && !path.is_empty();
        let path = path.strip_suffix('/').unwrap_or(path);
        if !path.is_empty() {
            for part in path.split('/') {
                if let Some(label) = part.strip_prefix('{') {
                    let label = label.strip_suffix('}').ok_or_else(|| format!("`@http` uri `{uri}`: unclosed label `{part}`"))?;
                    let (name, greedy) = match label.strip_suffix('+') {
                        Some(n) => (n, true),
                        None => (label, false),
                    };
                    if name.is_empty() {
                        return Err(format!("`@http` uri `{uri}`: empty label"));
                    }
                    segments.push(Segment::Label { name: name.to_string(), greedy });
                } else if part.contains('{') || part.contains('}') {
                    return Err(format!("`@http` uri `{uri}`: a label must be a whole path segment (`{part}`)"));
                } else {
                    segments.push(Segment::Literal(part.to_string()));
                }
            }
        }
        let query = query
            .map(|q| {
                q.split('&')
                    .filter(|p| !p.is_empty())
                    .map(|p| match p.split_once('=') {
                        Some((k, v)) => (k.to_string(), Some(v.to_string())),
                        None => (p.to_string(), None),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(UriTemplate { segments, trailing_slash, query, empty_path: false })
    }

    /// The label names of the path.
    pub fn labels(&self) -> impl Iterator<Item = (&str, bool)> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Label { name, greedy } => Some((name.as_str(), *greedy)),
            Segment::Literal(_) => None,
        })
    }
}

/// `@http` of an operation (or the RPC default: `POST /`, 200).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpTrait {
    pub method: String,
    pub uri: UriTemplate,
    pub code: u16,
}

impl Default for HttpTrait {
    fn default() -> Self {
        HttpTrait { method: "POST".into(), uri: UriTemplate::default(), code: 200 }
    }
}

/// A part of an `@endpoint` host prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPart {
    Literal(String),
    /// An input member with `@hostLabel`.
    Label(String),
}

/// Where a member of an input, output or error structure travels in an HTTP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// In the document body (the protocol's serialisation of the structure).
    Body,
    /// A `{label}` of the URI (`@httpLabel`).
    Label,
    /// A query parameter (`@httpQuery`).
    Query(String),
    /// All remaining query parameters (`@httpQueryParams`).
    QueryParams,
    /// A header (`@httpHeader`).
    Header(String),
    /// Headers with a prefix (`@httpPrefixHeaders`).
    PrefixHeaders(String),
    /// The whole body (`@httpPayload`).
    Payload,
    /// The response status code (`@httpResponseCode`).
    ResponseCode,
}

impl Location {
    /// The location the HTTP binding traits of a member give it.
    pub fn of(traits: &Traits) -> Location {
        let s = |id: &str| traits.get(id).and_then(Value::as_str).map(str::to_string);
        if traits.has("smithy.api#httpLabel") {
            Location::Label
        } else if let Some(k) = s("smithy.api#httpQuery") {
            Location::Query(k)
        } else if traits.has("smithy.api#httpQueryParams") {
            Location::QueryParams
        } else if let Some(h) = s("smithy.api#httpHeader") {
            Location::Header(h)
        } else if let Some(p) = traits.get("smithy.api#httpPrefixHeaders").and_then(Value::as_str) {
            Location::PrefixHeaders(p.to_string())
        } else if traits.has("smithy.api#httpPayload") {
            Location::Payload
        } else if traits.has("smithy.api#httpResponseCode") {
            Location::ResponseCode
        } else {
            Location::Body
        }
    }

    /// The location of a member of an operation's output or of an error: `@httpLabel`,
    /// `@httpQuery` and `@httpQueryParams` bind request members only and are ignored in a
    /// response, so such a member is read from the document body (API Gateway's `position` in
    /// `GetRestApis` output carries `@httpQuery("position")` and arrives in the body).
    pub fn of_response_member(traits: &Traits) -> Location {
        match Location::of(traits) {
            Location::Label | Location::Query(_) | Location::QueryParams => Location::Body,
            other => other,
        }
    }
}

/// `@paginated`, as written on an operation or a service (each field optional).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paginated {
    pub input_token: Option<String>,
    pub output_token: Option<String>,
    pub items: Option<String>,
    pub page_size: Option<String>,
}

impl Paginated {
    fn from_trait(v: &Value) -> Paginated {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        Paginated { input_token: s("inputToken"), output_token: s("outputToken"), items: s("items"), page_size: s("pageSize") }
    }
    /// This operation's settings with the service's defaults filled in.
    pub fn merged(&self, service: Option<&Paginated>) -> Paginated {
        let pick = |a: &Option<String>, f: fn(&Paginated) -> &Option<String>| a.clone().or_else(|| service.and_then(|s| f(s).clone()));
        Paginated {
            input_token: pick(&self.input_token, |p| &p.input_token),
            output_token: pick(&self.output_token, |p| &p.output_token),
            items: pick(&self.items, |p| &p.items),
            page_size: pick(&self.page_size, |p| &p.page_size),
        }
    }
}

/// `@retryable` of an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retryable {
    pub throttling: bool,
}

/// Facts about an operation that emitters and the runtime need.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OperationInfo {
    /// `@http`, or `POST /` when the operation has none.
    pub http: HttpTrait,
    /// `@endpoint` host prefix.
    pub host_prefix: Option<Vec<HostPart>>,
    /// Whether requests are signed (false for `@auth([])` and `@optionalAuth`).
    pub signed: bool,
    /// Whether repeating the operation is harmless (`@idempotent`, `@readonly`, or an
    /// idempotency token in its input).
    pub idempotent: bool,
    /// `@paginated` as written on the operation.
    pub paginated: Option<Paginated>,
    /// `@requestCompression`: the encodings the service accepts, in the model's order of
    /// preference (empty when the operation has no such trait).
    pub request_compression: Vec<String>,
    /// The input member whose value is the URL the request goes to, replacing the resolved
    /// endpoint (a per-service customisation, see [`crate::customizations`]); set by
    /// normalisation for operations bound to a customised service.
    pub endpoint_url_member: Option<String>,
    /// `@httpChecksumRequired`: the request carries a `Content-MD5` of its body.
    pub checksum_required: bool,
    /// URI label members that take a value when unset or empty (a service customisation).
    pub label_defaults: Vec<(String, String)>,
    /// Whether the request carries Glacier's SHA-256 tree-hash headers (a customisation).
    pub tree_hash_checksums: bool,
    /// `aws.customizations#s3UnwrappedXmlOutput`: the response document's root element is the
    /// output's single member.
    pub unwrapped_xml_output: bool,
    /// A 200 response may carry an `<Error>` document instead of the output (a customisation:
    /// S3's CopyObject, UploadPartCopy, CompleteMultipartUpload).
    pub error_in_ok_response: bool,
    /// `aws.protocols#httpChecksum` request and response checksums.
    pub http_checksum: Option<HttpChecksum>,
    /// Endpoint rule-set parameters this operation binds (`@staticContextParams`,
    /// `@contextParam` on its input members, `@operationContextParams`).
    pub endpoint_params: EndpointParamBindings,
    /// `smithy.waiters#waitable`: the operation's waiters, sorted by name.
    pub waiters: Vec<Waiter>,
}

/// One waiter of `smithy.waiters#waitable`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiter {
    /// `TableExists`.
    pub name: String,
    pub documentation: Option<String>,
    /// Seconds; 2 unless set.
    pub min_delay: u64,
    /// Seconds; 120 unless set.
    pub max_delay: u64,
    pub deprecated: bool,
    pub acceptors: Vec<Acceptor>,
}

/// The state an acceptor moves a waiter to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptorState {
    Success,
    Failure,
    Retry,
}

/// How a waiter path's result is compared with the expected value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    StringEquals,
    BooleanEquals,
    AllStringEquals,
    AnyStringEquals,
}

/// A path matcher: a JMESPath expression (checked to be in the supported subset), the expected
/// value and the comparator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathMatcher {
    pub path: String,
    pub expected: String,
    pub comparator: Comparator,
}

/// What an acceptor matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaiterMatcher {
    Output(PathMatcher),
    InputOutput(PathMatcher),
    Success(bool),
    /// An error shape name (or ID).
    ErrorType(String),
}

/// One acceptor of a waiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptor {
    pub state: AcceptorState,
    pub matcher: WaiterMatcher,
}

impl Waiter {
    /// Whether any acceptor reads the input (`inputOutput`).
    pub fn reads_input(&self) -> bool {
        self.acceptors.iter().any(|a| matches!(a.matcher, WaiterMatcher::InputOutput(_)))
    }
    /// Whether any acceptor reads the output (`output` or `inputOutput`).
    pub fn reads_output(&self) -> bool {
        self.acceptors.iter().any(|a| matches!(a.matcher, WaiterMatcher::Output(_) | WaiterMatcher::InputOutput(_)))
    }
}

/// Parses `smithy.waiters#waitable` of an operation; bad values are errors naming it.
pub fn waiters(op: &Shape) -> Result<Vec<Waiter>, Error> {
    let Some(v) = op.traits.get("smithy.waiters#waitable") else { return Ok(Vec::new()) };
    let obj = v.as_object().ok_or_else(|| bad(op, "`@waitable` must be an object of waiters"))?;
    let mut out = Vec::new();
    for (name, w) in obj {
        let wbad = |m: String| bad(op, format!("waiter `{name}`: {m}"));
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_uppercase()) || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(wbad("the name must be UpperCamelCase letters and digits".into()));
        }
        let delay = |key: &str, default: u64| -> Result<u64, Error> {
            match w.get(key) {
                None => Ok(default),
                Some(d) => d.as_u64().filter(|d| *d >= 1).ok_or_else(|| wbad(format!("`{key}` must be a whole number of seconds, at least 1"))),
            }
        };
        let min_delay = delay("minDelay", 2)?;
        let max_delay = delay("maxDelay", 120)?;
        if max_delay < min_delay {
            return Err(wbad(format!("`maxDelay` ({max_delay}) is less than `minDelay` ({min_delay})")));
        }
        let list = w.get("acceptors").and_then(Value::as_array).filter(|a| !a.is_empty()).ok_or_else(|| wbad("needs a non-empty `acceptors` list".into()))?;
        let mut acceptors = Vec::new();
        for (i, a) in list.iter().enumerate() {
            let abad = |m: &str| wbad(format!("acceptor {i}: {m}"));
            let state = match a.get("state").and_then(Value::as_str) {
                Some("success") => AcceptorState::Success,
                Some("failure") => AcceptorState::Failure,
                Some("retry") => AcceptorState::Retry,
                _ => return Err(abad("`state` must be `success`, `failure` or `retry`")),
            };
            let m = a.get("matcher").and_then(Value::as_object).filter(|m| m.len() == 1).ok_or_else(|| abad("`matcher` must be an object with exactly one member"))?;
            let (kind, mv) = m.iter().next().expect("one member");
            let path_matcher = || -> Result<PathMatcher, Error> {
                let s = |k: &str| mv.get(k).and_then(Value::as_str).map(str::to_string);
                let path = s("path").ok_or_else(|| abad("a path matcher needs a string `path`"))?;
                let expected = s("expected").ok_or_else(|| abad("a path matcher needs a string `expected`"))?;
                let comparator = match s("comparator").as_deref() {
                    Some("stringEquals") => Comparator::StringEquals,
                    Some("booleanEquals") => Comparator::BooleanEquals,
                    Some("allStringEquals") => Comparator::AllStringEquals,
                    Some("anyStringEquals") => Comparator::AnyStringEquals,
                    other => return Err(abad(&format!("unknown comparator {other:?}"))),
                };
                if comparator == Comparator::BooleanEquals && expected != "true" && expected != "false" {
                    return Err(abad(&format!("`booleanEquals` expects `true` or `false`, not `{expected}`")));
                }
                crate::jmespath::parse(&path).map_err(|e| abad(&format!("{e} (supported: fields, `[]`, `[*]`, `.*`, `[?..]`, `[n]`, multi-select lists, length(), contains(), comparisons, `&&`, `||`, `!`)")))?;
                Ok(PathMatcher { path, expected, comparator })
            };
            let matcher = match kind.as_str() {
                "output" => WaiterMatcher::Output(path_matcher()?),
                "inputOutput" => WaiterMatcher::InputOutput(path_matcher()?),
                "success" => WaiterMatcher::Success(mv.as_bool().ok_or_else(|| abad("`success` must be a boolean"))?),
                "errorType" => WaiterMatcher::ErrorType(
                    mv.as_str().filter(|s| !s.is_empty()).ok_or_else(|| abad("`errorType` must be an error shape name"))?.to_string(),
                ),
                other => return Err(abad(&format!("unknown matcher `{other}`"))),
            };
            acceptors.push(Acceptor { state, matcher });
        }
        out.push(Waiter {
            name: name.clone(),
            documentation: w.get("documentation").and_then(Value::as_str).map(str::to_string),
            min_delay,
            max_delay,
            deprecated: w.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
            acceptors,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// `aws.protocols#httpChecksum` on an operation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpChecksum {
    /// `requestChecksumRequired`: a checksum is sent even when the caller chose no algorithm.
    pub request_checksum_required: bool,
    /// `requestAlgorithmMember`: the input member naming the algorithm to send.
    pub request_algorithm_member: Option<String>,
    /// `requestValidationModeMember`: the input member that enables response validation.
    pub request_validation_mode_member: Option<String>,
    /// `responseAlgorithms`: the algorithms a response may carry, in order of preference.
    pub response_algorithms: Vec<String>,
}

/// A value of `@staticContextParams`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaticParamValue {
    Bool(bool),
    String(String),
    StringList(Vec<String>),
}

/// One step of an `@operationContextParams` path, resolved against the input shapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// `.Member` of the structure `structure`.
    Field { structure: String, member: String },
    /// `[*]`: every element of the list (`sparse` lists hold optional elements).
    Project { sparse: bool },
    /// `keys(..)`: the keys of the map.
    Keys,
}

/// What an `@operationContextParams` path or a `@contextParam` member yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLeaf {
    /// A string or a string enum (`as_str()`).
    String,
    Bool,
    /// A list of strings (or string enums), taken whole.
    StringList,
}

/// An `@operationContextParams` path: the steps from the input structure, and the leaf type.
/// A path with a projection or `keys(..)` yields a list of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextPath {
    /// The path as written in the model.
    pub text: String,
    pub steps: Vec<PathStep>,
    pub leaf: ParamLeaf,
}

impl ContextPath {
    /// Whether the path yields a list of strings.
    pub fn is_list(&self) -> bool {
        self.leaf == ParamLeaf::StringList || self.steps.iter().any(|s| !matches!(s, PathStep::Field { .. }))
    }
}

/// The endpoint parameters an operation binds, by rule-set parameter name (sorted by name).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EndpointParamBindings {
    /// `@staticContextParams`: constants.
    pub static_params: Vec<(String, StaticParamValue)>,
    /// `@contextParam`: parameter name -> (input member name, leaf type).
    pub context_params: Vec<(String, String, ParamLeaf)>,
    /// `@operationContextParams`: parameter name -> path into the input.
    pub operation_context_params: Vec<(String, ContextPath)>,
}

impl EndpointParamBindings {
    /// Whether any parameter is read from the input.
    pub fn reads_input(&self) -> bool {
        !self.context_params.is_empty() || !self.operation_context_params.is_empty()
    }
    /// Whether the operation binds no parameter at all.
    pub fn is_empty(&self) -> bool {
        self.static_params.is_empty() && !self.reads_input()
    }
}

/// The declared type of a `@clientContextParams` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientParamType {
    Bool,
    String,
}

/// One `@clientContextParams` entry of a service: a configuration setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientContextParam {
    /// The rule-set parameter name (`ForcePathStyle`).
    pub name: String,
    pub param_type: ClientParamType,
    pub documentation: Option<String>,
}

/// Facts about a service.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceInfo {
    /// `aws.api#service` sdkId, else the shape name.
    pub sdk_id: String,
    /// The endpoint prefix, else the sdkId in kebab case.
    pub endpoint_prefix: String,
    /// The SigV4 signing name (`aws.auth#sigv4`), else the endpoint prefix.
    pub signing_name: String,
    /// `@title`, else the sdkId.
    pub title: String,
    /// Protocol traits on the service (shape IDs of traits that are `@protocolDefinition`s
    /// or in a protocols namespace), in model order.
    pub protocols: Vec<String>,
    /// `@awsQueryCompatible`.
    pub query_compatible: bool,
    /// `smithy.rules#endpointRuleSet` (the rules engine's input, kept as JSON).
    pub endpoint_rules: Option<Value>,
    /// `smithy.rules#endpointTests`.
    pub endpoint_tests: Option<Value>,
    /// Service-wide `@paginated` defaults.
    pub paginated: Option<Paginated>,
    /// Headers every request carries (a service customisation).
    pub default_headers: Vec<(String, String)>,
    /// `smithy.rules#clientContextParams`, sorted by name.
    pub client_context_params: Vec<ClientContextParam>,
    /// SigV4 as S3 signs (a customisation): the path is never normalised and requests carry
    /// `x-amz-content-sha256`.
    pub s3_style_signing: bool,
    /// Every operation can be presigned (a customisation): fluent builders get `presigned`.
    pub presignable: bool,
    /// Timestamp response headers read leniently: unset when unparseable (a customisation).
    pub lenient_response_headers: Vec<String>,
}

impl Traits {
    /// `@retryable`.
    pub fn retryable(&self) -> Option<Retryable> {
        let v = self.get("smithy.api#retryable")?;
        Some(Retryable { throttling: v.get("throttling").and_then(Value::as_bool).unwrap_or(false) })
    }
    /// `@jsonName`.
    pub fn json_name(&self) -> Option<&str> {
        self.get("smithy.api#jsonName").and_then(Value::as_str)
    }
    /// `@hostLabel`.
    pub fn host_label(&self) -> bool {
        self.has("smithy.api#hostLabel")
    }
    /// `@httpError`.
    pub fn http_error(&self) -> Option<u16> {
        self.get("smithy.api#httpError").and_then(Value::as_u64).and_then(|n| u16::try_from(n).ok())
    }
    /// `@mediaType`.
    pub fn media_type(&self) -> Option<&str> {
        self.get("smithy.api#mediaType").and_then(Value::as_str)
    }
}

fn bad(shape: &Shape, message: impl Into<String>) -> Error {
    Error::model(&shape.file, Some(&shape.id), message)
}

/// Computes an operation's typed facts; `input` is its (possibly synthesised) input structure.
pub fn operation_info(op: &Shape, input: &Shape) -> Result<OperationInfo, Error> {
    let t = &op.traits;
    let http = match t.get("smithy.api#http") {
        None => HttpTrait::default(),
        Some(v) => {
            let method = v.get("method").and_then(Value::as_str).ok_or_else(|| bad(op, "`@http` needs a string `method`"))?;
            let uri = v.get("uri").and_then(Value::as_str).ok_or_else(|| bad(op, "`@http` needs a string `uri`"))?;
            let code = match v.get("code") {
                None => 200,
                Some(c) => c.as_u64().and_then(|c| u16::try_from(c).ok()).ok_or_else(|| bad(op, "`@http` code must be a status code"))?,
            };
            let uri = UriTemplate::parse(uri).map_err(|e| bad(op, e))?;
            let members = match &input.kind {
                Kind::Structure(ms) => ms.as_slice(),
                _ => &[],
            };
            for (label, _) in uri.labels() {
                if !members.iter().any(|m| m.name == label && Location::of(&m.traits) == Location::Label) {
                    return Err(bad(op, format!("`@http` uri label `{label}` has no `@httpLabel` member in `{}`", input.id)));
                }
            }
            HttpTrait { method: method.to_string(), uri, code }
        }
    };
    let host_prefix = match t.get("smithy.api#endpoint").and_then(|v| v.get("hostPrefix")).and_then(Value::as_str) {
        None => None,
        Some(prefix) => Some(parse_host_prefix(prefix).map_err(|e| bad(op, e))?),
    };
    let signed = !(t.has("smithy.api#optionalAuth")
        || t.get("smithy.api#auth").and_then(Value::as_array).map(|a| a.is_empty()).unwrap_or(false));
    let token = matches!(&input.kind, Kind::Structure(ms) if ms.iter().any(|m: &Member| m.traits.idempotency_token()));
    let idempotent = t.has("smithy.api#idempotent") || t.has("smithy.api#readonly") || token;
    let paginated = t.get("smithy.api#paginated").map(Paginated::from_trait);
    let request_compression = match t.get("smithy.api#requestCompression") {
        None => Vec::new(),
        Some(v) => {
            let encodings = v
                .get("encodings")
                .and_then(Value::as_array)
                .ok_or_else(|| bad(op, "`@requestCompression` needs an `encodings` list"))?;
            let mut out = Vec::new();
            for e in encodings {
                let e = e.as_str().ok_or_else(|| bad(op, "`@requestCompression` encodings must be strings"))?;
                out.push(e.to_ascii_lowercase());
            }
            if out.is_empty() {
                return Err(bad(op, "`@requestCompression` encodings must not be empty"));
            }
            out
        }
    };
    Ok(OperationInfo {
        http,
        host_prefix,
        signed,
        idempotent,
        paginated,
        request_compression,
        endpoint_url_member: None,
        checksum_required: t.has("smithy.api#httpChecksumRequired"),
        label_defaults: Vec::new(),
        tree_hash_checksums: false,
        unwrapped_xml_output: t.has("aws.customizations#s3UnwrappedXmlOutput"),
        error_in_ok_response: false,
        http_checksum: t.get("aws.protocols#httpChecksum").map(|v| HttpChecksum {
            request_checksum_required: v.get("requestChecksumRequired").and_then(Value::as_bool).unwrap_or(false),
            request_algorithm_member: v.get("requestAlgorithmMember").and_then(Value::as_str).map(str::to_string),
            request_validation_mode_member: v.get("requestValidationModeMember").and_then(Value::as_str).map(str::to_string),
            response_algorithms: v
                .get("responseAlgorithms")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default(),
        }),
        endpoint_params: EndpointParamBindings::default(),
        waiters: waiters(op)?,
    })
}

/// The endpoint parameters an operation binds: its `@staticContextParams`, the `@contextParam`
/// members of its input and its `@operationContextParams` paths, checked against the shapes.
pub fn endpoint_params(model: &Model, op: &Shape, input: &Shape) -> Result<EndpointParamBindings, Error> {
    let mut out = EndpointParamBindings::default();
    let mut seen = std::collections::BTreeSet::new();
    let mut claim = |name: &str, shape: &Shape| -> Result<(), Error> {
        if name.is_empty() {
            return Err(bad(shape, "an endpoint context parameter needs a non-empty name"));
        }
        if !seen.insert(name.to_string()) {
            return Err(bad(shape, format!("endpoint parameter `{name}` is bound more than once by `{}`", op.id)));
        }
        Ok(())
    };
    if let Some(v) = op.traits.get("smithy.rules#staticContextParams") {
        let obj = v.as_object().ok_or_else(|| bad(op, "`@staticContextParams` must be an object"))?;
        for (name, p) in obj {
            claim(name, op)?;
            let value = match p.get("value") {
                Some(Value::Bool(b)) => StaticParamValue::Bool(*b),
                Some(Value::String(s)) => StaticParamValue::String(s.clone()),
                Some(Value::Array(a)) => StaticParamValue::StringList(
                    a.iter()
                        .map(|x| x.as_str().map(str::to_string))
                        .collect::<Option<_>>()
                        .ok_or_else(|| bad(op, format!("`@staticContextParams` `{name}`: a list value must hold strings")))?,
                ),
                _ => return Err(bad(op, format!("`@staticContextParams` `{name}` needs a boolean, string or string-list `value`"))),
            };
            out.static_params.push((name.clone(), value));
        }
    }
    if let Kind::Structure(members) = &input.kind {
        for m in members {
            let Some(v) = m.traits.get("smithy.rules#contextParam") else { continue };
            let name = v.get("name").and_then(Value::as_str).ok_or_else(|| bad(input, format!("`@contextParam` on `{}` needs a string `name`", m.name)))?;
            claim(name, input)?;
            let leaf = leaf_of(model, &m.target)
                .ok_or_else(|| bad(input, format!("`@contextParam` `{name}`: member `{}` must target a string, enum, boolean or list of strings", m.name)))?;
            out.context_params.push((name.to_string(), m.name.clone(), leaf));
        }
    }
    if let Some(v) = op.traits.get("smithy.rules#operationContextParams") {
        let obj = v.as_object().ok_or_else(|| bad(op, "`@operationContextParams` must be an object"))?;
        for (name, p) in obj {
            claim(name, op)?;
            let text = p.get("path").and_then(Value::as_str).ok_or_else(|| bad(op, format!("`@operationContextParams` `{name}` needs a string `path`")))?;
            let path = parse_context_path(model, input, text).map_err(|e| bad(op, format!("`@operationContextParams` `{name}`: {e}")))?;
            out.operation_context_params.push((name.clone(), path));
        }
    }
    out.static_params.sort_by(|a, b| a.0.cmp(&b.0));
    out.context_params.sort_by(|a, b| a.0.cmp(&b.0));
    out.operation_context_params.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The parameter type a shape yields as a leaf: strings and string enums, booleans, or lists
/// of those strings.
fn leaf_of(model: &Model, target: &str) -> Option<ParamLeaf> {
    match &model.get(target)?.kind {
        Kind::String | Kind::Enum(_) => Some(ParamLeaf::String),
        Kind::Boolean => Some(ParamLeaf::Bool),
        Kind::List(m) if !model.get(target)?.traits.sparse() && leaf_of(model, &m.target) == Some(ParamLeaf::String) => {
            Some(ParamLeaf::StringList)
        }
        _ => None,
    }
}

/// Parses the path subset of `@operationContextParams` (field access, `[*]` projection over
/// lists, `keys(..)` of a map, nested) and resolves it against the input structure.
pub fn parse_context_path(model: &Model, input: &Shape, text: &str) -> Result<ContextPath, String> {
    let t = text.trim();
    let (inner, keys) = match t.strip_prefix("keys(") {
        Some(rest) => (rest.strip_suffix(')').ok_or_else(|| format!("path `{text}`: unclosed `keys(`"))?.trim(), true),
        None => (t, false),
    };
    if inner.is_empty() {
        return Err(format!("path `{text}` is empty"));
    }
    let mut steps = Vec::new();
    let mut current = input.id.clone();
    for part in inner.split('.') {
        let (field, projections) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if field.is_empty() || !field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("path `{text}`: `{part}` is not a member name (only field access, `[*]` and `keys(..)` are supported)"));
        }
        let shape = model.get(&current).ok_or_else(|| format!("path `{text}`: `{current}` does not exist"))?;
        let Kind::Structure(members) = &shape.kind else {
            return Err(format!("path `{text}`: `{field}` is read from `{current}`, which is not a structure"));
        };
        let m = members.iter().find(|m| m.name == field).ok_or_else(|| format!("path `{text}`: `{current}` has no member `{field}`"))?;
        steps.push(PathStep::Field { structure: current.clone(), member: m.name.clone() });
        current = m.target.clone();
        let mut rest = projections;
        while !rest.is_empty() {
            rest = rest.strip_prefix("[*]").ok_or_else(|| format!("path `{text}`: unsupported `{rest}` (only `[*]` projections)"))?;
            let shape = model.get(&current).ok_or_else(|| format!("path `{text}`: `{current}` does not exist"))?;
            let Kind::List(elem) = &shape.kind else { return Err(format!("path `{text}`: `[*]` over `{current}`, which is not a list")) };
            steps.push(PathStep::Project { sparse: shape.traits.sparse() });
            current = elem.target.clone();
        }
    }
    let leaf = if keys {
        let shape = model.get(&current).ok_or_else(|| format!("path `{text}`: `{current}` does not exist"))?;
        let Kind::Map(key, _) = &shape.kind else { return Err(format!("path `{text}`: `keys(..)` of `{current}`, which is not a map")) };
        if leaf_of(model, &key.target) != Some(ParamLeaf::String) {
            return Err(format!("path `{text}`: the keys of `{current}` are not strings"));
        }
        steps.push(PathStep::Keys);
        ParamLeaf::String
    } else {
        leaf_of(model, &current).ok_or_else(|| format!("path `{text}` ends at `{current}`, not a string, enum, boolean or list of strings"))?
    };
    let path = ContextPath { text: text.to_string(), steps, leaf };
    if path.steps.iter().any(|s| !matches!(s, PathStep::Field { .. })) && leaf == ParamLeaf::StringList {
        return Err(format!("path `{text}` projects lists of strings; the result would be a list of lists"));
    }
    if path.is_list() && leaf == ParamLeaf::Bool {
        return Err(format!("path `{text}` projects booleans; only strings can form a list"));
    }
    Ok(path)
}

/// `smithy.rules#clientContextParams` of a service.
fn client_context_params(svc: &Shape) -> Result<Vec<ClientContextParam>, Error> {
    let Some(v) = svc.traits.get("smithy.rules#clientContextParams") else { return Ok(Vec::new()) };
    let obj = v.as_object().ok_or_else(|| bad(svc, "`@clientContextParams` must be an object"))?;
    let mut out = Vec::new();
    for (name, p) in obj {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(bad(svc, format!("`@clientContextParams`: `{name}` is not a valid parameter name")));
        }
        let param_type = match p.get("type").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
            Some("boolean") => ClientParamType::Bool,
            Some("string") => ClientParamType::String,
            other => return Err(bad(svc, format!("`@clientContextParams` `{name}`: type must be `boolean` or `string`, not {other:?}"))),
        };
        let documentation = p.get("documentation").and_then(Value::as_str).map(str::to_string);
        out.push(ClientContextParam { name: name.clone(), param_type, documentation });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn parse_host_prefix(prefix: &str) -> Result<Vec<HostPart>, String> {
    let mut parts = Vec::new();
    let mut rest = prefix;
    while let Some(start) = rest.find('{') {
        if start > 0 {
            parts.push(HostPart::Literal(rest[..start].to_string()));
        }
        let end = rest[start..].find('}').ok_or_else(|| format!("`@endpoint` hostPrefix `{prefix}` has an unclosed label"))?;
        parts.push(HostPart::Label(rest[start + 1..start + end].to_string()));
        rest = &rest[start + end + 1..];
    }
    if !rest.is_empty() {
        parts.push(HostPart::Literal(rest.to_string()));
    }
    Ok(parts)
}

/// Computes a service's typed facts.
pub fn service_info(model: &Model, svc: &Shape) -> Result<ServiceInfo, Error> {
    let t = &svc.traits;
    let aws = t.get("aws.api#service");
    let sdk_id = aws
        .and_then(|v| v.get("sdkId"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| crate::model::shape_name(&svc.id).to_string());
    let endpoint_prefix = aws
        .and_then(|v| v.get("endpointPrefix"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| sdk_id.to_lowercase().replace(' ', "-"));
    let signing_name =
        t.get("aws.auth#sigv4").and_then(|v| v.get("name")).and_then(Value::as_str).unwrap_or(&endpoint_prefix).to_string();
    let title = t.get("smithy.api#title").and_then(Value::as_str).unwrap_or(&sdk_id).to_string();
    let protocols = t
        .0
        .keys()
        .filter(|k| {
            k.starts_with("aws.protocols#")
                || k.starts_with("smithy.protocols#")
                || model.get(k).map(|s| s.traits.has("smithy.api#protocolDefinition")).unwrap_or(false)
        })
        .filter(|k| *k != "aws.protocols#awsQueryCompatible")
        .cloned()
        .collect();
    Ok(ServiceInfo {
        sdk_id,
        endpoint_prefix,
        signing_name,
        title,
        protocols,
        query_compatible: t.has("aws.protocols#awsQueryCompatible"),
        endpoint_rules: t.get("smithy.rules#endpointRuleSet").cloned(),
        endpoint_tests: t.get("smithy.rules#endpointTests").cloned(),
        paginated: t.get("smithy.api#paginated").map(Paginated::from_trait),
        default_headers: match &svc.kind {
            Kind::Service(s) => crate::customizations::service_headers(&svc.id, s.version.as_deref()),
            _ => Vec::new(),
        },
        client_context_params: client_context_params(svc)?,
        s3_style_signing: crate::customizations::s3_style_signing(&svc.id),
        presignable: crate::customizations::presignable(&svc.id),
        lenient_response_headers: crate::customizations::lenient_response_headers(&svc.id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_templates() {
        let u = UriTemplate::parse("/a/{b}/c/{d+}?x=1&y").unwrap();
        assert_eq!(
            u.segments,
            vec![
                Segment::Literal("a".into()),
                Segment::Label { name: "b".into(), greedy: false },
                Segment::Literal("c".into()),
                Segment::Label { name: "d".into(), greedy: true },
            ]
        );
        assert_eq!(u.query, vec![("x".into(), Some("1".into())), ("y".into(), None)]);
        assert!(!u.trailing_slash);
        assert!(UriTemplate::parse("/a/").unwrap().trailing_slash);
        assert_eq!(UriTemplate::parse("/").unwrap(), UriTemplate::default());
        assert!(UriTemplate::parse("a").is_err());
        assert!(UriTemplate::parse("/a{b}").is_err());
        assert!(UriTemplate::parse("/{b").is_err());
    }

    #[test]
    fn request_bindings_are_ignored_in_responses() {
        let traits = |v: Value| Traits(v.as_object().unwrap().clone().into_iter().collect());
        let query = traits(serde_json::json!({"smithy.api#httpQuery": "position"}));
        assert_eq!(Location::of(&query), Location::Query("position".into()));
        assert_eq!(Location::of_response_member(&query), Location::Body);
        for t in [serde_json::json!({"smithy.api#httpLabel": {}}), serde_json::json!({"smithy.api#httpQueryParams": {}})] {
            assert_eq!(Location::of_response_member(&traits(t)), Location::Body);
        }
        let header = traits(serde_json::json!({"smithy.api#httpHeader": "x-a"}));
        assert_eq!(Location::of_response_member(&header), Location::Header("x-a".into()));
        let code = traits(serde_json::json!({"smithy.api#httpResponseCode": {}}));
        assert_eq!(Location::of_response_member(&code), Location::ResponseCode);
    }

    #[test]
    fn host_prefixes() {
        assert_eq!(
            parse_host_prefix("foo.{Bar}-x.").unwrap(),
            vec![HostPart::Literal("foo.".into()), HostPart::Label("Bar".into()), HostPart::Literal("-x.".into())]
        );
        assert!(parse_host_prefix("{a").is_err());
    }
}

#[cfg(test)]
mod endpoint_param_tests {
    use super::*;

    fn model() -> Model {
        let text = serde_json::json!({
            "smithy": "2.0",
            "shapes": {
                "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}], "traits": {
                    "smithy.rules#clientContextParams": {
                        "ForcePathStyle": {"type": "boolean", "documentation": "Path style."},
                        "Mode": {"type": "string"}
                    }
                }},
                "ex#Op": {"type": "operation", "input": {"target": "ex#OpInput"}, "traits": {
                    "smithy.rules#staticContextParams": {"UseControl": {"value": true}, "Kind": {"value": "data"}, "Arns": {"value": ["a", "b"]}},
                    "smithy.rules#operationContextParams": {
                        "Tables": {"path": "keys(Items)"},
                        "Names": {"path": "Transact[*].Get.Name"},
                        "Nested": {"path": "Params.Name"}
                    }
                }},
                "ex#OpInput": {"type": "structure", "members": {
                    "Bucket": {"target": "smithy.api#String", "traits": {"smithy.rules#contextParam": {"name": "Bucket"}}},
                    "Items": {"target": "ex#ItemMap"},
                    "Transact": {"target": "ex#TransactList"},
                    "Params": {"target": "ex#Get"}
                }},
                "ex#ItemMap": {"type": "map", "key": {"target": "smithy.api#String"}, "value": {"target": "smithy.api#String"}},
                "ex#TransactList": {"type": "list", "member": {"target": "ex#Transact"}},
                "ex#Transact": {"type": "structure", "members": {"Get": {"target": "ex#Get"}}},
                "ex#Get": {"type": "structure", "members": {"Name": {"target": "smithy.api#String"}, "Flag": {"target": "smithy.api#Boolean"}}}
            }
        });
        let file = crate::ast::parse("ex.json", &text.to_string()).unwrap();
        crate::model::normalize(&[("ex.json".to_string(), file)]).unwrap()
    }

    #[test]
    fn typed_views_of_endpoint_context_params() {
        let m = model();
        let Kind::Operation(op) = &m.shapes["ex#Op"].kind else { panic!() };
        let p = &op.info.endpoint_params;
        assert_eq!(
            p.static_params,
            vec![
                ("Arns".into(), StaticParamValue::StringList(vec!["a".into(), "b".into()])),
                ("Kind".into(), StaticParamValue::String("data".into())),
                ("UseControl".into(), StaticParamValue::Bool(true)),
            ]
        );
        assert_eq!(p.context_params, vec![("Bucket".into(), "Bucket".into(), ParamLeaf::String)]);
        let paths: Vec<(&str, bool, ParamLeaf, usize)> =
            p.operation_context_params.iter().map(|(n, c)| (n.as_str(), c.is_list(), c.leaf, c.steps.len())).collect();
        assert_eq!(paths, vec![("Names", true, ParamLeaf::String, 4), ("Nested", false, ParamLeaf::String, 2), ("Tables", true, ParamLeaf::String, 2)]);
        assert_eq!(p.operation_context_params[0].1.steps[1], PathStep::Project { sparse: false });
        assert_eq!(p.operation_context_params[2].1.steps[1], PathStep::Keys);
        let Kind::Service(svc) = &m.shapes["ex#Svc"].kind else { panic!() };
        assert_eq!(
            svc.info.client_context_params,
            vec![
                ClientContextParam { name: "ForcePathStyle".into(), param_type: ClientParamType::Bool, documentation: Some("Path style.".into()) },
                ClientContextParam { name: "Mode".into(), param_type: ClientParamType::String, documentation: None },
            ]
        );
    }

    #[test]
    fn bad_context_paths() {
        let m = model();
        let input = &m.shapes["ex#OpInput"];
        for (path, needle) in [
            ("Missing", "has no member `Missing`"),
            ("Transact.Get", "not a structure"),
            ("Items[*]", "not a list"),
            ("keys(Transact)", "not a map"),
            ("Params", "not a string"),
            ("Transact[*].Get.Flag", "projects booleans"),
            ("Transact[0]", "unsupported"),
            ("[Bucket, Bucket]", "not a member name"),
            ("keys(Items", "unclosed"),
        ] {
            let e = parse_context_path(&m, input, path).unwrap_err();
            assert!(e.contains(needle), "{path}: {e}");
        }
        assert!(!parse_context_path(&m, input, "Params.Flag").unwrap().is_list());
    }
}

#[cfg(test)]
mod waiter_tests {
    use super::*;

    fn op(waitable: Value) -> Result<Vec<Waiter>, Error> {
        let text = serde_json::json!({
            "smithy": "2.0",
            "shapes": {
                "ex#Svc": {"type": "service", "version": "1", "operations": [{"target": "ex#Op"}]},
                "ex#Op": {"type": "operation", "traits": {"smithy.waiters#waitable": waitable}}
            }
        });
        let file = crate::ast::parse("ex.json", &text.to_string()).unwrap();
        let m = crate::model::normalize(&[("ex.json".to_string(), file)])?;
        let Kind::Operation(o) = &m.shapes["ex#Op"].kind else { panic!() };
        Ok(o.info.waiters.clone())
    }

    #[test]
    fn typed_view_with_defaults() {
        let w = op(serde_json::json!({
            "Ready": {"documentation": "Ready.", "maxDelay": 30, "deprecated": true, "acceptors": [
                {"state": "success", "matcher": {"output": {"path": "A.B", "expected": "X", "comparator": "stringEquals"}}},
                {"state": "failure", "matcher": {"inputOutput": {"path": "input.N == output.N", "expected": "false", "comparator": "booleanEquals"}}},
                {"state": "retry", "matcher": {"errorType": "NotFound"}},
                {"state": "success", "matcher": {"success": false}}
            ]},
            "Gone": {"minDelay": 5, "acceptors": [{"state": "success", "matcher": {"errorType": "NotFound"}}]}
        }))
        .unwrap();
        assert_eq!(w.iter().map(|w| (w.name.as_str(), w.min_delay, w.max_delay, w.deprecated)).collect::<Vec<_>>(), vec![("Gone", 5, 120, false), ("Ready", 2, 30, true)]);
        let r = &w[1];
        assert_eq!(r.documentation.as_deref(), Some("Ready."));
        assert_eq!(
            r.acceptors[0],
            Acceptor {
                state: AcceptorState::Success,
                matcher: WaiterMatcher::Output(PathMatcher { path: "A.B".into(), expected: "X".into(), comparator: Comparator::StringEquals })
            }
        );
        assert!(matches!(r.acceptors[1].matcher, WaiterMatcher::InputOutput(_)));
        assert_eq!(r.acceptors[2], Acceptor { state: AcceptorState::Retry, matcher: WaiterMatcher::ErrorType("NotFound".into()) });
        assert_eq!(r.acceptors[3].matcher, WaiterMatcher::Success(false));
        assert!(r.reads_input() && r.reads_output() && !w[0].reads_output());
    }

    #[test]
    fn bad_waiters_name_the_shape() {
        let ok = serde_json::json!({"state": "success", "matcher": {"success": true}});
        let path = |p: &str, cmp: &str, expected: &str| serde_json::json!({"state": "success", "matcher": {"output": {"path": p, "expected": expected, "comparator": cmp}}});
        for (w, needle) in [
            (serde_json::json!({"Ready": {"acceptors": []}}), "non-empty `acceptors`"),
            (serde_json::json!({"ready": {"acceptors": [ok]}}), "UpperCamelCase"),
            (serde_json::json!({"Ready": {"minDelay": 0, "acceptors": [ok]}}), "`minDelay`"),
            (serde_json::json!({"Ready": {"minDelay": 10, "maxDelay": 5, "acceptors": [ok]}}), "less than `minDelay`"),
            (serde_json::json!({"Ready": {"acceptors": [{"state": "done", "matcher": {"success": true}}]}}), "`state`"),
            (serde_json::json!({"Ready": {"acceptors": [{"state": "success", "matcher": {"other": true}}]}}), "unknown matcher `other`"),
            (serde_json::json!({"Ready": {"acceptors": [path("A", "numberEquals", "1")]}}), "unknown comparator"),
            (serde_json::json!({"Ready": {"acceptors": [path("A", "booleanEquals", "yes")]}}), "`true` or `false`"),
            (serde_json::json!({"Ready": {"acceptors": [path("max(A)", "stringEquals", "x")]}}), "unsupported function"),
            (serde_json::json!({"Ready": {"acceptors": [path("A[1:2]", "stringEquals", "x")]}}), "JMESPath `A[1:2]`"),
        ] {
            let e = op(w).unwrap_err().to_string();
            assert!(e.contains("shape `ex#Op`") && e.contains(needle), "{needle}: {e}");
        }
    }
}
