//! Emitters: one function per kind of item, each returning a `TokenStream`, collected per file
//! in a `BTreeMap` so output order never depends on hashing.

pub mod blocking;
pub mod crate_files;
pub mod endpoint_tests;
pub mod operations;
pub mod paginators;
pub mod shapes;
pub mod waiters;

use crate::model::{Kind, Model, ShapeId};
use crate::select::Selection;
use crate::symbols::Symbols;
use crate::CrateSpec;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// Everything an emitter may look at.
pub struct Ctx<'a> {
    pub model: &'a Model,
    pub sel: &'a Selection,
    pub sym: &'a Symbols,
    pub spec: &'a CrateSpec,
    /// The service's protocol: how requests are built and responses read.
    pub protocol: &'static dyn crate::protocols::Protocol,
    /// Typed facts about the service.
    pub service: &'a crate::bindings::ServiceInfo,
    /// Types that need a JSON serialiser (reached from inputs) or deserialiser (outputs, errors).
    pub needs_ser: BTreeSet<ShapeId>,
    pub needs_de: BTreeSet<ShapeId>,
    /// Operations left out of an "all operations" crate (streaming), listed in the crate docs.
    pub skipped: Vec<ShapeId>,
}

impl Ctx<'_> {
    /// The crate name as used in Rust paths (`cognito_identity_provider`).
    pub fn crate_ident(&self) -> String {
        self.spec.crate_name.replace('-', "_")
    }
}

