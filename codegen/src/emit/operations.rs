//! Emits per-operation modules (input, output, error enum, fluent builder), modelled exceptions,
//! the service-wide `Error` and the `Client`.

use super::shapes::{structure, StructRole};
use super::{doc_attrs, Ctx};
use crate::model::{shape_name, Kind, Shape};
use crate::symbols::ident;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `types::error::X`: the exception struct with its Display/Error/metadata impls, and its builder.
pub fn exception(ctx: &Ctx, shape: &Shape) -> (TokenStream, TokenStream) {
    let name = ctx.sym.type_ident(&shape.id);
    let (ty, builder) = structure(ctx, shape, &name, StructRole::Exception);
    let name_str = name.to_string();
    let message_member = super::shapes::members_of(shape).iter().find(|m| {
        crate::sanitize::bare(ctx.sym.member(&shape.id, &m.name)) == "message"
            && matches!(ctx.model.shapes.get(&m.target).map(|s| &s.kind), Some(Kind::String))
    });
    // `message()` is the member's getter: `Option<&str>`, or `&str` when the member is required.
    let message_expr = match message_member {
        Some(m) if !ctx.sym.is_optional(ctx.model, &shape.id, m) => quote!(::std::option::Option::Some(self.message())),
        _ => quote!(self.message()),
    };
    // A modelled error whose body has no message takes the one found elsewhere (e.g. `Message`).
    let fill_message = match message_member {
        Some(m) if ctx.sym.is_optional(ctx.model, &shape.id, m) => quote!(
            if self.message.is_none() { self.message = meta.message().map(::std::string::ToString::to_string); }
        ),
        _ => quote!(),
    };
    let message_fn = if message_member.is_some() {
        quote!()
    } else {
        quote!(
            impl #name {
                #[doc = "The error message, if the service sent one."]
                pub fn message(&self) -> ::std::option::Option<&str> { self.meta.message() }
            }
        )
    };
    let retryable = shape.traits.retryable().is_some();
    let throttling = shape.traits.retryable().map(|r| r.throttling).unwrap_or(false);
    let ty = quote!(
        #ty
        #message_fn
        impl #name {
            #[doc = "Whether the service marks this error as safe to retry."]
            pub fn is_retryable(&self) -> bool { #retryable }
            #[doc = "Whether this error means the caller is being throttled."]
            pub fn is_throttling(&self) -> bool { #throttling }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#name_str)?;
                if let ::std::option::Option::Some(message) = #message_expr {
                    write!(f, ": {}", message)?;
                }
                if let ::std::option::Option::Some(id) = self.meta.request_id() {
                    write!(f, " (request id: {})", id)?;
                }
                ::std::result::Result::Ok(())
            }
        }
        impl ::std::error::Error for #name {}
        impl crate::error::ProvideErrorMetadata for #name {
            fn meta(&self) -> &crate::error::ErrorMetadata { &self.meta }
        }
        impl crate::operation::RequestId for #name {
            fn request_id(&self) -> ::std::option::Option<&str> { self.meta.request_id() }
        }
        impl crate::runtime::orchestrator::ModeledError for #name {
            fn with_meta(mut self, meta: crate::error::ErrorMetadata) -> Self {
                #fill_message
                self.meta = meta;
                self
            }
        }
    );
    (ty, builder)
}

