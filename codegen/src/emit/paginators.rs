//! Emits paginators for `@paginated` operations: `into_paginator()` on the fluent builder, a
//! page stream (`send()`, then `next().await` per page) and an item stream (`items()`), named as
//! in aws-sdk-rust; and their blocking forms (the `blocking` feature), iterators that drive the
//! async paginator on the blocking client's runtime.

use super::shapes::members_of;
use super::Ctx;
use crate::model::{Kind, Shape};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The operation's `@paginated` settings, merged with the service's defaults.
struct Paginated {
    input_token: String,
    output_token: String,
    items: Option<String>,
    page_size: Option<String>,
}

fn paginated(ctx: &Ctx, op: &Shape) -> Option<Paginated> {
    let Kind::Operation(o) = &op.kind else { return None };
    let Kind::Service(svc) = &ctx.model.shapes[&ctx.sel.service].kind else { return None };
    let p = o.info.paginated.as_ref()?.merged(svc.info.paginated.as_ref());
    Some(Paginated { input_token: p.input_token?, output_token: p.output_token?, items: p.items, page_size: p.page_size })
}

/// Code reading the member at `path` (`A.B`) of `root` (an expression of structure `start`):
/// `(expression of type Option<&T>, target shape id)`.
fn path_expr(ctx: &Ctx, start: &str, root: TokenStream, path: &str) -> Option<(TokenStream, String)> {
    let mut container = start.to_string();
    let mut expr = quote!(::std::option::Option::Some(#root));
    let mut target = String::new();
    for segment in path.split('.') {
        let shape = ctx.model.get(&container)?;
        let Kind::Structure(ms) = &shape.kind else { return None };
        let m = ms.iter().find(|m| m.name == segment)?;
        let field = ctx.sym.member_ident(&container, &m.name);
        expr = if ctx.sym.is_optional(ctx.model, &container, m) {
            if ctx.sym.is_boxed(&container, &m.name) {
                quote!(#expr.and_then(|v| v.#field.as_deref()))
            } else {
                quote!(#expr.and_then(|v| v.#field.as_ref()))
            }
        } else {
            quote!(#expr.map(|v| &v.#field))
        };
        target = m.target.clone();
        container = m.target.clone();
    }
    Some((expr, target))
}

/// What a paginator needs, resolved from the model once for the async and blocking forms.
struct Plan {
    paginated: Paginated,
    /// Reads the output token from `page` (`Option<&T>`).
    token_expr: TokenStream,
    /// `.filter(..)` dropping an empty string token.
    empty_check: TokenStream,
    token_ty: TokenStream,
    set_token: proc_macro2::Ident,
    /// The page-size member's setter and value type.
    page_size: Option<(proc_macro2::Ident, TokenStream)>,
    /// The item list's path read from `page` and the item type, for list-valued item paths.
    items: Option<(TokenStream, TokenStream)>,
}

/// The operation's paginator plan, or nothing if it is not paginated (or its paths do not
/// resolve to members, which the model validator would reject).
fn plan(ctx: &Ctx, op_id: &str, input: &Shape, output: &Shape) -> Option<Plan> {
    let p = paginated(ctx, &ctx.model.shapes[op_id])?;
    let in_member = crate::emit::shapes::members_of(input).iter().find(|m| m.name == p.input_token)?;
    let (token_expr, token_target) = path_expr(ctx, &output.id, quote!(&page), &p.output_token)?;
    // The tokens may be distinct shapes of one Rust type (S3's `Token` and `NextToken`, both
    // strings): what matters is that the output's value can be passed to the input's setter.
    if token_target != in_member.target
        && ctx.sym.value_type(ctx.model, &token_target).to_string()
            != ctx.sym.value_type(ctx.model, &in_member.target).to_string()
    {
        return None;
    }
    let set_token = ctx.sym.setter(&input.id, &in_member.name);
    let token_is_string = matches!(ctx.model.get(&token_target).map(|s| &s.kind), Some(Kind::String));
    let empty_check = if token_is_string { quote!(.filter(|t| !t.is_empty())) } else { quote!() };
    let token_ty = ctx.sym.value_type(ctx.model, &in_member.target);
    let page_size = p.page_size.as_ref().and_then(|ps| {
        let m = crate::emit::shapes::members_of(input).iter().find(|m| &m.name == ps)?;
        Some((ctx.sym.setter(&input.id, &m.name), ctx.sym.value_type(ctx.model, &m.target)))
    });
    // Items: only for list-valued item paths.
    let items = p.items.as_ref().and_then(|path| {
        let (expr, target) = path_expr(ctx, &output.id, quote!(&page), path)?;
        let shape = ctx.model.get(&target)?;
        let Kind::List(item) = &shape.kind else { return None };
        let mut item_ty = ctx.sym.value_type(ctx.model, &item.target);
        if shape.traits.sparse() {
            item_ty = quote!(::std::option::Option<#item_ty>);
        }
        Some((expr, item_ty))
    });
    Some(Plan { paginated: p, token_expr, empty_check, token_ty, set_token, page_size, items })
}

/// The paginator items for one operation: its `paginator` module and the fluent builder's
/// `into_paginator()` (nothing if it is not paginated).
pub fn paginator(ctx: &Ctx, op_id: &str, input: &Shape, output: &Shape) -> (TokenStream, TokenStream) {
    let Some(plan) = plan(ctx, op_id, input, output) else { return (quote!(), quote!()) };
    let Plan { paginated: p, token_expr, empty_check, token_ty, set_token, page_size, items } = plan;
    let names = ctx.sym.op(op_id);
    let camel = &names.camel;
    let paginator = format_ident!("{}", names.paginator);
    let items_ty = format_ident!("{}", names.paginator_items);
    let output_ident = format_ident!("{}", names.output);
    let error_ident = format_ident!("{}", names.error);
    let input_builder = format_ident!("{}", names.input_builder);
    let op_ident = format_ident!("{}", names.op_struct);
    let page_size = page_size.map(|(set, ty)| {
        quote!(
            #[doc = "Sets the page size: how many items each request asks for."]
            pub fn page_size(mut self, limit: #ty) -> Self {
                self.builder = self.builder.#set(::std::option::Option::Some(limit));
                self
            }
        )
    });
    let items_items = match &items {
        Some((expr, item_ty)) => quote!(
            #[doc = "Items of every page, one at a time."]
            pub struct #items_ty {
                pages: #paginator,
                buffer: ::std::collections::VecDeque<#item_ty>,
            }
            impl #items_ty {
                #[doc = "Starts streaming (no request is sent until `next()`), as aws-sdk-rust's `items().send()`."]
                pub fn send(self) -> Self { self }
                #[doc = "The next item, fetching the next page when needed; `None` at the end."]
                pub async fn next(&mut self) -> ::std::option::Option<::std::result::Result<#item_ty, crate::error::SdkError<#error_ident>>> {
                    loop {
                        if let ::std::option::Option::Some(item) = self.buffer.pop_front() {
                            return ::std::option::Option::Some(::std::result::Result::Ok(item));
                        }
                        match self.pages.next().await? {
                            ::std::result::Result::Ok(page) => {
                                if let ::std::option::Option::Some(list) = #expr {
                                    self.buffer.extend(list.iter().cloned());
                                }
                            }
                            ::std::result::Result::Err(e) => return ::std::option::Option::Some(::std::result::Result::Err(e)),
                        }
                    }
                }
                #[doc = "Collects every item, stopping at the first error."]
                pub async fn try_collect(mut self) -> ::std::result::Result<::std::vec::Vec<#item_ty>, crate::error::SdkError<#error_ident>> {
                    let mut all = ::std::vec::Vec::new();
                    while let ::std::option::Option::Some(item) = self.next().await {
                        all.push(item?);
                    }
                    ::std::result::Result::Ok(all)
                }
            }
        ),
        None => quote!(),
    };
    let items_fn = if items.is_some() {
        quote!(
            #[doc = "Streams the items of every page instead of the pages."]
            pub fn items(self) -> #items_ty {
                #items_ty { pages: self, buffer: ::std::collections::VecDeque::new() }
            }
        )
    } else {
        quote!()
    };
    let doc = format!(
        "Paginator for [`{camel}`](super::{camel}): `send()` starts it, each `next().await` fetches one page, and it stops when the service returns no (or the same) `{}`.",
        p.output_token
    );
    let module = quote!(
        #[doc = "Paginators of this operation."]
        pub mod paginator {
            use super::builders::#input_builder;
            use super::{#error_ident, #op_ident, #output_ident};

            #[doc = #doc]
            #[derive(::std::clone::Clone, ::std::fmt::Debug)]
            pub struct #paginator {
                handle: ::std::sync::Arc<crate::runtime::orchestrator::Handle>,
                builder: #input_builder,
                next_token: ::std::option::Option<::std::option::Option<#token_ty>>,
                done: bool,
            }
            impl #paginator {
                pub(crate) fn new(handle: ::std::sync::Arc<crate::runtime::orchestrator::Handle>, builder: #input_builder) -> Self {
                    Self { handle, builder, next_token: ::std::option::Option::None, done: false }
                }
                #page_size
                #[doc = "Starts paginating (no request is sent until `next()`)."]
                pub fn send(self) -> Self { self }
                #[doc = "The next page; `None` when there are no more pages."]
                pub async fn next(&mut self) -> ::std::option::Option<::std::result::Result<#output_ident, crate::error::SdkError<#error_ident>>> {
                    if self.done {
                        return ::std::option::Option::None;
                    }
                    let mut builder = self.builder.clone();
                    if let ::std::option::Option::Some(token) = &self.next_token {
                        builder = builder.#set_token(token.clone());
                    }
                    let input = match builder.build() {
                        ::std::result::Result::Ok(input) => input,
                        ::std::result::Result::Err(e) => {
                            self.done = true;
                            return ::std::option::Option::Some(::std::result::Result::Err(crate::error::SdkError::construction_failure(e)));
                        }
                    };
                    let result = #op_ident::orchestrate(&self.handle, input).await;
                    match &result {
                        ::std::result::Result::Ok(page) => {
                            let token = #token_expr.cloned()#empty_check;
                            let repeated = token.is_some() && self.next_token.as_ref() == ::std::option::Option::Some(&token);
                            if token.is_none() || repeated {
                                self.done = true;
                            }
                            self.next_token = ::std::option::Option::Some(token);
                        }
                        ::std::result::Result::Err(_) => self.done = true,
                    }
                    ::std::option::Option::Some(result)
                }
                #[doc = "Collects every page, stopping at the first error."]
                pub async fn try_collect(mut self) -> ::std::result::Result<::std::vec::Vec<#output_ident>, crate::error::SdkError<#error_ident>> {
                    let mut pages = ::std::vec::Vec::new();
                    while let ::std::option::Option::Some(page) = self.next().await {
                        pages.push(page?);
                    }
                    ::std::result::Result::Ok(pages)
                }
                #items_fn
            }
            #items_items
        }
    );
    // Splits a bound input builder into the plain builder the paginator re-sends and its sender.
    let moved = members_of(input).iter().map(|m| {
        let field = ctx.sym.member_ident(&input.id, &m.name);
        quote!(#field: self.#field,)
    });
    let module = quote!(
        #module
        impl<S> builders::#input_builder<S> {
            pub(crate) fn unbind(self) -> (builders::#input_builder, S) {
                (builders::#input_builder { #(#moved)* _sender: () }, self._sender)
            }
        }
    );
    let fluent = quote!(
        #[doc = "Creates a paginator over this operation's pages (and items)."]
        pub fn into_paginator(self) -> paginator::#paginator {
            let (builder, sender) = self.unbind();
            paginator::#paginator::new(sender.handle, builder)
        }
    );
    (module, fluent)
}