/// `#[doc]` attributes from a shape's or member's documentation (falling back to `fallback`),
/// plus `#[deprecated]` when the model says so.
pub fn doc_attrs(traits: &crate::model::Traits, fallback: Option<&str>) -> TokenStream {
    let mut out = Vec::new();
    if let Some(doc) = traits.documentation().or(fallback) {
        let md = crate::docs::to_markdown(doc);
        for line in md.lines() {
            let line = format!(" {line}");
            let line = if line.trim().is_empty() { String::new() } else { line };
            out.push(quote!(#[doc = #line]));
        }
    }
    if let Some(dep) = traits.deprecated() {
        let message = dep.get("message").and_then(|v| v.as_str());
        let since = dep.get("since").and_then(|v| v.as_str());
        let note = match (message, since) {
            (Some(m), Some(s)) => format!("{m} (since {s})"),
            (Some(m), None) => m.to_string(),
            (None, Some(s)) => format!("deprecated since {s}"),
            (None, None) => "deprecated by the service".to_string(),
        };
        out.push(quote!(#[deprecated(note = #note)]));
    }
    quote!(#(#out)*)
}

/// The client method's list of setters, as aws-sdk-rust documents them.
pub fn client_method_doc(ctx: &Ctx, op: &str) -> TokenStream {
    let names = ctx.sym.op(op);
    let Kind::Operation(o) = &ctx.model.shapes[op].kind else { return quote!() };
    let mut lines = vec![
        String::new(),
        format!(
            "Constructs a fluent builder for the [`{camel}`](crate::operation::{module}::builders::{fluent}) operation.",
            camel = names.camel,
            fluent = names.fluent,
            module = names.module_bare()
        ),
    ];
    {
        let input = &o.input;
        if let Kind::Structure(ms) = &ctx.model.shapes[input].kind {
            lines.push(String::new());
            lines.push("- The fluent builder is configurable:".into());
            for m in ms {
                let field = crate::sanitize::bare(ctx.sym.member(input, &m.name)).to_string();
                lines.push(format!(
                    "  - [`{field}({ty})`](crate::operation::{module}::builders::{fluent}::{field}) / [`{setter}`](crate::operation::{module}::builders::{fluent}::{setter}): required: **{req}**",
                    ty = if matches!(ctx.model.shapes[&m.target].kind, Kind::List(_) | Kind::Map(..)) { "..." } else { "impl Into<...>" },
                    module = names.module_bare(),
                    fluent = names.fluent,
                    setter = ctx.sym.setter(input, &m.name),
                    req = m.traits.required()
                ));
            }
        }
    }
    lines.push(format!(
        "- On success, responds with [`{output}`](crate::operation::{module}::{output}).",
        output = names.output,
        module = names.module_bare()
    ));
    lines.push(format!(
        "- On failure, responds with [`SdkError<{error}>`](crate::operation::{module}::{error}).",
        error = names.error,
        module = names.module_bare()
    ));
    let attrs = lines.into_iter().map(|l| {
        let l = if l.is_empty() { l } else { format!(" {l}") };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// A `no_run` example that compiles: the call with every required member set.
pub fn client_method_example(ctx: &Ctx, op: &str) -> TokenStream {
    let names = ctx.sym.op(op);
    let Kind::Operation(o) = &ctx.model.shapes[op].kind else { return quote!() };
    let crate_ident = ctx.crate_ident();
    let mut calls = Vec::new();
    {
        let input = &o.input;
        if let Kind::Structure(ms) = &ctx.model.shapes[input].kind {
            for m in ms {
                let target = &ctx.model.shapes[&m.target];
                let field = ctx.sym.member(input, &m.name);
                let value = match &target.kind {
                    Kind::String => Some(format!("\"{}\"", example_string(&m.name))),
                    Kind::Boolean => Some("true".into()),
                    Kind::Integer | Kind::Long | Kind::Short | Kind::Byte => Some("1".into()),
                    Kind::Enum(vals) => vals.first().and_then(|v| match &v.value {
                        crate::model::EnumLiteral::String(s) => Some(format!(
                            "{crate_ident}::types::{}::from({s:?})",
                            ctx.sym.type_name(&m.target)
                        )),
                        _ => None,
                    }),
                    Kind::Map(k, v) if is_string(ctx.model, &k.target) && is_string(ctx.model, &v.target) => {
                        calls.push(format!("    .{field}(\"key\", \"value\")"));
                        None
                    }
                    Kind::List(item) if is_string(ctx.model, &item.target) && m.traits.required() => {
                        calls.push(format!("    .{field}(\"value\")"));
                        None
                    }
                    _ => None,
                };
                if let Some(v) = value {
                    if m.traits.required() || calls.len() < 2 {
                        calls.push(format!("    .{field}({v})"));
                    }
                }
            }
        }
    }
    let out_use = "println!(\"{output:?}\");";
    let text = format!(
        "\n# Example\n\n```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\nlet config = {crate_ident}::Config::builder().region(\"us-east-1\").build();\nlet client = {crate_ident}::Client::from_conf(config);\nlet output = client\n    .{method}()\n{calls}\n    .send()\n    .await?;\n{out_use}\n# Ok(())\n# }}\n```",
        method = names.method,
        calls = calls.join("\n"),
    );
    let lines = text.lines().map(|l| {
        let l = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

fn example_string(member: &str) -> String {
    match member {
        "AttributeName" => "email".into(),
        "AccessToken" => "ACCESS_TOKEN".into(),
        _ => "STRING_VALUE".into(),
    }
}

fn is_string(model: &Model, id: &str) -> bool {
    matches!(model.get(id).map(|s| &s.kind), Some(Kind::String))
}

/// Computes which types need serialisers and deserialisers.
pub fn codec_needs(model: &Model, sel: &Selection) -> (BTreeSet<ShapeId>, BTreeSet<ShapeId>) {
    let walk = |roots: Vec<ShapeId>| -> BTreeSet<ShapeId> {
        let mut seen = BTreeSet::new();
        let mut stack = roots;
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            match model.get(&id).map(|s| &s.kind) {
                Some(Kind::Structure(ms) | Kind::Union(ms)) => stack.extend(ms.iter().map(|m| m.target.clone())),
                Some(Kind::List(m)) => stack.push(m.target.clone()),
                Some(Kind::Map(k, v)) => {
                    stack.push(k.target.clone());
                    stack.push(v.target.clone());
                }
                _ => {}
            }
        }
        seen.retain(|id| sel.shapes.contains(id));
        seen
    };
    let mut ser_roots = Vec::new();
    let mut de_roots = Vec::new();
    for op in &sel.operations {
        let Kind::Operation(o) = &model.shapes[op].kind else { continue };
        if let Some(Kind::Structure(ms)) = model.get(&o.input).map(|s| &s.kind) {
            ser_roots.extend(ms.iter().map(|m| m.target.clone()));
        }
        if let Some(Kind::Structure(ms)) = model.get(&o.output).map(|s| &s.kind) {
            de_roots.extend(ms.iter().map(|m| m.target.clone()));
        }
        de_roots.extend(sel.op_errors[op].iter().cloned());
    }
    (walk(ser_roots), walk(de_roots))
}

/// Items of the `types` module and `types::builders` or, with `errors`, of `types::error` and
/// `types::error::builders`.
pub fn types_modules(ctx: &Ctx, errors_only: bool) -> TokenStream {
    let mut types = Vec::new();
    let mut builders = Vec::new();
    let mut errors = Vec::new();
    let mut error_builders = Vec::new();
    let mut sorted: Vec<&ShapeId> = ctx.sel.shapes.iter().collect();
    sorted.sort_by(|a, b| ctx.sym.type_name(a).cmp(ctx.sym.type_name(b)).then(a.cmp(b)));
    for id in sorted {
        let shape = &ctx.model.shapes[id];
        let is_error = matches!(shape.kind, Kind::Structure(_)) && shape.traits.error().is_some();
        if is_error != errors_only {
            continue;
        }
        match &shape.kind {
            Kind::Structure(_) if is_error => {
                let (t, b) = operations::exception(ctx, shape);
                errors.push(t);
                error_builders.push(b);
            }
            Kind::Structure(_) => {
                let name = ctx.sym.type_ident(id);
                let (t, b) = shapes::structure(ctx, shape, &name, shapes::StructRole::Plain);
                types.push(t);
                builders.push(b);
            }
            Kind::Union(_) => types.push(shapes::union(ctx, shape)),
            Kind::Enum(_) => types.push(shapes::string_enum(ctx, shape)),
            Kind::IntEnum(_) => types.push(shapes::int_enum(ctx, shape)),
            _ => {}
        }
    }
    let types_ts = quote!(
        pub mod error;
        #[doc = "Builders of the data types in this module."]
        pub mod builders {
            #(#builders)*
        }
        #(#types)*
    );
    let errors_ts = quote!(
        #[doc = "Builders of the error types in this module."]
        pub mod builders {
            #(#error_builders)*
        }
        #(#errors)*
    );
    if errors_only {
        errors_ts
    } else {
        types_ts
    }
}

/// A file of the generated crate that is emitted as Rust code.
#[derive(Debug, Clone)]
pub enum FileJob {
    Lib,
    Client,
    Config,
    ErrorModule,
    Meta,
    OperationIndex,
    Operation(ShapeId),
    Primitives,
    Types,
    Errors,
    Protocol,
    RuntimeMod,
    EndpointTests,
    Waiters,
    Blocking,
}

/// How `lib.rs` declares a top-level module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Public,
    Private,
    Test,
}

/// One Rust file of the generated crate: where it goes, what emits it, its module doc.
#[derive(Debug, Clone)]
pub struct FileSpec {
    pub path: String,
    pub job: FileJob,
    pub doc: &'static str,
    pub visibility: Visibility,
}

/// The crate's layout: every Rust file, in one table. `lib.rs` declares the top-level modules
/// from it; [`emit_file`] emits each.
pub fn layout(ctx: &Ctx) -> Vec<FileSpec> {
    use Visibility::*;
    let file = |path: &str, job: FileJob, doc: &'static str, visibility: Visibility| FileSpec { path: path.to_string(), job, doc, visibility };
    let mut files = vec![
        file("src/lib.rs", FileJob::Lib, "", Private),
        file("src/client.rs", FileJob::Client, "The service client.", Public),
        file("src/config.rs", FileJob::Config, "Configuration: region, endpoint, transport, timeouts.", Public),
        file("src/error.rs", FileJob::ErrorModule, "Errors: `SdkError`, error metadata and the service-wide `Error`.", Public),
        file("src/meta.rs", FileJob::Meta, "Information about this crate and the service.", Public),
        file("src/operation.rs", FileJob::OperationIndex, "One module per operation: input, output, error and builders.", Public),
        file("src/primitives.rs", FileJob::Primitives, "Smithy primitive types: blobs, timestamps, documents, big numbers.", Public),
        file("src/types.rs", FileJob::Types, "Data types and modelled errors of the service.", Public),
        file("src/types/error.rs", FileJob::Errors, "", Public),
        file("src/protocol.rs", FileJob::Protocol, "", Private),
        file("src/runtime/mod.rs", FileJob::RuntimeMod, "", Private),
    ];
    for op in &ctx.sel.operations {
        let path = format!("src/operation/{}.rs", ctx.sym.op(op).module_bare());
        files.push(FileSpec { path, job: FileJob::Operation(op.clone()), doc: "", visibility: Public });
    }
    files.push(file("src/blocking.rs", FileJob::Blocking, "A blocking client (the `blocking` feature).", Public));
    if waiters::has_waiters(ctx) {
        files.push(file("src/waiters.rs", FileJob::Waiters, "Waiters: poll an operation until its result reaches a desired state.", Public));
    }
    if endpoint_tests::has_endpoint_tests(ctx) {
        files.push(file(
            "src/endpoint_tests.rs",
            FileJob::EndpointTests,
            "The model's endpoint test cases, run against this crate's configuration and rules.",
            Test,
        ));
    }
    files
}

/// Emits one file.
pub fn emit_file(ctx: &Ctx, job: &FileJob) -> TokenStream {
    match job {
        FileJob::Lib => crate_files::lib_rs(ctx, &layout(ctx)),
        FileJob::Meta => crate_files::meta_rs(ctx),
        FileJob::Config => crate_files::config_rs(ctx),
        FileJob::Primitives => crate_files::primitives_rs(),
        FileJob::RuntimeMod => crate_files::runtime_mod_rs(ctx),
        FileJob::Types => types_modules(ctx, false),
        FileJob::Errors => types_modules(ctx, true),
        FileJob::Operation(op) => operations::operation_module(ctx, op),
        FileJob::OperationIndex => {
            let mods = ctx.sel.operations.iter().map(|op| {
                let names = ctx.sym.op(op);
                let module = crate::symbols::ident(&names.module);
                let doc = format!("Types for the `{}` operation.", names.camel);
                let _ = &names.input;
                quote!(#[doc = #doc] pub mod #module;)
            });
            quote!(
                pub use crate::error::RequestId;
                pub use crate::runtime::orchestrator::ResponseMetadata;
                pub use crate::runtime::orchestrator::Sender;
                #(#mods)*
            )
        }
        FileJob::Client => operations::client(ctx),
        FileJob::ErrorModule => {
            let svc_err = operations::service_error(ctx);
            quote!(
                pub use crate::runtime::error::{
                    BoxError, BuildError, ConnectorError, ConnectorErrorKind, CreateUnhandledError, DisplayErrorContext,
                    ErrorMetadata, HttpResponse, InvalidStatusCode, MessageError, ProvideErrorMetadata, RequestId, SdkError, StatusCode, UnknownVariantError,
                };
                #[doc = "The unhandled variant's payload; users reach it through `code()`, `message()` and `source()`."]
                pub mod sealed_unhandled {
                    pub use crate::runtime::error::Unhandled;
                }
                pub use crate::runtime::stalled_stream::StalledStreamError;
                #svc_err
            )
        }
        FileJob::Protocol => ctx.protocol.shape_codecs(ctx),
        FileJob::EndpointTests => endpoint_tests::endpoint_tests(ctx).unwrap_or_default(),
        FileJob::Waiters => waiters::waiters_rs(ctx),
        FileJob::Blocking => blocking::blocking_rs(ctx),
    }
}