/// Code shared by the per-operation error enums and the service `Error`: the enum, its helpers
/// and trait impls. `variants` are error shape IDs.
fn error_enum(ctx: &Ctx, name: &proc_macro2::Ident, doc: &str, variants: &[String]) -> TokenStream {
    let mut decl = Vec::new();
    let mut is_fns = Vec::new();
    let mut variant_arms = Vec::new();
    for e in variants {
        let v = ctx.sym.type_ident(e);
        let path = ctx.sym.type_path(e);
        let doc_e = ctx.model.shapes[e].traits.documentation().map(crate::docs::to_markdown).unwrap_or_default();
        decl.push(quote!(#[doc = #doc_e] #v(#path),));
        let is_fn = ctx.sym.classifier(e);
        let is_doc = format!("Returns `true` if the error kind is `{name}::{v}`.");
        is_fns.push(quote!(#[doc = #is_doc] pub fn #is_fn(&self) -> bool { matches!(self, Self::#v(_)) }));
        variant_arms.push(quote!(Self::#v(e) => crate::runtime::error::VariantRef::Modeled(e),));
    }
    quote!(
        #[doc = #doc]
        #[non_exhaustive]
        #[derive(::std::fmt::Debug)]
        pub enum #name {
            #(#decl)*
            #[doc = "An unexpected error occurred (e.g., invalid JSON returned by the service or an unknown error code)."]
            #[deprecated(note = "Matching `Unhandled` directly is not forwards compatible. Instead, match using a \
            variable wildcard pattern and check `.code()`:\n \
            &nbsp;&nbsp;&nbsp;`err if err.code() == Some(\"SpecificExceptionCode\") => { /* handle the error */ }`\n \
            See [`ProvideErrorMetadata`](crate::error::ProvideErrorMetadata) for what information is available for the error.")]
            Unhandled(crate::error::sealed_unhandled::Unhandled),
        }
        #[allow(deprecated)]
        impl #name {
            #[doc = "Creates the `Unhandled` variant from any error type."]
            pub fn unhandled(err: impl ::std::convert::Into<crate::error::BoxError>) -> Self {
                Self::Unhandled(crate::error::sealed_unhandled::Unhandled::new(err.into(), ::std::default::Default::default()))
            }
            #[doc = "Creates the `Unhandled` variant from error metadata."]
            pub fn generic(meta: crate::error::ErrorMetadata) -> Self {
                Self::Unhandled(crate::error::sealed_unhandled::Unhandled::generic(meta))
            }
            fn variant(&self) -> crate::runtime::error::VariantRef<'_> {
                match self {
                    #(#variant_arms)*
                    Self::Unhandled(e) => crate::runtime::error::VariantRef::Unhandled(e),
                }
            }
            #[doc = "Error metadata: code, message, request id and HTTP status."]
            pub fn meta(&self) -> &crate::error::ErrorMetadata {
                self.variant().meta()
            }
            #(#is_fns)*
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.variant(), f)
            }
        }
        impl ::std::error::Error for #name {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                self.variant().source()
            }
        }
        impl crate::error::ProvideErrorMetadata for #name {
            fn meta(&self) -> &crate::error::ErrorMetadata { #name::meta(self) }
        }
        impl crate::operation::RequestId for #name {
            fn request_id(&self) -> ::std::option::Option<&str> { self.meta().request_id() }
        }
        #[allow(deprecated)]
        impl crate::error::CreateUnhandledError for #name {
            fn create_unhandled_error(source: crate::error::BoxError, meta: ::std::option::Option<crate::error::ErrorMetadata>) -> Self {
                Self::Unhandled(crate::error::sealed_unhandled::Unhandled::new(source, meta.unwrap_or_default()))
            }
        }
    )
}

/// The crate-level `Error`: every modelled error of the selection, with `From` each operation error.
pub fn service_error(ctx: &Ctx) -> TokenStream {
    let mut all: Vec<String> = ctx.sel.op_errors.values().flatten().cloned().collect();
    all.sort_by(|a, b| ctx.sym.type_name(a).cmp(ctx.sym.type_name(b)));
    all.dedup();
    let name = format_ident!("Error");
    let base = error_enum(ctx, &name, "All possible error types for this service.", &all);
    let mut froms = Vec::new();
    for op in &ctx.sel.operations {
        let names = ctx.sym.op(op);
        let module = ident(&names.module);
        let op_err = format_ident!("{}", names.error);
        let arms: Vec<TokenStream> = ctx.sel.op_errors[op]
            .iter()
            .map(|e| {
                let v = ctx.sym.type_ident(e);
                quote!(crate::operation::#module::#op_err::#v(inner) => Error::#v(inner),)
            })
            .collect();
        froms.push(quote!(
            #[allow(deprecated)]
            impl ::std::convert::From<crate::operation::#module::#op_err> for Error {
                fn from(err: crate::operation::#module::#op_err) -> Self {
                    match err {
                        #(#arms)*
                        crate::operation::#module::#op_err::Unhandled(inner) => Error::Unhandled(inner),
                    }
                }
            }
            impl ::std::convert::From<crate::error::SdkError<crate::operation::#module::#op_err>> for Error {
                fn from(err: crate::error::SdkError<crate::operation::#module::#op_err>) -> Self {
                    match err {
                        crate::error::SdkError::ServiceError(context) => Self::from(context.into_err()),
                        other => {
                            let meta = crate::error::ProvideErrorMetadata::meta(&other).clone();
                            <Self as crate::error::CreateUnhandledError>::create_unhandled_error(::std::boxed::Box::new(other), ::std::option::Option::Some(meta))
                        }
                    }
                }
            }
        ));
    }
    quote!(#base #(#froms)*)
}

