//! The crate's small fixed files: `lib.rs` (built from the layout table), `meta.rs`,
//! `config.rs`, `primitives.rs` and `runtime/mod.rs`.

use super::{Ctx, FileSpec};
use crate::model::shape_name;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// `src/lib.rs`: crate docs, one `mod` per top-level module of the layout, re-exports.
pub fn lib_rs(ctx: &Ctx, layout: &[FileSpec]) -> TokenStream {
    let info = ctx.service;
    let skipped_doc = if ctx.skipped.is_empty() {
        String::new()
    } else {
        format!(
            "Left out because they use `@streaming` members, not supported yet: {}.\n\n",
            ctx.skipped.iter().map(|o| format!("`{}`", shape_name(o))).collect::<Vec<_>>().join(", ")
        )
    };
    let unselected_waiters = super::waiters::unselected(ctx);
    let skipped_doc = if unselected_waiters.is_empty() {
        skipped_doc
    } else {
        format!("{skipped_doc}Waiters of operations not in this crate (add the operation to generate them): {}.\n\n", unselected_waiters.join(", "))
    };
    let crate_doc = format!(
        "A client for {title} ({sdk_id}), generated from its Smithy model.\n\nOperations: {}.\n\n{skipped_doc}```no_run\n# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\nlet config = {krate}::Config::builder().region(\"us-east-1\").build();\nlet client = {krate}::Client::from_conf(config);\n# let _ = client;\n# Ok(())\n# }}\n```",
        ctx.sel.operations.iter().map(|o| format!("`{}`", shape_name(o))).collect::<Vec<_>>().join(", "),
        title = info.title,
        sdk_id = info.sdk_id,
        krate = ctx.crate_ident(),
    );
    let mods = layout.iter().filter_map(|f| {
        let module = f.path.strip_prefix("src/")?.strip_suffix(".rs")?;
        if module.contains('/') || module == "lib" {
            return None;
        }
        let ident = crate::symbols::ident(module);
        let doc = f.doc;
        Some(match f.visibility {
            super::Visibility::Public => quote!(#[doc = #doc] pub mod #ident;),
            super::Visibility::Private => quote!(mod #ident;),
            super::Visibility::Test => quote!(#[cfg(test)] #[doc = #doc] mod #ident;),
        })
    });
    let runtime_mod = if layout.iter().any(|f| f.path == "src/runtime/mod.rs") { quote!(mod runtime;) } else { quote!() };
    let presigning = if info.presignable {
        quote!(
            #[doc = "Presigned requests: `client.op()...presigned(PresigningConfig::expires_in(duration)?).await`."]
            pub mod presigning {
                pub use crate::runtime::presigning::{PresignedRequest, PresigningConfig, PresigningConfigBuilder, PresigningConfigError};
            }
        )
    } else {
        quote!()
    };
    quote!(
        #![doc = #crate_doc]
        #![forbid(unsafe_code)]
        #![allow(clippy::all, rustdoc::all)]
        #![allow(deprecated, clippy::needless_borrow)]

        #(#mods)*
        #runtime_mod
        #presigning

        pub use client::Client;
        pub use config::Config;
        pub use error::Error;
    )
}

/// `src/meta.rs`: the crate version and the static facts the runtime needs about the service.
pub fn meta_rs(ctx: &Ctx) -> TokenStream {
    let info = ctx.service;
    let name = &info.sdk_id;
    let endpoint_prefix = &info.endpoint_prefix;
    let env_name = info.sdk_id.to_uppercase().replace([' ', '-'], "_");
    let signing_name = &info.signing_name;
    let user_agent = format!("{}/{}", ctx.spec.crate_name, ctx.spec.version);
    let endpoint_rules = info.endpoint_rules.as_ref().map(|v| v.to_string()).unwrap_or_default();
    let error_metadata = ctx.protocol.error_metadata_fn(ctx);
    let default_headers = info.default_headers.iter().map(|(h, v)| {
        let h = h.to_ascii_lowercase();
        quote!((#h, #v))
    });
    let errors: BTreeSet<&String> = ctx.sel.op_errors.values().flatten().collect();
    let retryable = errors.into_iter().filter_map(|e| {
        let r = ctx.model.shapes[e].traits.retryable()?;
        let code = ctx.protocol.error_wire_code(ctx, e);
        let throttling = r.throttling;
        Some(quote!((#code, #throttling)))
    });
    let signing = if info.s3_style_signing {
        quote!(crate::runtime::sigv4::SigningSettings {
            uri_encoding: crate::runtime::sigv4::UriEncoding::Double,
            normalize_uri_path: false,
            content_sha256_header: true,
        })
    } else {
        quote!(crate::runtime::sigv4::SigningSettings::STANDARD)
    };
    quote!(
        #[doc = "The version of this generated crate."]
        pub const PKG_VERSION: &str = env!("CARGO_PKG_VERSION");
        pub(crate) static SERVICE: crate::runtime::orchestrator::ServiceSpec = crate::runtime::orchestrator::ServiceSpec {
            name: #name,
            error_metadata: #error_metadata,
            endpoint_prefix: #endpoint_prefix,
            env_name: #env_name,
            signing_name: #signing_name,
            user_agent: #user_agent,
            endpoint_rules: #endpoint_rules,
            default_headers: &[#(#default_headers),*],
            retryable_errors: &[#(#retryable),*],
            signing: #signing,
        };
    )
}

/// `src/config.rs`: configuration types, the transport seam and the mock transport.
pub fn config_rs(ctx: &Ctx) -> TokenStream {
    let client_params = client_context_setters(ctx);
    quote!(
        #client_params
        pub use crate::runtime::config::{BehaviorVersion, Builder, Config, IdempotencyTokenProvider, Region};
        pub use crate::runtime::credentials::{Credentials, ProvideCredentials, SharedCredentialsProvider};
        #[doc = "Credentials providers, under aws-config's and aws-credential-types' names: the `ProvideCredentials` trait with its future and error, the cache, the default chain and each of its links."]
        pub mod credentials {
            pub use crate::runtime::credentials::{future, Credentials, CredentialsError, Env, ProvideCredentials, SharedCredentialsProvider};
            pub use crate::runtime::credentials_cache::{CredentialsCache, CredentialsCacheBuilder, SharedTimeSource, SystemTimeSource, TimeSource};
            pub use crate::runtime::credentials_chain::{
                CredentialProcessProvider, CredentialsProviderChain, DefaultCredentialsChain, EnvironmentVariableCredentialsProvider,
                ProfileFileCredentialsProvider, ProviderConfig, WebIdentitySettings, WebIdentityTokenCredentialsProvider,
            };
            pub use crate::runtime::credentials_http::{EcsCredentialsProvider, EcsCredentialsProviderBuilder, ImdsCredentialsProvider, ImdsCredentialsProviderBuilder};
            pub use crate::runtime::credentials_sso::{SsoCredentialsProvider, SsoSettings};
            pub use crate::runtime::credential_calls::{
                AssumeRole, AssumeRoleWithWebIdentity, CredentialCalls, SsoCreateToken, SsoGetRoleCredentials, SsoToken,
            };
        }
        pub use crate::runtime::retry::{RetryConfig, RetryMode};
        pub use crate::runtime::stalled_stream::{StalledStreamProtectionBuilder, StalledStreamProtectionConfig};
        #[doc = "Retry configuration, where aws-sdk-rust has it (`config::retry::RetryConfig`)."]
        pub mod retry {
            pub use crate::runtime::retry::{RetryConfig, RetryMode};
        }
        #[doc = "Timeout configuration, where aws-sdk-rust has it (`config::timeout::TimeoutConfig`)."]
        pub mod timeout {
            pub use crate::runtime::config::{TimeoutConfig, TimeoutConfigBuilder};
        }
        #[doc = "A mock transport for tests: canned responses, recorded requests, no network."]
        pub mod mock {
            pub use crate::runtime::mock::{MockHttpClient, MockResponse};
        }
        pub use crate::runtime::http::{BoxFuture, HttpClient, HttpRequest, RequestParts};
        pub use crate::runtime::error::{HttpResponse, StatusCode};
        #[cfg(feature = "hyper-client")]
        pub use crate::runtime::http::DefaultHttpClient;
    )
}

/// The runtime's `config::Builder` methods, which a client context parameter setter must not
/// shadow (`pub fn name(` in the runtime's `config.rs`).
fn runtime_builder_has(method: &str) -> bool {
    let source = crate::RUNTIME.iter().find(|(n, _)| *n == "config").map(|(_, s)| *s).unwrap_or("");
    source.contains(&format!("pub fn {method}(")) || source.contains(&format!("pub(crate) fn {method}("))
}

/// Typed setters for the service's `@clientContextParams` under aws-sdk-rust's names
/// (`force_path_style(bool)` / `set_force_path_style(Option<bool>)`), storing the value by
/// parameter name in the runtime's `Builder`. With the runtime embedded the `Builder` is this
/// crate's own type and they are inherent methods, so aws-sdk-rust code compiles unchanged;
/// with a shared runtime crate it is a foreign type and they form the extension trait
/// `config::ClientContextParams`, which callers import.
fn client_context_setters(ctx: &Ctx) -> TokenStream {
    use crate::bindings::ClientParamType;
    let declared: BTreeSet<String> = ctx
        .service
        .endpoint_rules
        .as_ref()
        .and_then(|r| r.get("parameters"))
        .and_then(serde_json::Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let mut sigs = Vec::new();
    let mut bodies = Vec::new();
    for p in ctx.service.client_context_params.iter().filter(|p| declared.contains(&p.name)) {
        let snake = crate::sanitize::snake(&p.name);
        let bare = crate::sanitize::bare(&snake).to_string();
        if runtime_builder_has(&bare) || runtime_builder_has(&format!("set_{bare}")) {
            continue; // would shadow a runtime setting; still settable by name
        }
        let setter = crate::symbols::ident(&snake);
        let set = crate::symbols::ident(&format!("set_{bare}"));
        let (ty, arg) = match p.param_type {
            ClientParamType::Bool => (quote!(bool), quote!(value)),
            ClientParamType::String => (quote!(impl ::std::convert::Into<::std::string::String>), quote!(::std::convert::Into::<::std::string::String>::into(value))),
        };
        let opt_ty = match p.param_type {
            ClientParamType::Bool => quote!(::std::option::Option<bool>),
            ClientParamType::String => quote!(::std::option::Option<::std::string::String>),
        };
        let name = &p.name;
        let doc = p.documentation.as_deref().map(crate::docs::to_markdown).unwrap_or_default();
        let doc = format!("{doc}\n\nEndpoint rule-set parameter `{name}` (`@clientContextParams`).").trim_start().to_string();
        sigs.push((doc.clone(), setter.clone(), set.clone(), ty.clone(), opt_ty.clone()));
        bodies.push((doc, setter, set, ty, opt_ty, arg, name.clone()));
    }
    if bodies.is_empty() {
        return quote!();
    }
    let methods = |public: bool| -> Vec<TokenStream> {
        bodies
            .iter()
            .map(|(doc, setter, set, ty, opt_ty, arg, name)| {
                let vis = if public { quote!(pub) } else { quote!() };
                quote!(
                    #[doc = #doc]
                    #vis fn #setter(mut self, value: #ty) -> Self {
                        self.set_client_context_param(#name, ::std::option::Option::Some(crate::runtime::endpoint::Value::from(#arg)));
                        self
                    }
                    #[doc = #doc]
                    #vis fn #set(&mut self, value: #opt_ty) -> &mut Self {
                        self.set_client_context_param(#name, value.map(crate::runtime::endpoint::Value::from))
                    }
                )
            })
            .collect()
    };
    match &ctx.spec.runtime {
        crate::RuntimeMode::Embedded => {
            let methods = methods(true);
            quote!(
                #[doc = "Client context parameters of this service: endpoint settings under aws-sdk-rust's names."]
                impl crate::runtime::config::Builder {
                    #(#methods)*
                }
            )
        }
        crate::RuntimeMode::Shared { .. } => {
            let decls = sigs.iter().map(|(doc, setter, set, ty, opt_ty)| {
                quote!(
                    #[doc = #doc]
                    fn #setter(self, value: #ty) -> Self;
                    #[doc = #doc]
                    fn #set(&mut self, value: #opt_ty) -> &mut Self;
                )
            });
            let methods = methods(false);
            quote!(
                #[doc = "Client context parameters of this service (endpoint settings under aws-sdk-rust's names) as"]
                #[doc = "setters of the shared runtime's `Builder`: `use <crate>::config::ClientContextParams;`."]
                pub trait ClientContextParams: ::std::marker::Sized {
                    #(#decls)*
                }
                impl ClientContextParams for crate::runtime::config::Builder {
                    #(#methods)*
                }
            )
        }
    }
}

/// `src/primitives.rs`: blobs, timestamps, documents and big numbers.
pub fn primitives_rs() -> TokenStream {
    quote!(
        pub use crate::runtime::primitives::{BigDecimal, BigInteger, Blob, ByteStream, DateTime, DateTimeFormat, DateTimeParseError, Document, Number};
        #[doc = "The collected body of a `ByteStream`, the file stream builder and the stream's error."]
        pub mod byte_stream {
            pub use crate::runtime::primitives::{AggregatedBytes, FsBuilder, Length};
            #[doc = "The error of building or reading a `ByteStream`."]
            pub mod error {
                pub use crate::runtime::primitives::ByteStreamError as Error;
            }
        }
        #[doc = "Holds the raw value of an enum variant this client does not know."]
        pub mod sealed_enum_unknown {
            pub use crate::runtime::primitives::UnknownVariantValue;
        }
    )
}

/// `src/runtime/mod.rs`: the runtime modules copied into the crate or, with a shared
/// runtime, the same module names re-exported from the runtime crate.
pub fn runtime_mod_rs(ctx: &Ctx) -> TokenStream {
    // `generate` fails earlier when the credential clients do not build.
    let modules = crate::runtime_modules(ctx.protocol).unwrap_or_default();
    match &ctx.spec.runtime {
        crate::RuntimeMode::Embedded => {
            let decls = modules.iter().map(|m| {
                let name = crate::symbols::ident(m.name);
                let features = &m.features;
                if features.is_empty() {
                    quote!(pub mod #name;)
                } else {
                    quote!(#[cfg(any(#(feature = #features),*))] pub mod #name;)
                }
            });
            quote!(
                #![allow(dead_code, unused_imports)]
                #(#decls)*
            )
        }
        crate::RuntimeMode::Shared { crate_name, .. } => {
            let krate = crate::symbols::ident(&crate_name.replace('-', "_"));
            let names = modules.iter().filter(|m| m.features.is_empty()).map(|m| crate::symbols::ident(m.name));
            quote!(
                #![allow(dead_code, unused_imports)]
                pub use ::#krate::{#(#names),*};
            )
        }
    }
}
