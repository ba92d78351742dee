//! Emits the JSON document codecs (awsJson and restJson1 bodies): one function per structure and union, with
//! lists, maps and simple values written inline.

use super::Ctx;
use crate::model::{Kind, Location, Member, Shape};
use crate::symbols::{default_literal, zero_literal};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The member's key in a JSON document: its `@jsonName` where the protocol honours it.
fn wire_name<'m>(ctx: &Ctx, m: &'m Member) -> &'m str {
    match m.traits.json_name() {
        Some(n) if ctx.protocol.json_name() => n,
        _ => &m.name,
    }
}

fn ser_fn(ctx: &Ctx, id: &str) -> proc_macro2::Ident {
    ctx.sym.ser_fn(id)
}

fn de_fn(ctx: &Ctx, id: &str) -> proc_macro2::Ident {
    ctx.sym.de_fn(id)
}

/// Code that writes `value` (an expression of the target's Rust type, by reference) into the
/// `ValueWriter` expression `w`.
fn ser_value(ctx: &Ctx, member: Option<&Member>, target: &str, value: TokenStream, w: TokenStream, depth: usize) -> TokenStream {
    let shape = &ctx.model.shapes[target];
    match &shape.kind {
        Kind::String => quote!(#w.string(#value);),
        Kind::Enum(_) => quote!(#w.string(#value.as_str());),
        Kind::IntEnum(_) => quote!(#w.integer(i64::from(#value.as_i32()));),
        Kind::Boolean => quote!(#w.boolean(*#value);),
        Kind::Byte | Kind::Short | Kind::Integer | Kind::Long => quote!(#w.integer(i64::from(*#value));),
        Kind::Float => quote!(#w.float32(*#value);),
        Kind::Double => quote!(#w.float(*#value);),
        Kind::BigInteger | Kind::BigDecimal => quote!(#w.raw_number(#value.as_str());),
        Kind::Blob => quote!(#w.blob(#value);),
        Kind::Timestamp => {
            let f = super::timestamp_format(member, shape, "epoch-seconds");
            quote!(#w.timestamp(#value, #f);)
        }
        Kind::Document => quote!(#w.document(#value);),
        Kind::Structure(_) | Kind::Union(_) => {
            let f = ser_fn(ctx, target);
            quote!({
                let mut object = #w.object();
                crate::protocol::#f(&mut object, #value);
                object.finish();
            })
        }
        Kind::List(m) => {
            let item = format_ident!("item_{}", depth);
            let array = format_ident!("array_{}", depth);
            let inner = ser_value(ctx, Some(m), &m.target, quote!(#item), quote!(#array.value()), depth + 1);
            if shape.traits.sparse() {
                quote!({
                    let mut #array = #w.array();
                    for #item in #value {
                        match #item {
                            ::std::option::Option::Some(#item) => { #inner }
                            ::std::option::Option::None => #array.value().null(),
                        }
                    }
                    #array.finish();
                })
            } else {
                quote!({
                    let mut #array = #w.array();
                    for #item in #value { #inner }
                    #array.finish();
                })
            }
        }
        Kind::Map(_, v) => {
            let key = format_ident!("key_{}", depth);
            let val = format_ident!("value_{}", depth);
            let object = format_ident!("object_{}", depth);
            // String and enum keys both have `as_str()`.
            let key_str = quote!(#key.as_str());
            let inner = ser_value(ctx, Some(v), &v.target, quote!(#val), quote!(#object.key(#key_str)), depth + 1);
            // Keys are written sorted so the same input always gives the same bytes.
            let body = if shape.traits.sparse() {
                quote!(match #val {
                    ::std::option::Option::Some(#val) => { #inner }
                    ::std::option::Option::None => #object.key(#key_str).null(),
                })
            } else {
                inner
            };
            quote!({
                let mut #object = #w.object();
                let entries = crate::runtime::primitives::sorted_entries(#value);
                for (#key, #val) in entries { #body }
                #object.finish();
            })
        }
        Kind::Service(_) | Kind::Operation(_) | Kind::Resource(_) => quote!(),
    }
}

/// Code that reads a value of `target` from the `&Value` expression `v`, producing the Rust value.
fn de_value(ctx: &Ctx, member: Option<&Member>, target: &str, v: TokenStream, path: &str, depth: usize) -> TokenStream {
    let shape = &ctx.model.shapes[target];
    let rt = quote!(crate::runtime::json);
    match &shape.kind {
        Kind::String => quote!(#rt::string(#v, #path)?),
        Kind::Enum(_) => {
            let ty = ctx.sym.type_path(target);
            quote!(<#ty>::from(#rt::string(#v, #path)?.as_str()))
        }
        Kind::IntEnum(_) => {
            let ty = ctx.sym.type_path(target);
            quote!(<#ty>::from(#rt::integer::<i32>(#v, #path)?))
        }
        Kind::Boolean => quote!(#rt::boolean(#v, #path)?),
        Kind::Byte => quote!(#rt::integer::<i8>(#v, #path)?),
        Kind::Short => quote!(#rt::integer::<i16>(#v, #path)?),
        Kind::Integer => quote!(#rt::integer::<i32>(#v, #path)?),
        Kind::Long => quote!(#rt::integer::<i64>(#v, #path)?),
        // Only ever used as an argument or assigned value, so no parentheses (`unused_parens`).
        Kind::Float => quote!(#rt::float(#v, #path)? as f32),
        Kind::Double => quote!(#rt::float(#v, #path)?),
        Kind::BigInteger => quote!(#rt::big_integer(#v, #path)?),
        Kind::BigDecimal => quote!(#rt::big_decimal(#v, #path)?),
        Kind::Blob => quote!(#rt::blob(#v, #path)?),
        Kind::Timestamp => {
            let f = super::timestamp_format(member, shape, "epoch-seconds");
            quote!(#rt::timestamp(#v, #path, #f)?)
        }
        Kind::Document => quote!(#rt::document(#v)),
        Kind::Structure(_) | Kind::Union(_) => {
            let f = de_fn(ctx, target);
            quote!(crate::protocol::#f(#v)?)
        }
        Kind::List(m) => {
            let item = format_ident!("item_{}", depth);
            let items = format_ident!("items_{}", depth);
            let inner_path = format!("{path}[]");
            let inner = de_value(ctx, Some(m), &m.target, quote!(#item), &inner_path, depth + 1);
            let push = if shape.traits.sparse() {
                quote!(if #item.is_null() { #items.push(::std::option::Option::None); } else { #items.push(::std::option::Option::Some(#inner)); })
            } else {
                quote!(if !#item.is_null() { #items.push(#inner); })
            };
            quote!({
                let source = #rt::array(#v, #path)?;
                let mut #items = ::std::vec::Vec::with_capacity(source.len());
                for #item in source { #push }
                #items
            })
        }
        Kind::Map(k, val) => {
            let key = format_ident!("key_{}", depth);
            let item = format_ident!("value_{}", depth);
            let map = format_ident!("map_{}", depth);
            let inner_path = format!("{path}{{}}");
            let inner = de_value(ctx, Some(val), &val.target, quote!(#item), &inner_path, depth + 1);
            let key_expr = match ctx.model.shapes.get(&k.target).map(|s| &s.kind) {
                Some(Kind::Enum(_)) => {
                    let ty = ctx.sym.type_path(&k.target);
                    quote!(<#ty>::from(#key.as_str()))
                }
                _ => quote!(#key.clone()),
            };
            let insert = if shape.traits.sparse() {
                quote!(if #item.is_null() { #map.insert(#key_expr, ::std::option::Option::None); } else { #map.insert(#key_expr, ::std::option::Option::Some(#inner)); })
            } else {
                quote!(if !#item.is_null() { #map.insert(#key_expr, #inner); })
            };
            quote!({
                let source = #rt::object(#v, #path)?;
                let mut #map = ::std::collections::HashMap::with_capacity(source.len());
                for (#key, #item) in source { #insert }
                #map
            })
        }
        Kind::Service(_) | Kind::Operation(_) | Kind::Resource(_) => quote!(()),
    }
}

/// Serialiser of a structure's members into an open object (`ser_<type>`), or of a union.
///
/// With `body_only`, members bound elsewhere by HTTP binding traits (labels, query, headers,
/// payload, status) are left out: they are not part of the document.
pub fn serializer(ctx: &Ctx, shape: &Shape, type_path: TokenStream, fn_name: proc_macro2::Ident, body_only: bool) -> TokenStream {
    let id = &shape.id;
    let rt = quote!(crate::runtime::json);
    match &shape.kind {
        Kind::Structure(all) => {
            let members: Vec<&Member> = all.iter().filter(|m| !body_only || m.location == Location::Body).collect();
            let mut body = Vec::new();
            for m in members.iter().copied() {
                let field = ctx.sym.member_ident(id, &m.name);
                let key = wire_name(ctx, m);
                let optional = ctx.sym.is_optional(ctx.model, id, m);
                let write = ser_value(ctx, Some(m), &m.target, quote!(value), quote!(object.key(#key)), 0);
                if m.traits.idempotency_token() && optional {
                    body.push(quote!(
                        match &input.#field {
                            ::std::option::Option::Some(value) => { #write }
                            ::std::option::Option::None => {
                                let token = crate::runtime::orchestrator::new_uuid();
                                object.key(#key).string(&token);
                            }
                        }
                    ));
                } else if optional && fills_default(ctx, id, m) {
                    // A member whose `@default` has no Rust literal (a non-empty blob, a
                    // document) is an `Option`; unset, it is sent with its default, as a
                    // non-optional member would be.
                    let parsed = parsed_default(ctx, m, &format!("{}.{key}", crate::model::shape_name(id)));
                    body.push(quote!(
                        match &input.#field {
                            ::std::option::Option::Some(value) => { #write }
                            ::std::option::Option::None => {
                                let parsed = (|| -> ::std::result::Result<_, #rt::DeserializeError> { ::std::result::Result::Ok(#parsed) })();
                                if let ::std::result::Result::Ok(value) = &parsed { #write }
                            }
                        }
                    ));
                } else if optional {
                    body.push(quote!(if let ::std::option::Option::Some(value) = &input.#field { #write }));
                } else {
                    // Non-optional members are always sent, also when equal to their default
                    // (the protocol tests' "client populates default values in input").
                    body.push(quote!({ let value = &input.#field; #write }));
                }
            }
            let uses = if members.is_empty() { quote!(let _ = (object, input);) } else { quote!() };
            quote!(
                #[allow(unused_mut, clippy::needless_borrow)]
                pub(crate) fn #fn_name(object: &mut #rt::ObjectWriter<'_>, input: &#type_path) {
                    #uses
                    #(#body)*
                }
            )
        }
        Kind::Union(members) => {
            let mut arms = Vec::new();
            for m in members {
                let variant = ctx.sym.member_ident(id, &m.name);
                let key = wire_name(ctx, m);
                if m.target == "smithy.api#Unit" {
                    arms.push(quote!(#type_path::#variant => { object.key(#key).object().finish(); }));
                } else {
                    let write = ser_value(ctx, Some(m), &m.target, quote!(value), quote!(object.key(#key)), 0);
                    arms.push(quote!(#type_path::#variant(value) => { #write }));
                }
            }
            quote!(
                #[allow(clippy::needless_borrow)]
                pub(crate) fn #fn_name(object: &mut #rt::ObjectWriter<'_>, input: &#type_path) {
                    match input {
                        #(#arms)*
                        // An unknown member cannot be written back: it is sent as an empty union.
                        #type_path::Unknown => {}
                    }
                }
            )
        }
        _ => quote!(),
    }
}

/// Whether an optional member of a (non-input) structure takes its `@default` when unset: it has
/// a non-null default and is neither `@clientOptional` nor `@addedDefault` (top-level input
/// members are never filled).
fn fills_default(ctx: &Ctx, container: &str, m: &Member) -> bool {
    m.traits.default_value().is_some()
        && !ctx.sym.is_input(container)
        && !m.traits.client_optional()
        && !m.traits.added_default()
        && !ctx.sym.is_boxed(container, &m.name)
}

/// The member's `@default`, read from its JSON form (the wire form: blobs are base64,
/// timestamps epoch seconds, documents JSON) with the member's own reader. For defaults that
/// [`default_literal`] cannot express. Evaluates to the value or returns a `DeserializeError`.
fn parsed_default(ctx: &Ctx, m: &Member, path: &str) -> TokenStream {
    let rt = quote!(crate::runtime::json);
    let text = m.traits.default_value().map(|v| v.to_string()).unwrap_or_else(|| "null".into());
    let read = de_value(ctx, Some(m), &m.target, quote!(&default), path, 0);
    quote!({
        let default: ::serde_json::Value = ::serde_json::from_str(#text).map_err(|e| #rt::DeserializeError::custom(e.to_string()))?;
        #read
    })
}

/// Deserialiser of a structure or union from a JSON value (`de_<type>`). `extra` initialises
/// fields the generator adds (request id, error metadata).
/// With `body_only`, members bound elsewhere are initialised but not read from the document
/// (the protocol reads them from headers, the status or the payload).
pub fn deserializer(ctx: &Ctx, shape: &Shape, type_path: TokenStream, fn_name: proc_macro2::Ident, extra: TokenStream, body_only: bool) -> TokenStream {
    let id = &shape.id;
    let rt = quote!(crate::runtime::json);
    let name = crate::model::shape_name(id);
    match &shape.kind {
        Kind::Structure(members) => {
            let mut inits = Vec::new();
            let mut arms = Vec::new();
            for m in members {
                let field = ctx.sym.member_ident(id, &m.name);
                let key = wire_name(ctx, m);
                let in_body = !body_only || super::in_response_body(&m.location);
                let path = format!("{name}.{key}");
                let read = de_value(ctx, Some(m), &m.target, quote!(value), &path, 0);
                let read = if ctx.sym.is_boxed(id, &m.name) { quote!(::std::boxed::Box::new(#read)) } else { read };
                if ctx.sym.is_optional(ctx.model, id, m) {
                    if fills_default(ctx, id, m) {
                        // Missing in the response: the member takes its default.
                        let parsed = parsed_default(ctx, m, &path);
                        inits.push(quote!(#field: ::std::option::Option::Some(#parsed),));
                    } else {
                        inits.push(quote!(#field: ::std::option::Option::None,));
                    }
                    if in_body {
                        arms.push(quote!(#key => out.#field = ::std::option::Option::Some(#read),));
                    }
                } else {
                    let target = &ctx.model.shapes[&m.target];
                    // Missing in the response ("error correction"): the default, else the zero value.
                    let init = match m.traits.default_value() {
                        Some(v) => match default_literal(ctx.model, target, v) {
                            Some(literal) => literal,
                            None => parsed_default(ctx, m, &path),
                        },
                        None => zero_literal(target),
                    };
                    inits.push(quote!(#field: #init,));
                    if in_body {
                        arms.push(quote!(#key => out.#field = #read,));
                    }
                }
            }
            let loop_ = if arms.is_empty() {
                quote!(let _ = #rt::object(v, #name)?;)
            } else {
                quote!(
                    for (key, value) in #rt::object(v, #name)? {
                        if value.is_null() { continue; }
                        match key.as_str() {
                            #(#arms)*
                            _ => {}
                        }
                    }
                )
            };
            let mutability = if arms.is_empty() { quote!() } else { quote!(mut) };
            quote!(
                pub(crate) fn #fn_name(v: &::serde_json::Value) -> ::std::result::Result<#type_path, #rt::DeserializeError> {
                    #[allow(clippy::needless_update)]
                    let #mutability out = #type_path { #(#inits)* #extra };
                    #loop_
                    ::std::result::Result::Ok(out)
                }
            )
        }
        Kind::Union(members) => {
            let mut arms = Vec::new();
            for m in members {
                let variant = ctx.sym.member_ident(id, &m.name);
                let key = wire_name(ctx, m);
                let path = format!("{name}.{key}");
                if m.target == "smithy.api#Unit" {
                    arms.push(quote!(#key => return ::std::result::Result::Ok(#type_path::#variant),));
                } else {
                    let read = de_value(ctx, Some(m), &m.target, quote!(value), &path, 0);
                    let read = if ctx.sym.is_boxed(id, &m.name) { quote!(::std::boxed::Box::new(#read)) } else { read };
                    arms.push(quote!(#key => return ::std::result::Result::Ok(#type_path::#variant(#read)),));
                }
            }
            quote!(
                pub(crate) fn #fn_name(v: &::serde_json::Value) -> ::std::result::Result<#type_path, #rt::DeserializeError> {
                    for (key, value) in #rt::object(v, #name)? {
                        // `__type` and null members are not the union's value.
                        if value.is_null() || key == "__type" { continue; }
                        match key.as_str() {
                            #(#arms)*
                            _ => return ::std::result::Result::Ok(#type_path::Unknown),
                        }
                    }
                    ::std::result::Result::Err(#rt::DeserializeError::custom(concat!(#name, ": a union value must have exactly one member set")))
                }
            )
        }
        _ => quote!(),
    }
}

/// Serialisers and deserialisers for every type shape in the selection.
pub fn shape_codecs(ctx: &Ctx) -> TokenStream {
    let mut out = Vec::new();
    for id in &ctx.sel.shapes {
        let shape = &ctx.model.shapes[id];
        if !matches!(shape.kind, Kind::Structure(_) | Kind::Union(_)) {
            continue;
        }
        let path = ctx.sym.type_path(id);
        if ctx.needs_ser.contains(id) {
            out.push(serializer(ctx, shape, path.clone(), ser_fn(ctx, id), false));
        }
        if ctx.needs_de.contains(id) {
            let error = shape.traits.error().is_some();
            let extra = if error { quote!(meta: ::std::default::Default::default(),) } else { quote!() };
            // An error structure is a top-level response: its bound members are not in the body.
            out.push(deserializer(ctx, shape, path, de_fn(ctx, id), extra, error && ctx.protocol.http_bindings()));
        }
    }
    quote!(#(#out)*)
}