/// `operation/<op>.rs`: the operation struct, input, output, error enum and builders.
pub fn operation_module(ctx: &Ctx, op_id: &str) -> TokenStream {
    let names = ctx.sym.op(op_id).clone();
    let op_shape = &ctx.model.shapes[op_id];
    let Kind::Operation(op) = &op_shape.kind else { return quote!() };
    let camel = &names.camel;
    let op_ident = format_ident!("{}", names.op_struct);
    let input_ident = format_ident!("{}", names.input);
    let output_ident = format_ident!("{}", names.output);
    let error_ident = format_ident!("{}", names.error);
    let fluent_ident = format_ident!("{}", names.fluent);
    let input_builder = format_ident!("{}", names.input_builder);
    let input_shape = &ctx.model.shapes[&op.input];
    let output_shape = &ctx.model.shapes[&op.output];
    let (input_ty, input_builder_ty) = structure(ctx, input_shape, &input_ident, StructRole::Input);
    let (output_ty, output_builder_ty) = structure(ctx, output_shape, &output_ident, StructRole::Output);
    let error_doc = format!("Error type for the `{camel}` operation.");
    let errors = &ctx.sel.op_errors[op_id];
    let error_enum = error_enum(ctx, &error_ident, &error_doc, errors);

    // The protocol decides how the request is built and the response and errors are read.
    let protocol = ctx.protocol;
    let request = protocol.request(ctx, op_id);
    let host_prefix = host_prefix(ctx, op_id);
    let endpoint_url = endpoint_url(ctx, op_id);
    let response = protocol.response(ctx, op_id);
    let protocol_items = protocol.operation_items(ctx, op_id);
    let error_code = protocol.error_code(ctx);
    let error_reader_uses = if errors.is_empty() {
        quote!()
    } else {
        quote!(
            use crate::runtime::orchestrator::read_modeled as read;
            use ::std::option::Option::Some;
            type E = #error_ident;
        )
    };
    // One line per modelled error: the variant's payload type says which reader
    // (`crate::runtime::orchestrator::ReadError`, implemented in `src/protocol.rs`) runs.
    let error_arms: Vec<TokenStream> = errors
        .iter()
        .map(|e| {
            let code = protocol.error_wire_code(ctx, e);
            let v = ctx.sym.type_ident(e);
            quote!(Some(#code) => read(response, meta, E::#v),)
        })
        .collect();

    // Unset idempotency tokens are filled from the client's token provider before serialising.
    let fill: Vec<TokenStream> = super::shapes::members_of(input_shape)
        .iter()
        .filter(|m| m.traits.idempotency_token() && ctx.sym.is_optional(ctx.model, &input_shape.id, m))
        .map(|m| {
            let field = ctx.sym.member_ident(&input_shape.id, &m.name);
            quote!(if input.#field.is_none() { input.#field = ::std::option::Option::Some(handle.idempotency_token()); })
        })
        .collect();
    let fill_tokens = if fill.is_empty() { quote!() } else { quote!(let mut input = input; #(#fill)*) };
    let op_name = shape_name(op_id);
    let content_md5 = op.info.checksum_required;
    let tree_hash = if op.info.tree_hash_checksums { quote!(crate::runtime::sigv4::add_tree_hash_headers(&mut parts);) } else { quote!() };
    let signed = op.info.signed;
    let idempotent = op.info.idempotent;
    let compression = &op.info.request_compression;
    let (static_params, set_endpoint_params, endpoint_params_fn) = endpoint_params(ctx, op_id);
    let error_in_ok_response = op.info.error_in_ok_response;
    // Services whose operations can be presigned (a customisation) get `presigned(..)`.
    let presigned = if ctx.service.presignable {
        quote!(
            #[doc = "Creates a presigned request for this operation (signed in its query string, payload unsigned) instead of sending it; see [`PresigningConfig`](crate::presigning::PresigningConfig). The request body, if any, is not part of it."]
            pub async fn presigned(
                self,
                presigning_config: crate::presigning::PresigningConfig,
            ) -> ::std::result::Result<crate::presigning::PresignedRequest, crate::error::SdkError<#error_ident>> {
                let handle = self._sender.handle.clone();
                let input = self.build().map_err(crate::error::SdkError::construction_failure)?;
                let request = ser_request(&input).map_err(crate::error::SdkError::construction_failure)?;
                crate::runtime::orchestrator::presign(&handle, &SPEC, request, &presigning_config).await
            }
        )
    } else {
        quote!()
    };
    let (checksum_spec, set_checksum) = http_checksum(ctx, op_id, input_shape);

    // An operation with a `@streaming` blob payload in its output leaves a 2xx response body
    // unread: it becomes that member.
    let streaming_output = super::shapes::members_of(output_shape).iter().find(|m| {
        m.location == crate::model::Location::Payload
            && ctx.model.shapes.get(&m.target).is_some_and(|t| matches!(t.kind, Kind::Blob) && t.traits.streaming())
    });
    // When such a response cannot be read (a hostile header), its error keeps the start of the
    // body as buffered responses keep theirs.
    let keep_body = match streaming_output {
        Some(_) => quote!(let response = crate::runtime::orchestrator::with_stream_body(response, body).await;),
        None => quote!(),
    };
    let (invoke, success, set_body) = match streaming_output {
        Some(m) => {
            let field = ctx.sym.member_ident(&output_shape.id, &m.name);
            // An optional member stays unset when the body is known to be empty.
            let value = if ctx.sym.is_optional(ctx.model, &output_shape.id, m) {
                quote!(if body.content_length() == ::std::option::Option::Some(0) { ::std::option::Option::None } else { ::std::option::Option::Some(body) })
            } else {
                quote!(body)
            };
            (
                quote!(invoke_streaming),
                quote!(crate::runtime::orchestrator::StreamingSuccess { response, body, attempts }),
                quote!(output.#field = #value;),
            )
        }
        None => (quote!(invoke), quote!(crate::runtime::orchestrator::Success { response, attempts }), quote!()),
    };

    let (paginator_mod, into_paginator) = super::paginators::paginator(ctx, op_id, input_shape, output_shape);
    let op_docs = doc_attrs(&op_shape.traits, None);
    let fluent_doc = format!("Fluent builder constructing a request to `{camel}`.");

    quote!(
        #op_docs
        #[derive(::std::clone::Clone, ::std::default::Default, ::std::fmt::Debug)]
        #[non_exhaustive]
        pub struct #op_ident;
        impl #op_ident {
            #[doc = "Creates a new operation value."]
            pub fn new() -> Self { Self }
            pub(crate) async fn orchestrate(
                handle: &crate::runtime::orchestrator::Handle,
                input: #input_ident,
            ) -> ::std::result::Result<#output_ident, crate::error::SdkError<#error_ident>> {
                #fill_tokens
                let request = ser_request(&input).map_err(crate::error::SdkError::construction_failure)?;
                #[cfg(feature = "tracing")]
                tracing::debug!(operation = #op_name, input = ?input, "calling");
                let #success =
                    crate::runtime::orchestrator::#invoke(handle, &SPEC, request, read_error).await?;
                match de_response(&response) {
                    ::std::result::Result::Ok(mut output) => {
                        #set_body
                        output._response_metadata = crate::operation::ResponseMetadata::new(
                            ::std::option::Option::Some(response.status().as_u16()),
                            crate::operation::RequestId::request_id(&response).map(::std::string::ToString::to_string),
                            attempts,
                        );
                        ::std::result::Result::Ok(output)
                    }
                    ::std::result::Result::Err(e) => {
                        #keep_body
                        let meta = crate::runtime::orchestrator::response_metadata(&response, attempts);
                        ::std::result::Result::Err(crate::error::SdkError::response_error(e, response, meta))
                    }
                }
            }
        }

        pub(crate) static SPEC: crate::runtime::orchestrator::OperationSpec = crate::runtime::orchestrator::OperationSpec {
            name: #op_name,
            signed: #signed,
            idempotent: #idempotent,
            request_compression: &[#(#compression),*],
            content_md5: #content_md5,
            error_in_ok_response: #error_in_ok_response,
            checksum: #checksum_spec,
            endpoint_params: &[#(#static_params),*],
        };

        pub(crate) fn ser_request(input: &#input_ident) -> ::std::result::Result<crate::config::RequestParts, crate::error::BuildError> {
            #[allow(unused_mut)]
            let mut parts = { #request };
            #host_prefix
            #endpoint_url
            #tree_hash
            #set_endpoint_params
            #set_checksum
            ::std::result::Result::Ok(parts)
        }
        #endpoint_params_fn

        fn de_response(response: &crate::error::HttpResponse) -> ::std::result::Result<#output_ident, crate::runtime::error::DeserializeError> {
            #response
        }

        fn read_error(response: &crate::error::HttpResponse, meta: crate::error::ErrorMetadata) -> #error_ident {
            #error_reader_uses
            match #error_code {
                #(#error_arms)*
                _ => crate::runtime::orchestrator::unhandled(response, meta),
            }
        }

        #protocol_items

        #input_ty
        #output_ty
        #error_enum

        #[doc = "Builders of this operation's input and output, and its fluent builder."]
        pub mod builders {
            pub use super::#fluent_ident;
            #input_builder_ty
            #output_builder_ty
        }
        pub use builders::{#input_builder};

        #[doc = #fluent_doc]
        #op_docs
        #[doc = ""]
        #[doc = "It is the input builder bound to a client: the setters are the input builder's. `M` is how it is sent: `()` by the async client (the default), `crate::blocking::BlockingRuntime` by the blocking client."]
        pub type #fluent_ident<M = ()> = builders::#input_builder<crate::operation::Sender<M>>;
        impl #fluent_ident {
            pub(crate) fn new(handle: ::std::sync::Arc<crate::runtime::orchestrator::Handle>) -> Self {
                Self::with_sender(crate::operation::Sender::new(handle, ()))
            }
            #[doc = "Sends the request and returns the response."]
            pub async fn send(self) -> ::std::result::Result<#output_ident, crate::error::SdkError<#error_ident>> {
                let handle = self._sender.handle.clone();
                let input = self.build().map_err(crate::error::SdkError::construction_failure)?;
                #op_ident::orchestrate(&handle, input).await
            }
            #[doc = "Customises this call: mutate the HTTP request, or override configuration for it alone."]
            pub fn customize(self) -> crate::client::customize::CustomizableOperation<#output_ident, #error_ident, Self> {
                crate::client::customize::CustomizableOperation::new(self)
            }
            #into_paginator
            #presigned
        }
        impl<M> #fluent_ident<M> {
            #[doc = "Access the input builder of this operation (this builder: its getters are the input builder's)."]
            pub fn as_input(&self) -> &Self { self }
        }
        impl crate::client::customize::internal::CustomizableSend<#output_ident, #error_ident> for #fluent_ident {
            fn send_customized(
                self,
                customizations: crate::client::customize::internal::Customizations,
            ) -> crate::config::BoxFuture<'static, ::std::result::Result<#output_ident, crate::error::SdkError<#error_ident>>> {
                ::std::boxed::Box::pin(async move {
                    let handle = self._sender.handle.customized(customizations);
                    let input = self.build().map_err(crate::error::SdkError::construction_failure)?;
                    #op_ident::orchestrate(&handle, input).await
                })
            }
        }
        #paginator_mod
        impl builders::#input_builder {
            #[doc = "Sends a request with this input using the given client."]
            pub async fn send_with(self, client: &crate::Client) -> ::std::result::Result<#output_ident, crate::error::SdkError<#error_ident>> {
                let input = self.build().map_err(crate::error::SdkError::construction_failure)?;
                #op_ident::orchestrate(client.handle(), input).await
            }
        }
    )
}

