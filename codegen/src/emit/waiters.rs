//! Emits waiters (`smithy.waiters#waitable`) as in aws-sdk-rust: the `client::Waiters` trait
//! with `wait_until_<name>()`, one module per waiter under `crate::waiters` holding its fluent
//! builder (the operation's input setters and `.wait(max_wait)`), its acceptor table and the
//! `WaitUntil<Name>FinalPoll`/`WaitUntil<Name>Error` aliases, and the `ToDocument` impls of
//! the types waiter paths read (outputs, and inputs for `inputOutput` matchers, with the types
//! they reach) — nothing for crates without waiters.

use super::shapes::{members_of, setter_methods, SetterHost};
use super::{doc_attrs, Ctx};
use crate::bindings::{AcceptorState, Comparator, Waiter, WaiterMatcher};
use crate::model::{Kind, ShapeId};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// The waiters of the selected operations: `(operation, waiter)`.
pub fn selected<'a>(ctx: &'a Ctx) -> Vec<(&'a ShapeId, &'a Waiter)> {
    let mut out = Vec::new();
    for op in &ctx.sel.operations {
        if let Kind::Operation(o) = &ctx.model.shapes[op].kind {
            out.extend(o.info.waiters.iter().map(|w| (op, w)));
        }
    }
    out.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    out
}

/// Whether the crate has any waiter.
pub fn has_waiters(ctx: &Ctx) -> bool {
    !selected(ctx).is_empty()
}

/// The waiters of the service's operations left out of the crate, `Name (Operation)`.
pub fn unselected(ctx: &Ctx) -> Vec<String> {
    let Ok(all) = crate::select::service_operations(ctx.model, &ctx.sel.service) else { return Vec::new() };
    let mut out = Vec::new();
    for op in all.iter().filter(|op| !ctx.sel.operations.contains(*op)) {
        if let Some(Kind::Operation(o)) = ctx.model.get(op).map(|s| &s.kind) {
            out.extend(o.info.waiters.iter().map(|w| format!("`{}` (`{}`)", w.name, crate::model::shape_name(op))));
        }
    }
    out.sort();
    out
}

