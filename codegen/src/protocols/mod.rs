//! The protocol seam: one module per wire protocol decides how a request is built from an
//! operation's input and how a response or an error is read. Emitters ask the service's
//! [`Protocol`] and never test a protocol name; [`for_service`] is the only place that maps
//! protocol traits to implementations.
//!
//! Adding a protocol means: a module here implementing [`Protocol`], a runtime codec module in
//! `codegen/runtime/src/` listed by [`Protocol::runtime_modules`], and protocol-test fixtures.

mod aws_json;
pub mod json;
mod query;
mod rest;
pub mod xml;

use crate::emit::Ctx;
use crate::model::{Kind, Model};
use crate::Error;
use proc_macro2::TokenStream;

/// How one protocol serialises requests and reads responses, as generated code.
///
/// Generated operation modules contain, from these pieces:
/// - `fn ser_request(input: &Input) -> Result<RequestParts, BuildError>` whose body is
///   [`request`](Protocol::request) (the host prefix is added by the caller);
/// - `fn de_response(response: &HttpResponse) -> Result<Output, DeserializeError>` with body
///   [`response`](Protocol::response);
/// - `fn read_error(response, meta) -> OpError`, which matches
///   [`error_code`](Protocol::error_code) against each modelled error's
///   [`wire_code`](Protocol::error_wire_code) and reads the error through its type's
///   `crate::runtime::orchestrator::ReadError` impl, which [`shape_codecs`](Protocol::shape_codecs)
///   emits in `src/protocol.rs` for every error shape an operation of the selection returns.
pub trait Protocol: Sync {
    /// The protocol trait's shape ID (`aws.protocols#awsJson1_1`).
    fn trait_id(&self) -> &'static str;
    /// Statements that end in an expression of type `RequestParts`, built from `input`.
    fn request(&self, ctx: &Ctx, op: &str) -> TokenStream;
    /// An expression of type `Result<Output, DeserializeError>` read from `response`.
    fn response(&self, ctx: &Ctx, op: &str) -> TokenStream;
    /// Items the operation module needs for the above (input serialiser, output reader).
    fn operation_items(&self, ctx: &Ctx, op: &str) -> TokenStream;
    /// An expression of type `Option<String>` or `Option<&str>` (`.as_deref()`-able) that
    /// identifies which modelled error a response is, from `response` and `meta`.
    fn error_code(&self, ctx: &Ctx) -> TokenStream;
    /// The code that identifies the error shape `error` on the wire.
    fn error_wire_code(&self, ctx: &Ctx, error: &str) -> String;
    /// A path to the runtime's `fn(&HttpResponse) -> ErrorMetadata` for this service.
    fn error_metadata_fn(&self, ctx: &Ctx) -> TokenStream;
    /// The items of `src/protocol.rs`: codecs shared by operations (one per data shape).
    fn shape_codecs(&self, ctx: &Ctx) -> TokenStream;
    /// Runtime modules (in `codegen/runtime/src/`) this protocol's generated code uses.
    fn runtime_modules(&self) -> &'static [&'static str];
    /// Cargo dependencies (names in the runtime manifest, optional there) that crates of this
    /// protocol need.
    fn dependencies(&self) -> &'static [&'static str] {
        &[]
    }
    /// Whether JSON documents use `@jsonName` keys.
    fn json_name(&self) -> bool {
        false
    }
    /// Whether HTTP binding traits place members outside the document (REST protocols).
    fn http_bindings(&self) -> bool {
        false
    }
}

/// Every protocol this generator implements, in order of preference when a service has
/// several.
static PROTOCOLS: &[&dyn Protocol] = &[
    &rest::Rest { doc: rest::Doc::Json },
    &rest::Rest { doc: rest::Doc::Xml },
    &query::Query { flavor: query::Flavor::Aws },
    &query::Query { flavor: query::Flavor::Ec2 },
    &aws_json::AwsJson { version: aws_json::Version::V1_1 },
    &aws_json::AwsJson { version: aws_json::Version::V1_0 },
];

/// The protocol trait IDs this generator implements.
pub fn supported() -> Vec<&'static str> {
    PROTOCOLS.iter().map(|p| p.trait_id()).collect()
}

/// Every optional dependency any protocol needs.
pub fn all_dependencies() -> impl Iterator<Item = &'static str> {
    PROTOCOLS.iter().flat_map(|p| p.dependencies().iter().copied())
}

/// Every runtime codec module any protocol uses.
pub fn all_runtime_modules() -> impl Iterator<Item = &'static str> {
    PROTOCOLS.iter().flat_map(|p| p.runtime_modules().iter().copied())
}

/// The `DateTimeFormat` of a timestamp member: its `@timestampFormat`, else its target's, else
/// `default` (the protocol's and location's default: `epoch-seconds`, `date-time`, `http-date`).
pub fn timestamp_format(member: Option<&crate::model::Member>, target: &crate::model::Shape, default: &str) -> TokenStream {
    let fmt = member.and_then(|m| m.traits.timestamp_format()).or_else(|| target.traits.timestamp_format()).unwrap_or(default);
    match fmt {
        "epoch-seconds" => quote::quote!(crate::primitives::DateTimeFormat::EpochSeconds),
        "http-date" => quote::quote!(crate::primitives::DateTimeFormat::HttpDate),
        _ => quote::quote!(crate::primitives::DateTimeFormat::DateTime),
    }
}

/// Whether a member of a response (output or error) structure is read from the document body:
/// request-only bindings (labels, query) do not apply to responses.
pub fn in_response_body(location: &crate::model::Location) -> bool {
    use crate::model::Location as L;
    matches!(location, L::Body | L::Label | L::Query(_) | L::QueryParams)
}

/// The protocol of a service: the first supported protocol trait it carries.
pub fn for_service(model: &Model, service: &str) -> Result<&'static dyn Protocol, Error> {
    let shape = model.expect(service, service)?;
    let Kind::Service(svc) = &shape.kind else {
        return Err(Error::model(&shape.file, Some(service), "this shape is not a service"));
    };
    if let Some(p) = PROTOCOLS.iter().find(|p| svc.info.protocols.iter().any(|t| t == p.trait_id())) {
        return Ok(*p);
    }
    let supported: Vec<&str> = PROTOCOLS.iter().map(|p| p.trait_id()).collect();
    Err(Error::model(
        &shape.file,
        Some(service),
        if svc.info.protocols.is_empty() {
            format!("the service has no protocol trait; supported: {}", supported.join(", "))
        } else {
            format!("unsupported protocol {:?}; supported: {}", svc.info.protocols, supported.join(", "))
        },
    ))
}