/// The blocking paginator of one operation, for its module under `crate::blocking`: a
/// `paginator` module whose types wrap the async ones as iterators, and the blocking fluent
/// builder's `into_paginator()` (nothing if the operation is not paginated).
pub fn blocking_paginator(ctx: &Ctx, op_id: &str, input: &Shape, output: &Shape) -> (TokenStream, TokenStream) {
    let Some(plan) = plan(ctx, op_id, input, output) else { return (quote!(), quote!()) };
    let names = ctx.sym.op(op_id);
    let camel = &names.camel;
    let module = crate::symbols::ident(&names.module);
    let paginator = format_ident!("{}", names.paginator);
    let items_ty = format_ident!("{}", names.paginator_items);
    let output_ident = format_ident!("{}", names.output);
    let error_ident = format_ident!("{}", names.error);
    let page_size = plan.page_size.as_ref().map(|(_, ty)| {
        quote!(
            #[doc = "Sets the page size: how many items each request asks for."]
            pub fn page_size(self, limit: #ty) -> Self {
                Self { inner: self.inner.page_size(limit), runtime: self.runtime }
            }
        )
    });
    let (items_fn, items_items) = match &plan.items {
        Some((_, item_ty)) => (
            quote!(
                #[doc = "Iterates over the items of every page instead of the pages."]
                pub fn items(self) -> #items_ty {
                    #items_ty { inner: self.inner.items(), runtime: self.runtime }
                }
            ),
            quote!(
                #[doc = "Items of every page, one at a time: an iterator that fetches the next page when needed."]
                pub struct #items_ty {
                    inner: crate::operation::#module::paginator::#items_ty,
                    runtime: crate::runtime::blocking::BlockingRuntime,
                }
                impl #items_ty {
                    #[doc = "Starts iterating (no request is sent until `next()`)."]
                    pub fn send(self) -> Self { self }
                    #[doc = "Collects every item, stopping at the first error."]
                    pub fn try_collect(self) -> ::std::result::Result<::std::vec::Vec<#item_ty>, crate::error::SdkError<#error_ident>> {
                        ::std::iter::Iterator::collect(self)
                    }
                }
                impl ::std::iter::Iterator for #items_ty {
                    type Item = ::std::result::Result<#item_ty, crate::error::SdkError<#error_ident>>;
                    fn next(&mut self) -> ::std::option::Option<Self::Item> {
                        let inner = &mut self.inner;
                        self.runtime.block_on(inner.next())
                    }
                }
            ),
        ),
        None => (quote!(), quote!()),
    };
    let doc = format!(
        "Blocking paginator for `{camel}`: an iterator of pages, each `next()` fetching one; it stops when the service returns no (or the same) `{}`.",
        plan.paginated.output_token
    );
    let paginator_mod = quote!(
        #[doc = "Paginators of this operation: iterators."]
        pub mod paginator {
            use crate::operation::#module::{#error_ident, #output_ident};

            #[doc = #doc]
            #[derive(::std::clone::Clone, ::std::fmt::Debug)]
            pub struct #paginator {
                inner: crate::operation::#module::paginator::#paginator,
                runtime: crate::runtime::blocking::BlockingRuntime,
            }
            impl #paginator {
                pub(crate) fn new(inner: crate::operation::#module::paginator::#paginator, runtime: crate::runtime::blocking::BlockingRuntime) -> Self {
                    Self { inner, runtime }
                }
                #page_size
                #[doc = "Starts paginating (no request is sent until `next()`)."]
                pub fn send(self) -> Self { self }
                #[doc = "Collects every page, stopping at the first error."]
                pub fn try_collect(self) -> ::std::result::Result<::std::vec::Vec<#output_ident>, crate::error::SdkError<#error_ident>> {
                    ::std::iter::Iterator::collect(self)
                }
                #items_fn
            }
            impl ::std::iter::Iterator for #paginator {
                type Item = ::std::result::Result<#output_ident, crate::error::SdkError<#error_ident>>;
                fn next(&mut self) -> ::std::option::Option<Self::Item> {
                    let inner = &mut self.inner;
                    self.runtime.block_on(inner.next())
                }
            }
            #items_items
        }
    );
    let fluent = quote!(
        #[doc = "Creates a paginator over this operation's pages (and items): an iterator."]
        pub fn into_paginator(self) -> paginator::#paginator {
            let (builder, sender) = self.unbind();
            paginator::#paginator::new(crate::operation::#module::paginator::#paginator::new(sender.handle, builder), sender.mode)
        }
    );
    (paginator_mod, fluent)
}