/// `aws.protocols#httpChecksum`: the operation's `ChecksumSpec` (an `Option<&ChecksumSpec>`
/// expression) and the statements of `ser_request` that pass the caller's algorithm choice and
/// validation mode to the runtime.
fn http_checksum(ctx: &Ctx, op_id: &str, input: &crate::model::Shape) -> (TokenStream, TokenStream) {
    let Kind::Operation(op) = &ctx.model.shapes[op_id].kind else { return (quote!(::std::option::Option::None), quote!()) };
    let Some(c) = &op.info.http_checksum else { return (quote!(::std::option::Option::None), quote!()) };
    let request_checksum = c.request_checksum_required || c.request_algorithm_member.is_some();
    let algorithms: Vec<String> = c.response_algorithms.iter().map(|a| a.to_ascii_uppercase()).collect();
    let spec = quote!(::std::option::Option::Some(&crate::runtime::checksum::ChecksumSpec {
        request_checksum: #request_checksum,
        response_algorithms: &[#(#algorithms),*],
    }));
    // The member's text: enums by `as_str()`, strings as they are.
    let member_text = |name: &str| -> Option<TokenStream> {
        let m = super::shapes::members_of(input).iter().find(|m| m.name == name)?;
        let field = ctx.sym.member_ident(&input.id, &m.name);
        let as_str = match ctx.model.shapes.get(&m.target).map(|t| &t.kind) {
            Some(Kind::Enum(_)) => quote!(v.as_str()),
            Some(Kind::String) => quote!(v.as_str()),
            _ => return None,
        };
        Some(if ctx.sym.is_optional(ctx.model, &input.id, m) {
            quote!(input.#field.as_ref().map(|v| #as_str))
        } else {
            quote!({ let v = &input.#field; ::std::option::Option::Some(#as_str) })
        })
    };
    let mut set = Vec::new();
    if let Some(text) = c.request_algorithm_member.as_deref().and_then(member_text) {
        set.push(quote!(parts.checksum_algorithm = #text.map(::std::string::ToString::to_string);));
    }
    if let Some(text) = c.request_validation_mode_member.as_deref().and_then(member_text) {
        set.push(quote!(parts.validate_response_checksum = #text == ::std::option::Option::Some("ENABLED");));
    }
    (spec, quote!(#(#set)*))
}

/// The rule-set parameter names of the service (empty without a rule set): bindings of other
/// names would be ignored by the engine, so they are not emitted.
fn rule_set_params(ctx: &Ctx) -> std::collections::BTreeSet<String> {
    ctx.service
        .endpoint_rules
        .as_ref()
        .and_then(|r| r.get("parameters"))
        .and_then(serde_json::Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// An operation's endpoint parameters: the entries of its `OperationSpec` static table, the
/// statement of `ser_request` that sets the parameters read from the input, and the function
/// that reads them (only for operations with `@contextParam` or `@operationContextParams`).
fn endpoint_params(ctx: &Ctx, op_id: &str) -> (Vec<TokenStream>, TokenStream, TokenStream) {
    use crate::bindings::StaticParamValue;
    let Kind::Operation(op) = &ctx.model.shapes[op_id].kind else { return (Vec::new(), quote!(), quote!()) };
    let declared = rule_set_params(ctx);
    let b = &op.info.endpoint_params;
    let rt = quote!(crate::runtime::orchestrator::StaticParam);
    let statics = b
        .static_params
        .iter()
        .filter(|(name, _)| declared.contains(name))
        .map(|(name, v)| {
            let v = match v {
                StaticParamValue::Bool(x) => quote!(#rt::Bool(#x)),
                StaticParamValue::String(x) => quote!(#rt::String(#x)),
                StaticParamValue::StringList(x) => quote!(#rt::StringList(&[#(#x),*])),
            };
            quote!((#name, #v))
        })
        .collect();
    let input = &op.input;
    let value = quote!(crate::runtime::endpoint::Value);
    let mut reads = Vec::new();
    for (name, member, leaf) in b.context_params.iter().filter(|(n, ..)| declared.contains(n)) {
        let Some(m) = super::shapes::members_of(&ctx.model.shapes[input]).iter().find(|m| &m.name == member) else { continue };
        let field = ctx.sym.member_ident(input, &m.name);
        let convert = leaf_value(*leaf, quote!(v));
        reads.push(if ctx.sym.is_optional(ctx.model, input, m) {
            quote!(if let ::std::option::Option::Some(v) = input.#field.as_ref() { params.insert(#name.into(), #convert); })
        } else {
            quote!({ let v = &input.#field; params.insert(#name.into(), #convert); })
        });
    }
    for (name, path) in b.operation_context_params.iter().filter(|(n, _)| declared.contains(n)) {
        let list = path.is_list();
        let body = path_code(ctx, &path.steps, quote!(input), path.leaf, list, 0, false);
        reads.push(if list {
            quote!({
                let mut out: ::std::option::Option<::std::vec::Vec<::std::string::String>> = ::std::option::Option::None;
                #body
                if let ::std::option::Option::Some(list) = out { params.insert(#name.into(), #value::StringArray(list)); }
            })
        } else {
            quote!({ let mut out: ::std::option::Option<#value> = ::std::option::Option::None; #body if let ::std::option::Option::Some(v) = out { params.insert(#name.into(), v); } })
        });
    }
    if reads.is_empty() {
        return (statics, quote!(), quote!());
    }
    let input_ident = format_ident!("{}", ctx.sym.op(op_id).input);
    (
        statics,
        quote!(parts.endpoint_params = endpoint_params(input);),
        quote!(
            #[doc = "The endpoint rule-set parameters read from the input (`@contextParam`, `@operationContextParams`)."]
            pub(crate) fn endpoint_params(input: &#input_ident) -> crate::runtime::endpoint::Params {
                let mut params = crate::runtime::endpoint::Params::new();
                #(#reads)*
                params
            }
        ),
    )
}

/// The rules engine's value of a leaf `v` (a reference).
fn leaf_value(leaf: crate::bindings::ParamLeaf, v: TokenStream) -> TokenStream {
    use crate::bindings::ParamLeaf;
    let value = quote!(crate::runtime::endpoint::Value);
    match leaf {
        ParamLeaf::String => quote!(#value::String(#v.as_str().to_string())),
        ParamLeaf::Bool => quote!(#value::Bool(*#v)),
        ParamLeaf::StringList => quote!(#value::StringArray(#v.iter().map(|x| x.as_str().to_string()).collect())),
    }
}

/// Statements walking an `@operationContextParams` path from `cur` (a reference): nested
/// `if let`s for optional members, loops for `[*]` and `keys(..)`; the leaf is stored in `out`
/// (`Option<Value>` for a scalar path, `Option<Vec<String>>` for a list, created at the first
/// projection so that an absent collection leaves the parameter unset).
fn path_code(
    ctx: &Ctx,
    steps: &[crate::bindings::PathStep],
    cur: TokenStream,
    leaf: crate::bindings::ParamLeaf,
    list: bool,
    depth: usize,
    in_list: bool,
) -> TokenStream {
    use crate::bindings::PathStep;
    let v = format_ident!("v{}", depth);
    let Some((step, rest)) = steps.split_first() else {
        return if in_list {
            quote!(acc.push(#cur.as_str().to_string());)
        } else if list {
            let convert = quote!(#cur.iter().map(|x| x.as_str().to_string()).collect());
            quote!(out = ::std::option::Option::Some(#convert);)
        } else {
            let convert = leaf_value(leaf, cur);
            quote!(out = ::std::option::Option::Some(#convert);)
        };
    };
    let acc = if in_list { quote!() } else { quote!(let acc = out.get_or_insert_with(::std::vec::Vec::new);) };
    match step {
        PathStep::Field { structure, member } => {
            let Some(m) = super::shapes::members_of(&ctx.model.shapes[structure]).iter().find(|m| &m.name == member) else { return quote!() };
            let field = ctx.sym.member_ident(structure, &m.name);
            let inner = path_code(ctx, rest, quote!(#v), leaf, list, depth + 1, in_list);
            if ctx.sym.is_optional(ctx.model, structure, m) {
                quote!(if let ::std::option::Option::Some(#v) = #cur.#field.as_ref() { #inner })
            } else {
                quote!({ let #v = &#cur.#field; #inner })
            }
        }
        PathStep::Project { sparse } => {
            let inner = path_code(ctx, rest, quote!(#v), leaf, list, depth + 1, true);
            let iter = if *sparse { quote!(#cur.iter().flatten()) } else { quote!(#cur.iter()) };
            quote!(#acc for #v in #iter { #inner })
        }
        PathStep::Keys => quote!(#acc for #v in #cur.keys() { acc.push(#v.as_str().to_string()); }),
    }
}

/// A statement that sets `parts.endpoint_url` from the input member that names the operation's
/// endpoint, for operations customised that way (nothing otherwise).
fn endpoint_url(ctx: &Ctx, op_id: &str) -> TokenStream {
    let Kind::Operation(op) = &ctx.model.shapes[op_id].kind else { return quote!() };
    let Some(member) = &op.info.endpoint_url_member else { return quote!() };
    let input = &op.input;
    let Some(m) = super::shapes::members_of(&ctx.model.shapes[input]).iter().find(|m| &m.name == member) else { return quote!() };
    let field = ctx.sym.member_ident(input, &m.name);
    if ctx.sym.is_optional(ctx.model, input, m) {
        quote!(parts.endpoint_url = input.#field.clone();)
    } else {
        quote!(parts.endpoint_url = ::std::option::Option::Some(input.#field.clone());)
    }
}

/// Statements that set `parts.host_prefix` from the operation's `@endpoint` host prefix, with
/// each `@hostLabel` member checked (set, non-empty, a valid host label).
fn host_prefix(ctx: &Ctx, op_id: &str) -> TokenStream {
    let Kind::Operation(op) = &ctx.model.shapes[op_id].kind else { return quote!() };
    let Some(parts) = &op.info.host_prefix else { return quote!() };
    let input = &op.input;
    let mut pieces = Vec::new();
    for part in parts {
        match part {
            crate::bindings::HostPart::Literal(text) => pieces.push(quote!(prefix.push_str(#text);)),
            crate::bindings::HostPart::Label(name) => {
                let Some(m) = super::shapes::members_of(&ctx.model.shapes[input]).iter().find(|m| &m.name == name) else {
                    continue;
                };
                let field = ctx.sym.member_ident(input, &m.name);
                let field_name = crate::sanitize::bare(ctx.sym.member(input, &m.name)).to_string();
                let value = if ctx.sym.is_optional(ctx.model, input, m) {
                    quote!(input.#field.as_deref())
                } else {
                    quote!(::std::option::Option::Some(input.#field.as_str()))
                };
                pieces.push(quote!(prefix.push_str(crate::runtime::orchestrator::host_label(#value, #field_name)?);));
            }
        }
    }
    quote!(
        let mut prefix = ::std::string::String::new();
        #(#pieces)*
        parts.host_prefix = ::std::option::Option::Some(prefix);
    )
}

/// `client.rs`: the `Client` and one method per operation.
pub fn client(ctx: &Ctx) -> TokenStream {
    let mut methods = Vec::new();
    for op in &ctx.sel.operations {
        let names = ctx.sym.op(op);
        let module = ident(&names.module);
        let method = ident(&names.method);
        let fluent = format_ident!("{}", names.fluent);
        let shape = &ctx.model.shapes[op];
        let docs = doc_attrs(&shape.traits, None);
        let setters = super::client_method_doc(ctx, op);
        let example = super::client_method_example(ctx, op);
        methods.push(quote!(
            #docs
            #setters
            #example
            pub fn #method(&self) -> crate::operation::#module::builders::#fluent {
                crate::operation::#module::builders::#fluent::new(self.handle.clone())
            }
        ));
    }
    let waiters = super::waiters::client_trait(ctx);
    let crate_ident = ctx.crate_ident();
    let client_doc = format!(
        "Client for {}.\n\nCreate one with [`Client::from_conf`]; clones share one connection pool and configuration.\n\n```no_run\nlet config = {crate_ident}::Config::builder().region(\"us-east-1\").build();\nlet client = {crate_ident}::Client::from_conf(config);\n# let _ = client;\n```",
        ctx.service.title
    );
    quote!(
        #[doc = #client_doc]
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
        pub struct Client {
            handle: ::std::sync::Arc<crate::runtime::orchestrator::Handle>,
        }
        impl Client {
            #[doc = "Creates a client from a configuration shared with other clients (aws-sdk-rust's"]
            #[doc = "`Client::new(&SdkConfig)`): with a shared runtime crate every generated client takes the"]
            #[doc = "same `Config`."]
            pub fn new(sdk_config: &crate::Config) -> Self {
                Self::from_conf(sdk_config.clone())
            }
            #[doc = "Creates a client from a service configuration."]
            pub fn from_conf(conf: crate::Config) -> Self {
                Self { handle: ::std::sync::Arc::new(crate::runtime::orchestrator::Handle::new(conf, &crate::meta::SERVICE)) }
            }
            #[doc = "The configuration of this client."]
            pub fn config(&self) -> &crate::Config { self.handle.config() }
            pub(crate) fn handle(&self) -> &crate::runtime::orchestrator::Handle { &self.handle }
        }
        impl Client {
            #(#methods)*
        }
        #waiters
        #[doc = "Per-call customisation: `fluent_builder.customize().mutate_request(..).config_override(..).send()`."]
        pub mod customize {
            pub use crate::runtime::customize::CustomizableOperation;
            #[doc(hidden)]
            pub mod internal {
                pub use crate::runtime::customize::{CustomizableSend, Customizations};
            }
        }
    )
}
