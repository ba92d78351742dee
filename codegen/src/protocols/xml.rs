//! Emits the XML document codecs (restXml bodies and payloads, awsQuery/ec2Query responses):
//! one writer and one reader per structure and union, honouring `@xmlName`, `@xmlAttribute`,
//! `@xmlFlattened` and `@xmlNamespace`; lists and maps wrapped (`member`, `entry`/`key`/`value`)
//! or flattened.

use crate::emit::Ctx;
use crate::model::{Kind, Location, Member, Shape, Traits};
use crate::symbols::{default_literal, zero_literal};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// The element name of a member: `@xmlName` or the member name.
pub fn member_name(m: &Member) -> String {
    m.traits.get("smithy.api#xmlName").and_then(Value::as_str).unwrap_or(&m.name).to_string()
}

/// The element name of a shape used as a document root: `@xmlName` or the shape's name.
pub fn shape_element_name(shape: &Shape) -> String {
    shape.traits.get("smithy.api#xmlName").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| {
        let name = crate::model::shape_name(&shape.id);
        name.to_string()
    })
}

fn flattened(m: &Member) -> bool {
    m.traits.has("smithy.api#xmlFlattened")
}

fn attribute(m: &Member) -> bool {
    m.traits.has("smithy.api#xmlAttribute")
}

/// `@xmlNamespace` as the attribute that declares it: `("xmlns" | "xmlns:prefix", uri)`.
pub fn namespace(traits: &Traits) -> Option<(String, String)> {
    let ns = traits.get("smithy.api#xmlNamespace")?;
    let uri = ns.get("uri").and_then(Value::as_str)?.to_string();
    let attr = match ns.get("prefix").and_then(Value::as_str) {
        Some(p) => format!("xmlns:{p}"),
        None => "xmlns".to_string(),
    };
    Some((attr, uri))
}

