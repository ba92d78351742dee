//! The REST protocols, restJson1 and restXml: HTTP binding traits place members in the URI,
//! query, headers, status code or a payload; the remaining members form a document body, JSON
//! (with `@jsonName` keys) or XML. restJson1 errors are identified as in awsJson
//! (`X-Amzn-Errortype`, then the body's `code` or `__type`); restXml errors from the
//! `<Error><Code>` of the body.

use super::{json, xml};
use super::Protocol;
use crate::bindings::{Location, Segment};
use crate::emit::Ctx;
use crate::model::{shape_name, Kind, Member, Shape};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The document format of a REST protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    Json,
    Xml,
}

pub struct Rest {
    pub doc: Doc,
}

/// Where a text form of a value goes; decides the default timestamp format.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Uri,
    Header,
}

fn members(shape: &Shape) -> &[Member] {
    match &shape.kind {
        Kind::Structure(ms) => ms,
        _ => &[],
    }
}

/// An expression of type `String`: the text form of `v` (a reference to a value of `target`).
fn text(ctx: &Ctx, m: &Member, target: &str, v: TokenStream, place: Place) -> TokenStream {
    let shape = &ctx.model.shapes[target];
    let rt = quote!(crate::runtime::rest);
    match &shape.kind {
        Kind::String if place == Place::Header && (m.traits.media_type().is_some() || shape.traits.media_type().is_some()) => {
            quote!(#rt::encode_base64(#v.as_bytes()))
        }
        Kind::String => quote!(::std::string::ToString::to_string(#v)),
        Kind::Enum(_) | Kind::BigInteger | Kind::BigDecimal => quote!(#v.as_str().to_string()),
        Kind::IntEnum(_) => quote!(#v.as_i32().to_string()),
        Kind::Boolean | Kind::Byte | Kind::Short | Kind::Integer | Kind::Long => quote!(::std::string::ToString::to_string(#v)),
        Kind::Float => quote!(#rt::fmt_f32(*#v)),
        Kind::Double => quote!(#rt::fmt_f64(*#v)),
        Kind::Timestamp => {
            let f = super::timestamp_format(Some(m), shape, if place == Place::Header { "http-date" } else { "date-time" });
            quote!(#rt::fmt_timestamp(#v, #f))
        }
        Kind::Blob => quote!(#rt::encode_base64(#v.as_ref())),
        _ => quote!(::std::string::String::new()),
    }
}

/// An expression reading a value of `target` from the header text `t` (a `&str`), with `?`.
fn parse(ctx: &Ctx, m: &Member, target: &str, t: TokenStream, name: &str) -> TokenStream {
    let shape = &ctx.model.shapes[target];
    let rt = quote!(crate::runtime::rest);
    match &shape.kind {
        Kind::String if m.traits.media_type().is_some() || shape.traits.media_type().is_some() => quote!(
            ::std::string::String::from_utf8(#rt::decode_base64(#t, #name)?)
                .map_err(|_| crate::runtime::error::DeserializeError::new(#name, "base64 of UTF-8 text"))?
        ),
        Kind::String => quote!(::std::string::ToString::to_string(#t)),
        Kind::Enum(_) => {
            let ty = ctx.sym.type_path(target);
            quote!(<#ty>::from(#t.trim()))
        }
        Kind::IntEnum(_) => {
            let ty = ctx.sym.type_path(target);
            quote!(<#ty>::from(#rt::parse_int::<i32>(#t, #name)?))
        }
        Kind::Boolean => quote!(#rt::parse_bool(#t, #name)?),
        Kind::Byte => quote!(#rt::parse_int::<i8>(#t, #name)?),
        Kind::Short => quote!(#rt::parse_int::<i16>(#t, #name)?),
        Kind::Integer => quote!(#rt::parse_int::<i32>(#t, #name)?),
        Kind::Long => quote!(#rt::parse_int::<i64>(#t, #name)?),
        Kind::Float => quote!(#rt::parse_f64(#t, #name)? as f32),
        Kind::Double => quote!(#rt::parse_f64(#t, #name)?),
        Kind::Timestamp => {
            let f = super::timestamp_format(Some(m), shape, "http-date");
            quote!(#rt::parse_timestamp(#t, #f, #name)?)
        }
        Kind::Blob => quote!(crate::primitives::Blob::new(#rt::decode_base64(#t, #name)?)),
        Kind::BigInteger => quote!(crate::primitives::BigInteger::new(#t.trim()).ok_or_else(|| crate::runtime::error::DeserializeError::new(#name, "a number"))?),
        Kind::BigDecimal => quote!(crate::primitives::BigDecimal::new(#t.trim()).ok_or_else(|| crate::runtime::error::DeserializeError::new(#name, "a number"))?),
        _ => quote!(::std::default::Default::default()),
    }
}

fn is_http_date_list_item(ctx: &Ctx, m: &Member, item: &Member) -> bool {
    let shape = &ctx.model.shapes[&item.target];
    if !matches!(shape.kind, Kind::Timestamp) {
        return false;
    }
    let fmt = item.traits.timestamp_format().or_else(|| shape.traits.timestamp_format()).or_else(|| m.traits.timestamp_format());
    matches!(fmt, None | Some("http-date"))
}

/// Statements writing one bound input member into `uri`/`query`/`parts`.
fn write_member(ctx: &Ctx, input: &Shape, m: &Member) -> TokenStream {
    let field = ctx.sym.member_ident(&input.id, &m.name);
    let field_name = crate::sanitize::bare(ctx.sym.member(&input.id, &m.name)).to_string();
    let target = &ctx.model.shapes[&m.target];
    let rt = quote!(crate::runtime::rest);
    let optional = ctx.sym.is_optional(ctx.model, &input.id, m);
    let bind = |body: TokenStream| {
        if optional {
            quote!(if let ::std::option::Option::Some(value) = &input.#field { #body })
        } else {
            quote!({ let value = &input.#field; #body })
        }
    };
    match &m.location {
        Location::Query(key) => match &target.kind {
            Kind::List(item) => {
                let t = text(ctx, m, &item.target, quote!(item), Place::Uri);
                bind(quote!(for item in value { query.push(#key, &#t); }))
            }
            _ => {
                let t = text(ctx, m, &m.target, quote!(value), Place::Uri);
                bind(quote!(query.push(#key, &#t);))
            }
        },
        Location::Header(name) => match &target.kind {
            Kind::List(item) => {
                let t = text(ctx, m, &item.target, quote!(item), Place::Header);
                let quoted = if matches!(ctx.model.shapes[&item.target].kind, Kind::String | Kind::Enum(_)) {
                    quote!(#rt::quote_list_item(&#t))
                } else {
                    t
                };
                bind(quote!(
                    let items: ::std::vec::Vec<::std::string::String> = value.iter().map(|item| #quoted).collect();
                    #rt::set_header(&mut parts, #name, &items.join(", "), #field_name)?;
                ))
            }
            _ => {
                let t = text(ctx, m, &m.target, quote!(value), Place::Header);
                bind(quote!(#rt::set_header(&mut parts, #name, &#t, #field_name)?;))
            }
        },
        Location::PrefixHeaders(prefix) => {
            bind(quote!(#rt::set_prefix_headers(&mut parts, #prefix, value.iter().map(|(k, v)| (k.as_str(), v.as_str())), #field_name)?;))
        }
        _ => quote!(),
    }
}

/// Statements for `@httpQueryParams`: every map entry whose key no `@httpQuery` member uses.
fn write_query_params(ctx: &Ctx, input: &Shape, m: &Member) -> TokenStream {
    let field = ctx.sym.member_ident(&input.id, &m.name);
    let explicit: Vec<&str> = members(input)
        .iter()
        .filter_map(|o| match &o.location {
            Location::Query(k) => Some(k.as_str()),
            _ => None,
        })
        .collect();
    let Kind::Map(_, v) = &ctx.model.shapes[&m.target].kind else { return quote!() };
    let push = match &ctx.model.shapes[&v.target].kind {
        Kind::List(_) => quote!(for item in value { query.push(key, item); }),
        _ => quote!(query.push(key, value);),
    };
    quote!(
        if let ::std::option::Option::Some(map) = &input.#field {
            let entries = crate::runtime::primitives::sorted_entries(map);
            for (key, value) in entries {
                if [#(#explicit),*].contains(&key.as_str()) { continue; }
                #push
            }
        }
    )
}

/// Statements setting `parts.body` (and its content type) from the payload member or the
/// document members.
fn write_body(ctx: &Ctx, input: &Shape, doc: Doc) -> TokenStream {
    let ms = members(input);
    if let Some(p) = ms.iter().find(|m| m.location == Location::Payload) {
        let field = ctx.sym.member_ident(&input.id, &p.name);
        let target = &ctx.model.shapes[&p.target];
        let media = p.traits.media_type().or_else(|| target.traits.media_type());
        let (bytes, default_type) = match &target.kind {
            Kind::Blob => (quote!(value.as_ref().to_vec()), "application/octet-stream"),
            Kind::String => (quote!(value.as_bytes().to_vec()), "text/plain"),
            Kind::Enum(_) => (quote!(value.as_str().as_bytes().to_vec()), "text/plain"),
            Kind::Document => (quote!(value.to_json().to_string().into_bytes()), "application/json"),
            Kind::Structure(_) | Kind::Union(_) if doc == Doc::Xml => {
                let ser = ctx.sym.ser_fn(&p.target);
                let root = match p.traits.get("smithy.api#xmlName").and_then(serde_json::Value::as_str) {
                    Some(n) => n.to_string(),
                    None => xml::shape_element_name(target),
                };
                let ns = match xml::namespace(&p.traits).or_else(|| xml::namespace(&target.traits)) {
                    Some((a, u)) => quote!(::std::option::Option::Some((#a, #u))),
                    None => quote!(::std::option::Option::None),
                };
                (
                    quote!({
                        let mut w = crate::runtime::xml::XmlWriter::new();
                        crate::protocol::#ser(&mut w, value, #root, #ns);
                        w.into_string().into_bytes()
                    }),
                    "application/xml",
                )
            }
            Kind::Structure(_) | Kind::Union(_) => {
                let ser = ctx.sym.ser_fn(&p.target);
                (
                    quote!({
                        let mut body = ::std::string::String::with_capacity(128);
                        let mut object = crate::runtime::json::ObjectWriter::new(&mut body);
                        crate::protocol::#ser(&mut object, value);
                        object.finish();
                        body.into_bytes()
                    }),
                    "application/json",
                )
            }
            _ => (quote!(::std::vec::Vec::new()), "application/octet-stream"),
        };
        let content_type = media.unwrap_or(default_type);
        let value = if ctx.sym.is_boxed(&input.id, &p.name) { quote!(value.as_ref()) } else { quote!(value) };
        if matches!(target.kind, Kind::Blob) && target.traits.streaming() {
            // A file or stream is sent as it is read; bytes in memory as any body.
            let requires_length = target.traits.has("smithy.api#requiresLength");
            let field_name = crate::sanitize::bare(ctx.sym.member(&input.id, &p.name)).to_string();
            return quote!(
                if let ::std::option::Option::Some(value) = &input.#field {
                    crate::runtime::rest::set_streaming_payload(&mut parts, #value, #requires_length, #field_name)?;
                    parts.headers.entry(::http::header::CONTENT_TYPE).or_insert(::http::HeaderValue::from_static(#content_type));
                }
            );
        }
        // An unset structure payload is still a document: `{}`.
        let unset = if matches!(target.kind, Kind::Structure(_)) && doc == Doc::Json {
            quote!(else {
                parts.body = b"{}".to_vec();
                parts.headers.entry(::http::header::CONTENT_TYPE).or_insert(::http::HeaderValue::from_static(#content_type));
            })
        } else {
            quote!()
        };
        return quote!(
            if let ::std::option::Option::Some(value) = &input.#field {
                let value = #value;
                parts.body = #bytes;
                // A `Content-Type` bound to a header member wins over the payload's default.
                parts.headers.entry(::http::header::CONTENT_TYPE).or_insert(::http::HeaderValue::from_static(#content_type));
            } #unset
        );
    }
    if ms.iter().any(|m| m.location == Location::Body) && doc == Doc::Xml {
        let root = xml::shape_element_name(input);
        let ns = xml::namespace(&input.traits).or_else(|| xml::namespace(&ctx.model.shapes[&ctx.sel.service].traits));
        let ns = match ns {
            Some((a, u)) => quote!(::std::option::Option::Some((#a, #u))),
            None => quote!(::std::option::Option::None),
        };
        return quote!(
            let mut w = crate::runtime::xml::XmlWriter::new();
            ser_input(&mut w, input, #root, #ns);
            parts.body = w.into_string().into_bytes();
            parts.headers.entry(::http::header::CONTENT_TYPE).or_insert(::http::HeaderValue::from_static("application/xml"));
        );
    }
    if ms.iter().any(|m| m.location == Location::Body) {
        return quote!(
            let mut body = ::std::string::String::with_capacity(256);
            {
                let mut object = crate::runtime::json::ObjectWriter::new(&mut body);
                ser_input(&mut object, input);
                object.finish();
            }
            parts.body = body.into_bytes();
            parts.headers.entry(::http::header::CONTENT_TYPE).or_insert(::http::HeaderValue::from_static("application/json"));
        );
    }
    quote!()
}

/// Statements that set the bound members of `out` (an output or error structure) from
/// `response`: headers, prefix headers, the status code and the payload.
pub fn read_bound_members(ctx: &Ctx, shape: &Shape, doc: Doc) -> TokenStream {
    let rt = quote!(crate::runtime::rest);
    let mut out = Vec::new();
    for m in members(shape) {
        let field = ctx.sym.member_ident(&shape.id, &m.name);
        let optional = ctx.sym.is_optional(ctx.model, &shape.id, m);
        let wrap = |v: TokenStream| if optional { quote!(::std::option::Option::Some(#v)) } else { v };
        let target = &ctx.model.shapes[&m.target];
        let path = format!("{}.{}", shape_name(&shape.id), m.name);
        match &m.location {
            Location::Header(name) => {
                let value = match &target.kind {
                    Kind::List(item) => {
                        let split = if is_http_date_list_item(ctx, m, item) { quote!(#rt::split_http_dates) } else { quote!(#rt::split_list) };
                        let p = parse(ctx, item, &item.target, quote!(item.as_str()), &path);
                        quote!({
                            let mut items = ::std::vec::Vec::new();
                            for item in #split(&text) { items.push(#p); }
                            items
                        })
                    }
                    _ => parse(ctx, m, &m.target, quote!(text.as_str()), &path),
                };
                // A customisation reads some timestamp headers leniently: unset when unparseable
                // (S3's `Expires`).
                let lenient = optional
                    && matches!(target.kind, Kind::Timestamp)
                    && ctx.service.lenient_response_headers.iter().any(|h| h.eq_ignore_ascii_case(name));
                if lenient {
                    out.push(quote!(if let ::std::option::Option::Some(text) = #rt::header(response, #name)? {
                        out.#field = (|| ::std::result::Result::<_, crate::runtime::error::DeserializeError>::Ok(#value))().ok();
                    }));
                    continue;
                }
                let value = wrap(value);
                out.push(quote!(if let ::std::option::Option::Some(text) = #rt::header(response, #name)? { out.#field = #value; }));
            }
            Location::PrefixHeaders(prefix) => {
                let value = wrap(quote!(map));
                out.push(quote!({
                    let map = #rt::prefix_headers(response, #prefix)?;
                    out.#field = #value;
                }));
            }
            Location::ResponseCode => {
                let value = wrap(quote!(i32::from(response.status().as_u16())));
                out.push(quote!(out.#field = #value;));
            }
            // A streaming payload is the unread response body, set by the operation.
            Location::Payload if matches!(target.kind, Kind::Blob) && target.traits.streaming() => {}
            Location::Payload => {
                let boxed = ctx.sym.is_boxed(&shape.id, &m.name);
                let read = match &target.kind {
                    Kind::Blob => quote!(crate::primitives::Blob::new(response.body().to_vec())),
                    Kind::String => quote!(::std::string::String::from_utf8(response.body().to_vec())
                        .map_err(|_| crate::runtime::error::DeserializeError::new(#path, "UTF-8 text"))?),
                    Kind::Enum(_) => {
                        let ty = ctx.sym.type_path(&m.target);
                        quote!(<#ty>::from(::std::str::from_utf8(response.body()).map_err(|_| crate::runtime::error::DeserializeError::new(#path, "UTF-8 text"))?))
                    }
                    Kind::Document => quote!(crate::runtime::json::document(&crate::runtime::json::parse_body(response.body())?)),
                    Kind::Structure(_) | Kind::Union(_) if doc == Doc::Xml => {
                        let de = ctx.sym.de_fn(&m.target);
                        quote!(crate::protocol::#de(&crate::runtime::xml::parse(response.body())?)?)
                    }
                    Kind::Structure(_) | Kind::Union(_) => {
                        let de = ctx.sym.de_fn(&m.target);
                        quote!(crate::protocol::#de(&crate::runtime::json::parse_body(response.body())?)?)
                    }
                    _ => quote!(::std::default::Default::default()),
                };
                let read = if boxed { quote!(::std::boxed::Box::new(#read)) } else { read };
                let value = wrap(read);
                out.push(quote!(if !response.body().is_empty() { out.#field = #value; }));
            }
            _ => {}
        }
    }
    quote!(#(#out)*)
}

impl Protocol for Rest {
    fn trait_id(&self) -> &'static str {
        match self.doc {
            Doc::Json => "aws.protocols#restJson1",
            Doc::Xml => "aws.protocols#restXml",
        }
    }

    fn json_name(&self) -> bool {
        self.doc == Doc::Json
    }

    fn dependencies(&self) -> &'static [&'static str] {
        match self.doc {
            Doc::Json => &[],
            Doc::Xml => &["xmlparser"],
        }
    }

    fn http_bindings(&self) -> bool {
        true
    }

    fn request(&self, ctx: &Ctx, op: &str) -> TokenStream {
        let Kind::Operation(o) = &ctx.model.shapes[op].kind else { return quote!() };
        let input = &ctx.model.shapes[&o.input];
        let http = &o.info.http;
        let mut path = Vec::new();
        for seg in &http.uri.segments {
            match seg {
                Segment::Literal(text) => {
                    let text = format!("/{text}");
                    path.push(quote!(uri.push_str(#text);));
                }
                Segment::Label { name, greedy } => {
                    path.push(quote!(uri.push('/');));
                    let Some(m) = members(input).iter().find(|m| &m.name == name) else { continue };
                    let field = ctx.sym.member_ident(&input.id, &m.name);
                    let field_name = crate::sanitize::bare(ctx.sym.member(&input.id, &m.name)).to_string();
                    let t = text(ctx, m, &m.target, quote!(v), Place::Uri);
                    let value = if ctx.sym.is_optional(ctx.model, &input.id, m) {
                        quote!(input.#field.as_ref().map(|v| #t))
                    } else {
                        quote!({ let v = &input.#field; ::std::option::Option::Some(#t) })
                    };
                    // A customisation may give the label a value when it is unset or empty.
                    let value = match o.info.label_defaults.iter().find(|(member, _)| member == name) {
                        Some((_, default)) => quote!(#value.filter(|v| !v.is_empty()).or_else(|| ::std::option::Option::Some(::std::string::String::from(#default)))),
                        None => value,
                    };
                    path.push(quote!(crate::runtime::rest::push_label(&mut uri, #value.as_deref(), #greedy, #field_name)?;));
                }
            }
        }
        if (http.uri.segments.is_empty() && !http.uri.empty_path) || http.uri.trailing_slash {
            path.push(quote!(uri.push('/');));
        }
        let literals = http.uri.query.iter().map(|(k, v)| match v {
            Some(v) => quote!(query.literal(#k, ::std::option::Option::Some(#v));),
            None => quote!(query.literal(#k, ::std::option::Option::None);),
        });
        let mut query_writes = Vec::new();
        let mut header_writes = Vec::new();
        for m in members(input) {
            match &m.location {
                Location::Query(_) => query_writes.push(write_member(ctx, input, m)),
                Location::QueryParams => query_writes.push(write_query_params(ctx, input, m)),
                Location::Header(_) | Location::PrefixHeaders(_) => header_writes.push(write_member(ctx, input, m)),
                _ => {}
            }
        }
        let method = format_ident!("{}", http.method.to_uppercase());
        let body = write_body(ctx, input, self.doc);
        let query_block = if query_writes.is_empty() && http.uri.query.is_empty() {
            quote!()
        } else {
            quote!({
                let mut query = crate::runtime::rest::Query::new(&mut uri);
                #(#literals)*
                #(#query_writes)*
            })
        };
        quote!(
            let _ = input;
            let mut uri = ::std::string::String::with_capacity(64);
            #(#path)*
            #query_block
            #[allow(unused_mut)]
            let mut parts = crate::config::RequestParts::new(::http::Method::#method, uri);
            #(#header_writes)*
            #body
            parts
        )
    }

    fn response(&self, ctx: &Ctx, op: &str) -> TokenStream {
        let Kind::Operation(o) = &ctx.model.shapes[op].kind else { return quote!() };
        let output = &ctx.model.shapes[&o.output];
        let has_body = members(output).iter().any(|m| super::in_response_body(&m.location));
        let read = match (has_body, self.doc) {
            (true, Doc::Json) => quote!(crate::runtime::json::read_output(response, de_output)?),
            (false, Doc::Json) => quote!(de_output(&::serde_json::Value::Object(::std::default::Default::default()))?),
            (true, Doc::Xml) if o.info.unwrapped_xml_output => quote!({
                // The root element is the output's one member (S3's GetBucketLocation).
                let root = crate::runtime::xml::parse(response.body())?;
                de_output(&crate::runtime::xml::Element { children: ::std::vec![root], ..::std::default::Default::default() })?
            }),
            (true, Doc::Xml) => quote!(de_output(&crate::runtime::xml::parse(response.body())?)?),
            (false, Doc::Xml) => quote!(de_output(&crate::runtime::xml::Element::default())?),
        };
        let bound = read_bound_members(ctx, output, self.doc);
        quote!(
            let _ = response;
            #[allow(unused_mut)]
            let mut out = #read;
            #bound
            ::std::result::Result::Ok(out)
        )
    }

    fn operation_items(&self, ctx: &Ctx, op: &str) -> TokenStream {
        let names = ctx.sym.op(op);
        let Kind::Operation(o) = &ctx.model.shapes[op].kind else { return quote!() };
        let input_ident = format_ident!("{}", names.input);
        let output_ident = format_ident!("{}", names.output);
        let input = &ctx.model.shapes[&o.input];
        let has_body = members(input).iter().any(|m| m.location == Location::Body);
        let extra = quote!(_response_metadata: ::std::default::Default::default(),);
        let output = &ctx.model.shapes[&o.output];
        let (ser, de) = match self.doc {
            Doc::Json => (
                if has_body { json::serializer(ctx, input, quote!(#input_ident), format_ident!("ser_input"), true) } else { quote!() },
                json::deserializer(ctx, output, quote!(#output_ident), format_ident!("de_output"), extra, true),
            ),
            Doc::Xml => (
                if has_body { xml::serializer(ctx, input, quote!(#input_ident), format_ident!("ser_input"), true) } else { quote!() },
                xml::deserializer(ctx, output, quote!(#output_ident), format_ident!("de_output"), extra, true),
            ),
        };
        quote!(#ser #de)
    }

    fn error_code(&self, _ctx: &Ctx) -> TokenStream {
        quote!(meta.code())
    }

    fn error_wire_code(&self, _ctx: &Ctx, error: &str) -> String {
        shape_name(error).to_string()
    }

    fn error_metadata_fn(&self, ctx: &Ctx) -> TokenStream {
        match self.doc {
            Doc::Json => quote!(crate::runtime::json::error_metadata),
            Doc::Xml if crate::customizations::empty_404_is_not_found(&ctx.sel.service) => {
                quote!(crate::runtime::xml::error_metadata_s3)
            }
            Doc::Xml => quote!(crate::runtime::xml::error_metadata),
        }
    }

    fn shape_codecs(&self, ctx: &Ctx) -> TokenStream {
        let mut items = vec![match self.doc {
            Doc::Json => json::shape_codecs(ctx),
            Doc::Xml => xml::shape_codecs(ctx),
        }];
        let errors: std::collections::BTreeSet<&String> = ctx.sel.op_errors.values().flatten().collect();
        for e in errors {
            let shape = &ctx.model.shapes[e];
            let de = ctx.sym.de_fn(e);
            let ty = ctx.sym.type_path(e);
            let bound = read_bound_members(ctx, shape, self.doc);
            let parse = match self.doc {
                Doc::Json => quote!(#de(&crate::runtime::json::parse_body(response.body())?)?),
                Doc::Xml => quote!({
                    let root = crate::runtime::xml::parse(response.body())?;
                    #de(crate::runtime::xml::error_element(&root).unwrap_or(&root))?
                }),
            };
            items.push(quote!(
                impl crate::runtime::orchestrator::ReadError for #ty {
                    fn read(response: &crate::error::HttpResponse) -> ::std::result::Result<Self, crate::runtime::error::DeserializeError> {
                    #[allow(unused_mut)]
                    let mut out = #parse;
                    #bound
                    ::std::result::Result::Ok(out)
                    }
                }
            ));
        }
        quote!(#(#items)*)
    }

    fn runtime_modules(&self) -> &'static [&'static str] {
        match self.doc {
            Doc::Json => &["rest"],
            Doc::Xml => &["rest", "xml"],
        }
    }
}

