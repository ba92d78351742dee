//! Emits `src/blocking.rs` (compiled with the `blocking` feature): `blocking::Client`, whose
//! fluent builders' `send()` returns the result directly, with paginators that are iterators
//! and waiters whose `wait()` returns the outcome. Everything wraps the async items (the same
//! input builders, paginators and waiter builders) and drives them on the client's private
//! current-thread runtime (`runtime::blocking::BlockingRuntime`).

use super::paginators::blocking_paginator;
use super::waiters::blocking_waiters;
use super::{doc_attrs, Ctx};
use crate::model::Kind;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `src/blocking.rs`.
pub fn blocking_rs(ctx: &Ctx) -> TokenStream {
    let mut methods = Vec::new();
    let mut modules = Vec::new();
    for op in &ctx.sel.operations {
        let on = ctx.sym.op(op);
        let Kind::Operation(o) = &ctx.model.shapes[op].kind else { continue };
        let module = crate::symbols::ident(&on.module);
        let method = crate::symbols::ident(&on.method);
        let op_struct = format_ident!("{}", on.op_struct);
        let output = format_ident!("{}", on.output);
        let error = format_ident!("{}", on.error);
        let fluent = format_ident!("{}", on.fluent);
        let input_shape = &ctx.model.shapes[&o.input];
        let output_shape = &ctx.model.shapes[&o.output];
        let (paginator_mod, into_paginator) = blocking_paginator(ctx, op, input_shape, output_shape);
        let docs = doc_attrs(&ctx.model.shapes[op].traits, None);
        let fluent_doc = format!("Blocking fluent builder for `{}`: the async one's setters, a `send()` that returns the result.", on.camel);
        let fluent_path = quote!(crate::operation::#module::builders::#fluent);
        methods.push(quote!(
            #docs
            pub fn #method(&self) -> #module::#fluent {
                #fluent_path::with_sender(crate::operation::Sender::new(self.handle.clone(), self.runtime.clone()))
            }
        ));
        modules.push(quote!(
            #[doc = #fluent_doc]
            pub mod #module {
                use crate::operation::#module::{#op_struct, #output, #error};
                #[doc = #fluent_doc]
                pub type #fluent = #fluent_path<super::BlockingRuntime>;
                impl #fluent {
                    #[doc = "Sends the request and waits for the response."]
                    pub fn send(self) -> ::std::result::Result<#output, crate::error::SdkError<#error>> {
                        let crate::operation::Sender { handle, mode } = self._sender.clone();
                        let input = self.build().map_err(crate::error::SdkError::construction_failure)?;
                        mode.block_on(async move { #op_struct::orchestrate(&handle, input).await })
                    }
                    #into_paginator
                }
                #paginator_mod
            }
        ));
    }
    let (waiter_methods, waiters_mod) = blocking_waiters(ctx);
    let crate_ident = ctx.crate_ident();
    let doc = format!(
        "A blocking client: the same operations, whose `send()` returns the result directly; paginators are iterators (`into_paginator().send()` yields pages, `.items()` items) and waiters' `wait(max_wait)` returns the outcome. Each client drives its calls on a private current-thread tokio runtime (from a separate thread when called inside a tokio runtime).\n\n```no_run\nlet config = {crate_ident}::Config::builder().region(\"us-east-1\").build();\nlet client = {crate_ident}::blocking::Client::from_conf(config);\n# let _ = client;\n```"
    );
    quote!(
        #![cfg(feature = "blocking")]
        #[doc = #doc]
        pub use crate::runtime::blocking::BlockingRuntime;
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
        pub struct Client {
            handle: ::std::sync::Arc<crate::runtime::orchestrator::Handle>,
            runtime: crate::runtime::blocking::BlockingRuntime,
        }
        impl Client {
            #[doc = "Creates a blocking client from a service configuration."]
            pub fn from_conf(conf: crate::Config) -> Self {
                Self {
                    handle: ::std::sync::Arc::new(crate::runtime::orchestrator::Handle::new(conf, &crate::meta::SERVICE)),
                    runtime: crate::runtime::blocking::BlockingRuntime::new(),
                }
            }
            #[doc = "The configuration of this client."]
            pub fn config(&self) -> &crate::Config { self.handle.config() }
            #(#methods)*
            #(#waiter_methods)*
        }
        #(#modules)*
        #waiters_mod
    )
}