fn ns_tokens(ns: Option<(String, String)>) -> TokenStream {
    match ns {
        Some((a, u)) => quote!(::std::option::Option::Some((#a, #u))),
        None => quote!(::std::option::Option::None),
    }
}

/// An expression of type `String`: the text of a scalar `v` (a reference); also the text of
/// query-string values (awsQuery, ec2Query), which use the same forms.
pub fn text(ctx: &Ctx, m: Option<&Member>, target: &str, v: TokenStream) -> TokenStream {
    let shape = &ctx.model.shapes[target];
    let rt = quote!(crate::runtime::xml::text);
    match &shape.kind {
        Kind::String => quote!(::std::string::ToString::to_string(#v)),
        Kind::Enum(_) | Kind::BigInteger | Kind::BigDecimal => quote!(#v.as_str().to_string()),
        Kind::IntEnum(_) => quote!(#v.as_i32().to_string()),
        Kind::Boolean | Kind::Byte | Kind::Short | Kind::Integer | Kind::Long => quote!(::std::string::ToString::to_string(#v)),
        Kind::Float => quote!(#rt::f32(*#v)),
        Kind::Double => quote!(#rt::f64(*#v)),
        Kind::Blob => quote!(#rt::blob(#v)),
        Kind::Timestamp => {
            let f = super::timestamp_format(m, shape, "date-time");
            quote!(#rt::timestamp(#v, #f))
        }
        _ => quote!(::std::string::String::new()),
    }
}

/// Statements writing `value` (a reference to a value of `m.target`) as element(s) `name`.
fn write_value(ctx: &Ctx, m: &Member, target: &str, value: TokenStream, name: &str, ns: Option<(String, String)>, depth: usize) -> TokenStream {
    let shape = &ctx.model.shapes[target];
    let nst = ns_tokens(ns.clone());
    match &shape.kind {
        Kind::Structure(_) | Kind::Union(_) => {
            let f = ctx.sym.ser_fn(target);
            quote!(crate::protocol::#f(w, #value, #name, #nst);)
        }
        Kind::List(item) => {
            let it = format_ident!("item_{}", depth);
            let item_ns = namespace(&item.traits);
            if flattened(m) {
                let inner = write_value(ctx, item, &item.target, quote!(#it), name, ns, depth + 1);
                quote!(for #it in #value { #inner })
            } else {
                let item_name = member_name(item);
                let inner = write_value(ctx, item, &item.target, quote!(#it), &item_name, item_ns, depth + 1);
                quote!({
                    crate::runtime::xml::open(w, #name, #nst);
                    for #it in #value { #inner }
                    w.end(#name);
                })
            }
        }
        Kind::Map(k, v) => {
            let key = format_ident!("key_{}", depth);
            let val = format_ident!("value_{}", depth);
            let key_name = member_name(k);
            let value_name = member_name(v);
            let write_key = write_value(ctx, k, &k.target, quote!(#key), &key_name, namespace(&k.traits), depth + 1);
            let write_val = write_value(ctx, v, &v.target, quote!(#val), &value_name, namespace(&v.traits), depth + 1);
            let entries = quote!(crate::runtime::primitives::sorted_entries(#value));
            if flattened(m) {
                quote!(for (#key, #val) in #entries {
                    crate::runtime::xml::open(w, #name, #nst);
                    #write_key
                    #write_val
                    w.end(#name);
                })
            } else {
                quote!({
                    crate::runtime::xml::open(w, #name, #nst);
                    for (#key, #val) in #entries {
                        w.start("entry").finish();
                        #write_key
                        #write_val
                        w.end("entry");
                    }
                    w.end(#name);
                })
            }
        }
        _ => {
            let t = text(ctx, Some(m), target, value);
            quote!({
                crate::runtime::xml::open(w, #name, #nst);
                w.text(&#t);
                w.end(#name);
            })
        }
    }
}

/// A writer of a structure or union: `fn(w, input, name, ns)` writes the whole element.
/// With `body_only`, members bound elsewhere by HTTP binding traits are left out.
pub fn serializer(ctx: &Ctx, shape: &Shape, type_path: TokenStream, fn_name: proc_macro2::Ident, body_only: bool) -> TokenStream {
    let id = &shape.id;
    match &shape.kind {
        Kind::Structure(all) => {
            let members: Vec<&Member> = all.iter().filter(|m| !body_only || m.location == Location::Body).collect();
            let mut attrs = Vec::new();
            let mut children = Vec::new();
            for m in members {
                let field = ctx.sym.member_ident(id, &m.name);
                let optional = ctx.sym.is_optional(ctx.model, id, m);
                let name = member_name(m);
                let bind = |body: TokenStream| {
                    if optional {
                        quote!(if let ::std::option::Option::Some(value) = &input.#field { #body })
                    } else {
                        quote!({ let value = &input.#field; #body })
                    }
                };
                if attribute(m) {
                    let t = text(ctx, Some(m), &m.target, quote!(value));
                    let set = bind(quote!(start = start.attribute(#name, &#t);));
                    attrs.push(set);
                } else {
                    let write = write_value(ctx, m, &m.target, quote!(value), &name, namespace(&m.traits), 0);
                    children.push(bind(write));
                }
            }
            let mutability = if attrs.is_empty() { quote!() } else { quote!(mut) };
            quote!(
                #[allow(unused_variables, clippy::needless_borrow)]
                pub(crate) fn #fn_name(w: &mut crate::runtime::xml::XmlWriter, input: &#type_path, name: &str, ns: ::std::option::Option<(&str, &str)>) {
                    // A shape's own `@xmlNamespace` applies where it is the document root (the caller
                    // passes it); as a member, only the member's namespace is declared.
                    let #mutability start = crate::runtime::xml::start(w, name, ns);
                    #(#attrs)*
                    start.finish();
                    #(#children)*
                    w.end(name);
                }
            )
        }
        Kind::Union(members) => {
            let mut arms = Vec::new();
            for m in members {
                let variant = ctx.sym.member_ident(id, &m.name);
                let name = member_name(m);
                if m.target == "smithy.api#Unit" {
                    arms.push(quote!(#type_path::#variant => { w.start(#name).finish(); w.end(#name); }));
                } else {
                    let write = write_value(ctx, m, &m.target, quote!(value), &name, namespace(&m.traits), 0);
                    arms.push(quote!(#type_path::#variant(value) => { #write }));
                }
            }
            quote!(
                #[allow(clippy::needless_borrow)]
                pub(crate) fn #fn_name(w: &mut crate::runtime::xml::XmlWriter, input: &#type_path, name: &str, ns: ::std::option::Option<(&str, &str)>) {
                    crate::runtime::xml::start(w, name, ns).finish();
                    match input {
                        #(#arms)*
                        #type_path::Unknown => {}
                    }
                    w.end(name);
                }
            )
        }
        _ => quote!(),
    }
}

/// An expression reading a scalar from element `e` (a `&Element`) with `?`.
fn read_scalar(ctx: &Ctx, m: Option<&Member>, target: &str, e: TokenStream, path: &str) -> TokenStream {
    let shape = &ctx.model.shapes[target];
    let rt = quote!(crate::runtime::xml::read);
    match &shape.kind {
        Kind::String => quote!(#rt::string(#e)),
        Kind::Enum(_) => {
            let ty = ctx.sym.type_path(target);
            quote!(<#ty>::from((#e).text.trim()))
        }
        Kind::IntEnum(_) => {
            let ty = ctx.sym.type_path(target);
            quote!(<#ty>::from(#rt::integer::<i32>(#e, #path)?))
        }
        Kind::Boolean => quote!(#rt::boolean(#e, #path)?),
        Kind::Byte => quote!(#rt::integer::<i8>(#e, #path)?),
        Kind::Short => quote!(#rt::integer::<i16>(#e, #path)?),
        Kind::Integer => quote!(#rt::integer::<i32>(#e, #path)?),
        Kind::Long => quote!(#rt::integer::<i64>(#e, #path)?),
        Kind::Float => quote!(#rt::float(#e, #path)? as f32),
        Kind::Double => quote!(#rt::float(#e, #path)?),
        Kind::Blob => quote!(#rt::blob(#e, #path)?),
        Kind::Timestamp => {
            let f = super::timestamp_format(m, shape, "date-time");
            quote!(#rt::timestamp(#e, #path, #f)?)
        }
        Kind::BigInteger => quote!(#rt::big_integer(#e, #path)?),
        Kind::BigDecimal => quote!(#rt::big_decimal(#e, #path)?),
        Kind::Document => quote!(crate::primitives::Document::Null),
        _ => quote!(::std::default::Default::default()),
    }
}

/// An expression reading a whole (non-flattened) value of `target` from element `e`.
fn read_value(ctx: &Ctx, m: &Member, target: &str, e: TokenStream, path: &str, depth: usize) -> TokenStream {
    let shape = &ctx.model.shapes[target];
    match &shape.kind {
        Kind::Structure(_) | Kind::Union(_) => {
            let f = ctx.sym.de_fn(target);
            quote!(crate::protocol::#f(#e)?)
        }
        Kind::List(item) => {
            let it = format_ident!("item_{}", depth);
            let items = format_ident!("items_{}", depth);
            let item_name = member_name(item);
            let read = read_value(ctx, item, &item.target, quote!(#it), &format!("{path}[]"), depth + 1);
            let push = if shape.traits.sparse() { quote!(#items.push(::std::option::Option::Some(#read));) } else { quote!(#items.push(#read);) };
            quote!({
                let mut #items = ::std::vec::Vec::new();
                for #it in #e.children_named(#item_name) { #push }
                #items
            })
        }
        Kind::Map(k, v) => {
            let entry = format_ident!("entry_{}", depth);
            let map = format_ident!("map_{}", depth);
            let (key_read, val_read) = map_entry_reads(ctx, shape, k, v, quote!(#entry), path, depth);
            let insert = insert_entry(shape, &map, key_read, val_read);
            quote!({
                let mut #map = ::std::collections::HashMap::new();
                for #entry in #e.children_named("entry") { #insert }
                #map
            })
        }
        _ => read_scalar(ctx, Some(m), target, e, path),
    }
}

fn map_entry_reads(ctx: &Ctx, _map: &Shape, k: &Member, v: &Member, entry: TokenStream, path: &str, depth: usize) -> (TokenStream, TokenStream) {
    let key_name = member_name(k);
    let value_name = member_name(v);
    let key_read = read_value(ctx, k, &k.target, quote!(key_el), &format!("{path}{{}}"), depth + 1);
    let val_read = read_value(ctx, v, &v.target, quote!(value_el), &format!("{path}{{}}"), depth + 1);
    (
        quote!(match #entry.child(#key_name) { ::std::option::Option::Some(key_el) => #key_read, ::std::option::Option::None => continue }),
        quote!(match #entry.child(#value_name) { ::std::option::Option::Some(value_el) => ::std::option::Option::Some(#val_read), ::std::option::Option::None => ::std::option::Option::None }),
    )
}

fn insert_entry(map_shape: &Shape, map: &proc_macro2::Ident, key: TokenStream, value: TokenStream) -> TokenStream {
    if map_shape.traits.sparse() {
        quote!({ let k = #key; let v = #value; #map.insert(k, v); })
    } else {
        quote!({ let k = #key; if let ::std::option::Option::Some(v) = #value { #map.insert(k, v); } })
    }
}

/// A reader of a structure or union from its element: `fn(&Element) -> Result<T, _>`.
/// With `body_only`, members bound elsewhere are initialised but not read.
pub fn deserializer(ctx: &Ctx, shape: &Shape, type_path: TokenStream, fn_name: proc_macro2::Ident, extra: TokenStream, body_only: bool) -> TokenStream {
    let id = &shape.id;
    let name = crate::model::shape_name(id);
    match &shape.kind {
        Kind::Structure(members) => {
            let mut inits = Vec::new();
            let mut attr_reads = Vec::new();
            let mut arms = Vec::new();
            for m in members {
                let field = ctx.sym.member_ident(id, &m.name);
                let optional = ctx.sym.is_optional(ctx.model, id, m);
                let boxed = ctx.sym.is_boxed(id, &m.name);
                let target = &ctx.model.shapes[&m.target];
                if optional {
                    inits.push(quote!(#field: ::std::option::Option::None,));
                } else {
                    let init = m.traits.default_value().and_then(|v| default_literal(ctx.model, target, v)).unwrap_or_else(|| zero_literal(target));
                    inits.push(quote!(#field: #init,));
                }
                if body_only && !super::in_response_body(&m.location) {
                    continue;
                }
                let elem = member_name(m);
                let path = format!("{name}.{}", m.name);
                let wrap = |v: TokenStream| {
                    let v = if boxed { quote!(::std::boxed::Box::new(#v)) } else { v };
                    if optional { quote!(::std::option::Option::Some(#v)) } else { v }
                };
                if attribute(m) {
                    let read = read_scalar(ctx, Some(m), &m.target, quote!(&attr_el), &path);
                    let value = wrap(read);
                    attr_reads.push(quote!(
                        if let ::std::option::Option::Some(text) = e.attribute(#elem) {
                            let attr_el = crate::runtime::xml::Element { text: text.to_string(), ..::std::default::Default::default() };
                            out.#field = #value;
                        }
                    ));
                    continue;
                }
                let arm = match (&target.kind, flattened(m)) {
                    (Kind::List(item), true) => {
                        let read = read_value(ctx, item, &item.target, quote!(child), &path, 1);
                        let read = if target.traits.sparse() { quote!(::std::option::Option::Some(#read)) } else { read };
                        if optional {
                            quote!(#elem => out.#field.get_or_insert_with(::std::vec::Vec::new).push(#read),)
                        } else {
                            quote!(#elem => out.#field.push(#read),)
                        }
                    }
                    (Kind::Map(k, v), true) => {
                        let map = format_ident!("map");
                        let (key_read, val_read) = map_entry_reads(ctx, target, k, v, quote!(child), &path, 1);
                        let get = if optional {
                            quote!(let #map = out.#field.get_or_insert_with(::std::collections::HashMap::new);)
                        } else {
                            quote!(let #map = &mut out.#field;)
                        };
                        let insert = insert_entry(target, &map, key_read, val_read);
                        quote!(#elem => { #get #insert })
                    }
                    _ => {
                        let read = read_value(ctx, m, &m.target, quote!(child), &path, 1);
                        let value = wrap(read);
                        quote!(#elem => out.#field = #value,)
                    }
                };
                arms.push(arm);
            }
            let body = if arms.is_empty() && attr_reads.is_empty() {
                quote!(let _ = e;)
            } else {
                quote!(
                    #(#attr_reads)*
                    #[allow(unused_labels)]
                    'children: for child in &e.children {
                        match child.name.as_str() {
                            #(#arms)*
                            _ => {}
                        }
                    }
                )
            };
            let mutability = if arms.is_empty() && attr_reads.is_empty() { quote!() } else { quote!(mut) };
            quote!(
                #[allow(clippy::needless_update, unused_variables, clippy::never_loop)]
                pub(crate) fn #fn_name(e: &crate::runtime::xml::Element) -> ::std::result::Result<#type_path, crate::runtime::error::DeserializeError> {
                    let #mutability out = #type_path { #(#inits)* #extra };
                    #body
                    ::std::result::Result::Ok(out)
                }
            )
        }
        Kind::Union(members) => {
            let mut arms = Vec::new();
            for m in members {
                let variant = ctx.sym.member_ident(id, &m.name);
                let elem = member_name(m);
                let path = format!("{name}.{}", m.name);
                if m.target == "smithy.api#Unit" {
                    arms.push(quote!(#elem => return ::std::result::Result::Ok(#type_path::#variant),));
                } else {
                    let read = read_value(ctx, m, &m.target, quote!(child), &path, 1);
                    let read = if ctx.sym.is_boxed(id, &m.name) { quote!(::std::boxed::Box::new(#read)) } else { read };
                    arms.push(quote!(#elem => return ::std::result::Result::Ok(#type_path::#variant(#read)),));
                }
            }
            quote!(
                pub(crate) fn #fn_name(e: &crate::runtime::xml::Element) -> ::std::result::Result<#type_path, crate::runtime::error::DeserializeError> {
                    for child in &e.children {
                        match child.name.as_str() {
                            #(#arms)*
                            _ => return ::std::result::Result::Ok(#type_path::Unknown),
                        }
                    }
                    ::std::result::Result::Err(crate::runtime::error::DeserializeError::custom(concat!(#name, ": a union value must have exactly one member set")))
                }
            )
        }
        _ => quote!(),
    }
}

/// Writers and readers for every type shape in the selection.
pub fn shape_codecs(ctx: &Ctx) -> TokenStream {
    let mut out = Vec::new();
    for id in &ctx.sel.shapes {
        let shape = &ctx.model.shapes[id];
        if !matches!(shape.kind, Kind::Structure(_) | Kind::Union(_)) {
            continue;
        }
        let path = ctx.sym.type_path(id);
        if ctx.needs_ser.contains(id) {
            out.push(serializer(ctx, shape, path.clone(), ctx.sym.ser_fn(id), false));
        }
        if ctx.needs_de.contains(id) {
            let error = shape.traits.error().is_some();
            let extra = if error { quote!(meta: ::std::default::Default::default(),) } else { quote!() };
            out.push(deserializer(ctx, shape, path, ctx.sym.de_fn(id), extra, error && ctx.protocol.http_bindings()));
        }
    }
    quote!(#(#out)*)
}