/// The `Waiters` trait and its impl for `Client` (nothing without waiters).
pub fn client_trait(ctx: &Ctx) -> TokenStream {
    let mut decls = Vec::new();
    let mut impls = Vec::new();
    for (op, w) in selected(ctx) {
        let names = ctx.sym.waiter(op, &w.name);
        let method = format_ident!("{}", names.method);
        let module = crate::symbols::ident(&names.module);
        let fluent = format_ident!("{}", names.fluent);
        let doc = format!(
            "The `{}` waiter (polls `{}`){}",
            w.name,
            crate::model::shape_name(op),
            w.documentation.as_deref().map(|d| format!(": {}", d.trim())).unwrap_or_else(|| ".".into())
        );
        let deprecated = if w.deprecated { quote!(#[deprecated(note = "this waiter is deprecated by the service")]) } else { quote!() };
        decls.push(quote!(#[doc = #doc] #deprecated fn #method(&self) -> crate::waiters::#module::#fluent;));
        impls.push(quote!(fn #method(&self) -> crate::waiters::#module::#fluent { crate::waiters::#module::#fluent::new(self.handle.clone()) }));
    }
    if decls.is_empty() {
        return quote!();
    }
    quote!(
        #[doc = "Waiters: `client.wait_until_<name>()..wait(max_wait).await` polls an operation until its"]
        #[doc = "result reaches the waiter's success state (import this trait to use them)."]
        pub trait Waiters {
            #(#decls)*
        }
        impl Waiters for Client {
            #(#impls)*
        }
    )
}

fn acceptor(a: &crate::bindings::Acceptor) -> TokenStream {
    let rt = quote!(crate::runtime::waiters);
    let state = match a.state {
        AcceptorState::Success => quote!(#rt::AcceptorState::Success),
        AcceptorState::Failure => quote!(#rt::AcceptorState::Failure),
        AcceptorState::Retry => quote!(#rt::AcceptorState::Retry),
    };
    let path = |p: &crate::bindings::PathMatcher| {
        let (path, expected) = (&p.path, &p.expected);
        let comparator = match p.comparator {
            Comparator::StringEquals => quote!(StringEquals),
            Comparator::BooleanEquals => quote!(BooleanEquals),
            Comparator::AllStringEquals => quote!(AllStringEquals),
            Comparator::AnyStringEquals => quote!(AnyStringEquals),
        };
        quote!({ path: #path, expected: #expected, comparator: #rt::Comparator::#comparator })
    };
    let matcher = match &a.matcher {
        WaiterMatcher::Output(p) => {
            let p = path(p);
            quote!(#rt::Matcher::Output #p)
        }
        WaiterMatcher::InputOutput(p) => {
            let p = path(p);
            quote!(#rt::Matcher::InputOutput #p)
        }
        WaiterMatcher::Success(b) => quote!(#rt::Matcher::Success(#b)),
        WaiterMatcher::ErrorType(e) => quote!(#rt::Matcher::ErrorType(#e)),
    };
    quote!(#rt::Acceptor { state: #state, matcher: #matcher })
}

/// `src/waiters.rs`: one module per waiter and the `ToDocument` impls.
pub fn waiters_rs(ctx: &Ctx) -> TokenStream {
    let mut modules = Vec::new();
    let mut doc_roots: Vec<(ShapeId, Option<TokenStream>)> = Vec::new();
    for (op, w) in selected(ctx) {
        let names = ctx.sym.waiter(op, &w.name);
        let on = ctx.sym.op(op);
        let Kind::Operation(o) = &ctx.model.shapes[op].kind else { continue };
        let module = crate::symbols::ident(&names.module);
        let op_module = crate::symbols::ident(&on.module);
        if w.reads_output() {
            let t = format_ident!("{}", on.output);
            doc_roots.push((o.output.clone(), Some(quote!(crate::operation::#op_module::#t))));
        }
        if w.reads_input() {
            let t = format_ident!("{}", on.input);
            doc_roots.push((o.input.clone(), Some(quote!(crate::operation::#op_module::#t))));
        }
        let op_struct = format_ident!("{}", on.op_struct);
        let output = format_ident!("{}", on.output);
        let error = format_ident!("{}", on.error);
        let input_builder = format_ident!("{}", on.input_builder);
        let fluent = format_ident!("{}", names.fluent);
        let final_poll = format_ident!("{}", names.final_poll);
        let error_alias = format_ident!("{}", names.error);
        let name = &w.name;
        let (min, max) = (w.min_delay, w.max_delay);
        let acceptors = w.acceptors.iter().map(acceptor);
        let input_shape = &ctx.model.shapes[&o.input];
        let setters = members_of(input_shape).iter().map(|m| {
            let docs = doc_attrs(&m.traits, ctx.model.get(&m.target).and_then(|t| t.traits.documentation()));
            setter_methods(ctx, &input_shape.id, m, &docs, SetterHost::Fluent)
        });
        let input_doc = if w.reads_input() {
            quote!(crate::runtime::waiters::ToDocument::to_document(&input))
        } else {
            quote!(crate::runtime::waiters::Value::Null)
        };
        let output_doc = if w.reads_output() {
            quote!(|o: &#output| crate::runtime::waiters::ToDocument::to_document(o))
        } else {
            quote!(|_: &#output| crate::runtime::waiters::Value::Null)
        };
        let error_arms: Vec<TokenStream> = ctx.sel.op_errors[op.as_str()]
            .iter()
            .map(|e| {
                let v = ctx.sym.type_ident(e);
                let shape = crate::model::shape_name(e);
                quote!(::std::option::Option::Some(#error::#v(_)) => ::std::option::Option::Some(#shape),)
            })
            .collect();
        let mod_doc = format!("The `{name}` waiter (polls `{}`).", on.camel);
        let fluent_doc = match &w.documentation {
            Some(d) => format!("Fluent builder for the `{name}` waiter: {}", d.trim()),
            None => format!("Fluent builder for the `{name}` waiter."),
        };
        modules.push(quote!(
            #[doc = #mod_doc]
            pub mod #module {
                use crate::operation::#op_module::{#op_struct, #output, #error};
                use crate::operation::#op_module::builders::#input_builder;

                #[doc = "The successful final poll of this waiter."]
                pub type #final_poll = crate::runtime::waiters::FinalPoll<#output, crate::error::SdkError<#error>>;
                #[doc = "Why this waiter did not succeed."]
                pub type #error_alias = crate::runtime::waiters::WaiterError<#output, crate::error::SdkError<#error>>;

                static ACCEPTORS: &[crate::runtime::waiters::Acceptor] = &[#(#acceptors),*];

                #[doc = #fluent_doc]
                #[derive(::std::clone::Clone, ::std::fmt::Debug)]
                pub struct #fluent {
                    handle: ::std::sync::Arc<crate::runtime::orchestrator::Handle>,
                    inner: #input_builder,
                    min_delay: ::std::time::Duration,
                    max_delay: ::std::time::Duration,
                }
                impl #fluent {
                    pub(crate) fn new(handle: ::std::sync::Arc<crate::runtime::orchestrator::Handle>) -> Self {
                        Self {
                            handle,
                            inner: ::std::default::Default::default(),
                            min_delay: ::std::time::Duration::from_secs(#min),
                            max_delay: ::std::time::Duration::from_secs(#max),
                        }
                    }
                    #[doc = "Access the input builder of the polled operation."]
                    pub fn as_input(&self) -> &#input_builder { &self.inner }
                    #[doc = "Overrides the model's minimum delay between polls."]
                    pub fn min_delay(mut self, delay: ::std::time::Duration) -> Self { self.min_delay = delay; self }
                    #[doc = "Overrides the model's maximum delay between polls."]
                    pub fn max_delay(mut self, delay: ::std::time::Duration) -> Self { self.max_delay = delay; self }
                    #[doc = "Polls until the waiter succeeds, fails, or `max_wait` elapses."]
                    pub async fn wait(self, max_wait: ::std::time::Duration) -> ::std::result::Result<#final_poll, #error_alias> {
                        let input = self.inner.build().map_err(|e| crate::runtime::waiters::WaiterError::ConstructionFailure(e.into()))?;
                        let input_doc = #input_doc;
                        let spec = crate::runtime::waiters::WaiterSpec { name: #name, min_delay: self.min_delay, max_delay: self.max_delay, acceptors: ACCEPTORS };
                        let handle = self.handle;
                        crate::runtime::waiters::wait(
                            &spec,
                            max_wait,
                            ::std::option::Option::None,
                            || {
                                let (handle, input) = (handle.clone(), input.clone());
                                async move { #op_struct::orchestrate(&handle, input).await }
                            },
                            |result| crate::runtime::waiters::classify(
                                ACCEPTORS,
                                &input_doc,
                                result,
                                #output_doc,
                                |e: &crate::error::SdkError<#error>, name: &str| {
                                    #[allow(deprecated)]
                                    let shape: ::std::option::Option<&str> = match e.as_service_error() {
                                        #(#error_arms)*
                                        _ => ::std::option::Option::None,
                                    };
                                    shape == ::std::option::Option::Some(name) || crate::error::ProvideErrorMetadata::code(e) == ::std::option::Option::Some(name)
                                },
                            ),
                        )
                        .await
                    }
                    #(#setters)*
                }
            }
        ));
    }
    let docs = to_document_impls(ctx, doc_roots);
    quote!(
        pub use crate::runtime::waiters::{ExceededMaxWait, FailureState, FinalPoll, OperationFailed, WaiterError};
        #(#modules)*
        #docs
    )
}

/// `ToDocument` for the roots (operation inputs and outputs) and the types they reach.
fn to_document_impls(ctx: &Ctx, roots: Vec<(ShapeId, Option<TokenStream>)>) -> TokenStream {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<(ShapeId, Option<TokenStream>)> = roots;
    let mut impls = Vec::new();
    while let Some((id, root)) = stack.pop() {
        let key = root.as_ref().map(|p| p.to_string()).unwrap_or_else(|| id.clone());
        if !seen.insert(key) {
            continue;
        }
        let Some(shape) = ctx.model.get(&id) else { continue };
        let ty = if let Some(path) = root {
            path
        } else if ctx.sel.shapes.contains(&id) && matches!(shape.kind, Kind::Structure(_) | Kind::Union(_) | Kind::Enum(_) | Kind::IntEnum(_)) {
            ctx.sym.type_path(&id)
        } else {
            // Lists, maps and simple types: the runtime's generic impls; walk into collections.
            match &shape.kind {
                Kind::List(m) => stack.push((m.target.clone(), None)),
                Kind::Map(k, v) => {
                    stack.push((k.target.clone(), None));
                    stack.push((v.target.clone(), None));
                }
                _ => {}
            }
            continue;
        };
        let rt = quote!(crate::runtime::waiters);
        let body = match &shape.kind {
            Kind::Structure(ms) => {
                let fields: Vec<TokenStream> = ms
                    .iter()
                    .filter(|m| !ctx.model.get(&m.target).is_some_and(|t| t.traits.streaming()))
                    .map(|m| {
                        stack.push((m.target.clone(), None));
                        let field = ctx.sym.member_ident(&id, &m.name);
                        let name = &m.name;
                        quote!((#name, #rt::ToDocument::to_document(&self.#field)))
                    })
                    .collect();
                quote!(#rt::object(&[#(#fields),*]))
            }
            Kind::Union(ms) => {
                let arms = ms.iter().map(|m| {
                    let variant = ctx.sym.member_ident(&id, &m.name);
                    let name = &m.name;
                    if m.target == "smithy.api#Unit" {
                        quote!(Self::#variant => #rt::object(&[(#name, crate::runtime::waiters::Value::Object(::std::default::Default::default()))]),)
                    } else {
                        stack.push((m.target.clone(), None));
                        quote!(Self::#variant(v) => #rt::object(&[(#name, #rt::ToDocument::to_document(v))]),)
                    }
                });
                quote!(
                    #[allow(unreachable_patterns)]
                    match self { #(#arms)* _ => crate::runtime::waiters::Value::Null }
                )
            }
            Kind::Enum(_) => quote!(crate::runtime::waiters::Value::String(self.as_str().to_string())),
            Kind::IntEnum(_) => quote!(crate::runtime::waiters::Value::from(self.as_i32())),
            _ => continue,
        };
        impls.push(quote!(
            impl #rt::ToDocument for #ty {
                fn to_document(&self) -> crate::runtime::waiters::Value { #body }
            }
        ));
    }
    quote!(#(#impls)*)
}

/// The blocking client's waiters (in `src/blocking.rs`): its `wait_until_<name>()` methods and
/// a `waiters` module with one builder per waiter, wrapping the async builder (same setters)
/// and ending in a `wait(max_wait)` that returns the result directly.
pub fn blocking_waiters(ctx: &Ctx) -> (Vec<TokenStream>, TokenStream) {
    let mut methods = Vec::new();
    let mut modules = Vec::new();
    for (op, w) in selected(ctx) {
        let names = ctx.sym.waiter(op, &w.name);
        let on = ctx.sym.op(op);
        let Kind::Operation(o) = &ctx.model.shapes[op].kind else { continue };
        let method = format_ident!("{}", names.method);
        let module = crate::symbols::ident(&names.module);
        let fluent = format_ident!("{}", names.fluent);
        let final_poll = format_ident!("{}", names.final_poll);
        let error_alias = format_ident!("{}", names.error);
        let input_builder = format_ident!("{}", on.input_builder);
        let op_module = crate::symbols::ident(&on.module);
        let input_shape = &ctx.model.shapes[&o.input];
        let setters = members_of(input_shape).iter().map(|m| {
            let docs = doc_attrs(&m.traits, ctx.model.get(&m.target).and_then(|t| t.traits.documentation()));
            setter_methods(ctx, &input_shape.id, m, &docs, SetterHost::Fluent)
        });
        let doc = format!("The `{}` waiter (polls `{}`), blocking: `wait(max_wait)` returns the outcome.", w.name, on.camel);
        let deprecated = if w.deprecated { quote!(#[deprecated(note = "this waiter is deprecated by the service")]) } else { quote!() };
        methods.push(quote!(
            #[doc = #doc]
            #deprecated
            pub fn #method(&self) -> waiters::#module::#fluent {
                waiters::#module::#fluent { inner: crate::waiters::#module::#fluent::new(self.handle.clone()), runtime: self.runtime.clone() }
            }
        ));
        modules.push(quote!(
            #[doc = #doc]
            pub mod #module {
                pub use crate::waiters::#module::{#final_poll, #error_alias};
                use crate::operation::#op_module::builders::#input_builder;

                #[doc = #doc]
                #[derive(::std::clone::Clone, ::std::fmt::Debug)]
                pub struct #fluent {
                    pub(in crate::blocking) inner: crate::waiters::#module::#fluent,
                    pub(in crate::blocking) runtime: crate::runtime::blocking::BlockingRuntime,
                }
                impl #fluent {
                    #[doc = "Access the input builder of the polled operation."]
                    pub fn as_input(&self) -> &#input_builder { self.inner.as_input() }
                    #[doc = "Overrides the model's minimum delay between polls."]
                    pub fn min_delay(self, delay: ::std::time::Duration) -> Self { Self { inner: self.inner.min_delay(delay), runtime: self.runtime } }
                    #[doc = "Overrides the model's maximum delay between polls."]
                    pub fn max_delay(self, delay: ::std::time::Duration) -> Self { Self { inner: self.inner.max_delay(delay), runtime: self.runtime } }
                    #[doc = "Polls until the waiter succeeds, fails, or `max_wait` elapses, blocking the calling thread."]
                    pub fn wait(self, max_wait: ::std::time::Duration) -> ::std::result::Result<#final_poll, #error_alias> {
                        let inner = self.inner;
                        self.runtime.block_on(inner.wait(max_wait))
                    }
                    #(#setters)*
                }
            }
        ));
    }
    if modules.is_empty() {
        return (methods, quote!());
    }
    let module = quote!(
        #[doc = "Waiters of the blocking client: `client.wait_until_<name>()..wait(max_wait)`."]
        pub mod waiters {
            pub use crate::waiters::{ExceededMaxWait, FailureState, FinalPoll, OperationFailed, WaiterError};
            #(#modules)*
        }
    );
    (methods, module)
}
