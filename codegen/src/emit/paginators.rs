//! Emits paginators for `@paginated` operations: `into_paginator()` on the fluent builder, a
//! page stream (`send()`, then `next().await` per page) and an item stream (`items()`), named as
//! in aws-sdk-rust.

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

/// The paginator items for one operation, or nothing if it is not paginated (or its paths do
/// not resolve to members, which the model validator would reject).
pub fn paginator(ctx: &Ctx, op_id: &str, input: &Shape, output: &Shape) -> (TokenStream, TokenStream) {
    let op_shape = &ctx.model.shapes[op_id];
    let Some(p) = paginated(ctx, op_shape) else { return (quote!(), quote!()) };
    let names = ctx.sym.op(op_id);
    let camel = &names.camel;
    let Some(in_member) = crate::emit::shapes::members_of(input).iter().find(|m| m.name == p.input_token) else {
        return (quote!(), quote!());
    };
    let Some((token_expr, token_target)) = path_expr(ctx, &output.id, quote!(&page), &p.output_token) else {
        return (quote!(), quote!());
    };
    // The tokens may be distinct shapes of one Rust type (S3's `Token` and `NextToken`, both
    // strings): what matters is that the output's value can be passed to the input's setter.
    if token_target != in_member.target
        && ctx.sym.value_type(ctx.model, &token_target).to_string()
            != ctx.sym.value_type(ctx.model, &in_member.target).to_string()
    {
        return (quote!(), quote!());
    }
    let set_token = ctx.sym.setter(&input.id, &in_member.name);
    let token_is_string = matches!(ctx.model.get(&token_target).map(|s| &s.kind), Some(Kind::String));
    let empty_check = if token_is_string { quote!(.filter(|t| !t.is_empty())) } else { quote!() };
    let token_ty = ctx.sym.value_type(ctx.model, &in_member.target);
    let paginator = format_ident!("{}", names.paginator);
    let items_ty = format_ident!("{}", names.paginator_items);
    let output_ident = format_ident!("{}", names.output);
    let error_ident = format_ident!("{}", names.error);
    let input_builder = format_ident!("{}", names.input_builder);
    let op_ident = format_ident!("{}", names.op_struct);
    let page_size = p.page_size.as_ref().and_then(|ps| {
        let m = crate::emit::shapes::members_of(input).iter().find(|m| &m.name == ps)?;
        let set = ctx.sym.setter(&input.id, &m.name);
        let ty = ctx.sym.value_type(ctx.model, &m.target);
        Some(quote!(
            #[doc = "Sets the page size: how many items each request asks for."]
            pub fn page_size(mut self, limit: #ty) -> Self {
                self.builder = self.builder.#set(::std::option::Option::Some(limit));
                self
            }
        ))
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
    let items_items = match &items {
        Some((expr, item_ty)) => quote!(
            #[doc = "Items of every page, one at a time."]
            pub struct #items_ty {
                pages: #paginator,
                buffer: ::std::collections::VecDeque<#item_ty>,
            }
            impl #items_ty {
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
    let fluent = quote!(
        #[doc = "Creates a paginator over this operation's pages (and items)."]
        pub fn into_paginator(self) -> paginator::#paginator {
            paginator::#paginator::new(self.handle, self.inner)
        }
    );
    (module, fluent)
}
