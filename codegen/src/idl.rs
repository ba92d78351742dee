//! A reader for the Smithy IDL (`.smithy` files, IDL 1.0 and 2.0), without the JVM.
//!
//! The IDL is turned into the same JSON AST value the reference implementation would write for
//! it, then decoded by [`ast::from_value`], so everything after parsing is shared with JSON
//! models. Does no file IO.
//!
//! Reading is two-pass so relative shape IDs resolve as the specification says (`use`
//! statements, then shapes of the current namespace from any of the files read together, then
//! the `smithy.api` prelude) whatever the order of definitions: pass one collects the shape IDs
//! every file defines, pass two builds the AST with that knowledge. Elided member targets
//! (`$id`, from a `for` resource or from mixins) and `apply` statements aimed at shapes of the
//! same file are resolved afterwards.
//!
//! Errors read `file:line:column: expected X, found Y`; no input makes the reader panic.

use crate::{ast, Error};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// Shapes of the `smithy.api` prelude that models may name with a relative shape ID (every
/// non-`@private` prelude shape; checked against the prelude in `codegen/tests/idl.rs`).
pub const PRELUDE_SHAPES: &[&str] = &[
    "String", "Blob", "BigInteger", "BigDecimal", "Timestamp", "Document", "Boolean", "Byte", "Short", "Integer", "Long",
    "Float", "Double", "PrimitiveBoolean", "PrimitiveByte", "PrimitiveShort", "PrimitiveInteger", "PrimitiveLong",
    "PrimitiveFloat", "PrimitiveDouble", "Unit", "trait", "deprecated", "box", "documentation", "externalDocumentation",
    "auth", "protocolDefinition", "authDefinition", "httpBasicAuth", "httpDigestAuth", "httpBearerAuth",
    "httpApiKeyAuth", "traitValidators", "default", "addedDefault", "clientOptional", "optionalAuth", "examples",
    "error", "retryable", "readonly", "idempotent", "idempotencyToken", "internal", "jsonName", "xmlAttribute",
    "xmlFlattened", "xmlName", "xmlNamespace", "noReplace", "mediaType", "references", "resourceIdentifier", "private",
    "sensitive", "since", "streaming", "requiresLength", "tags", "title", "enum", "enumValue", "length", "range",
    "pattern", "required", "property", "notProperty", "nestedProperties", "recommended", "sparse", "uniqueItems",
    "unstable", "paginated", "http", "httpLabel", "httpQuery", "httpQueryParams", "httpHeader", "httpPrefixHeaders",
    "httpPayload", "httpError", "httpResponseCode", "cors", "eventPayload", "eventHeader", "idRef", "timestampFormat",
    "endpoint", "hostLabel", "suppress", "httpChecksumRequired", "input", "output", "unitType", "mixin",
    "requestCompression",
];

/// Trait shapes that are lists: written without a value (`@tags`), their value is `[]`, not `{}`
/// (checked against the prelude and the AWS trait definitions in `codegen/tests/idl.rs`).
pub const LIST_TRAITS: &[&str] = &[
    "smithy.api#auth",
    "smithy.api#enum",
    "smithy.api#examples",
    "smithy.api#references",
    "smithy.api#suppress",
    "smithy.api#tags",
    "smithy.test#httpMalformedRequestTests",
    "smithy.test#httpRequestTests",
    "smithy.test#httpResponseTests",
];

const SIMPLE_TYPES: &[&str] = &[
    "blob", "boolean", "string", "byte", "short", "integer", "long", "float", "double", "bigInteger", "bigDecimal",
    "timestamp", "document",
];

/// A marker target for elided members (`$id`) until the post-pass finds the real one.
const ELIDED: &str = "#elided";

/// A marker trait for enum members without a value in enums with mixins.
const IMPLIED_ENUM_VALUE: &str = "#implied-enum-value";

/// Reads one IDL file into a model file.
pub fn parse(file: &str, text: &str) -> Result<ast::ModelFile, Error> {
    let mut out = parse_files(&[(file.to_string(), text.to_string())])?;
    Ok(out.remove(0))
}

/// Reads IDL files that belong to one model (relative shape IDs may name shapes of other files).
pub fn parse_files(files: &[(String, String)]) -> Result<Vec<ast::ModelFile>, Error> {
    parse_files_among(files, &[])
}

/// Reads IDL files of a model whose other files (JSON AST) define the shape IDs `elsewhere`:
/// relative shape IDs may name those shapes too.
pub fn parse_files_among(files: &[(String, String)], elsewhere: &[&str]) -> Result<Vec<ast::ModelFile>, Error> {
    let mut out = Vec::new();
    for ((name, _), mut parsed) in files.iter().zip(read(files, elsewhere)?) {
        let applied = std::mem::take(&mut parsed.applied_at);
        let mut positions: std::collections::BTreeMap<String, (usize, usize)> = std::mem::take(&mut parsed.positions).into_iter().collect();
        for (target, at) in applied {
            positions.entry(target).or_insert(at);
        }
        let mut file = ast::from_value(name, &parsed.into_value()?)?;
        file.positions = positions;
        out.push(file);
    }
    Ok(out)
}

/// Reads IDL files into their JSON AST values (one per file, in order).
pub fn to_json(files: &[(String, String)]) -> Result<Vec<Value>, Error> {
    to_json_among(files, &[])
}

/// [`to_json`] for IDL files of a model whose other files define the shape IDs `elsewhere`.
pub fn to_json_among(files: &[(String, String)], elsewhere: &[&str]) -> Result<Vec<Value>, Error> {
    read(files, elsewhere)?.into_iter().map(ParsedFile::into_value).collect()
}

fn read(files: &[(String, String)], elsewhere: &[&str]) -> Result<Vec<ParsedFile>, Error> {
    // Pass one: which shape IDs exist.
    let mut known: HashSet<String> = elsewhere.iter().map(|id| id.to_string()).collect();
    let mut lexed = Vec::new();
    for (name, text) in files {
        let tokens = lex(name, text);
        let mut pass_one = Parser::new(name, &tokens, &known);
        pass_one.collect_only = true;
        let first = pass_one.file()?;
        known.extend(first.defined.iter().cloned());
        lexed.push(tokens);
    }
    // Pass two: build the ASTs.
    let mut parsed = Vec::new();
    for ((name, _), tokens) in files.iter().zip(&lexed) {
        parsed.push(Parser::new(name, tokens, &known).file()?);
    }
    check_syntactic_ids(&parsed, &known)?;
    resolve_elided(&mut parsed)?;
    resolve_implied_enum_values(&mut parsed);
    Ok(parsed)
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// An identifier or shape ID (`foo`, `a.b#C$d`).
    Word(String),
    /// A quoted string (escapes processed).
    Str(String),
    /// A text block (indentation stripped, escapes processed).
    Text(String),
    /// A number, as written.
    Num(String),
    /// One of `{ } [ ] ( ) : = @ $`.
    Punct(char),
    /// `:=`.
    Walrus,
    /// Text the lexer could not read: its error, reported when the parser gets there (so an
    /// earlier syntax error is reported first, as a reader that lexes lazily would).
    Bad(Box<Error>),
    Eof,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Str(s) => format!("string {s:?}"),
            Tok::Text(_) => "a text block".into(),
            Tok::Num(n) => format!("number {n}"),
            Tok::Punct(c) => format!("`{c}`"),
            Tok::Walrus => "`:=`".into(),
            Tok::Bad(e) => e.to_string(),
            Tok::Eof => "the end of the file".into(),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
    col: usize,
    /// The `///` documentation comment lines right before this token.
    doc: Option<String>,
    /// A line break (or a comment, which ends with one) comes between this token and the last.
    nl_before: bool,
    /// Whitespace, a comma or a comment comes between this token and the last.
    ws_before: bool,
    /// Where the first line break or comment between the last token and this one is (where
    /// "expected ... on the same line" errors point).
    br: (usize, usize),
}

/// The end of the identifier (`_* ALPHA (ALPHA | DIGIT | _)*`) that starts at byte `i` of `b`,
/// or the offset of the byte that breaks it.
fn identifier_end(b: &[u8], i: usize) -> Result<usize, usize> {
    let mut j = i;
    while b.get(j) == Some(&b'_') {
        j += 1;
    }
    if !b.get(j).is_some_and(u8::is_ascii_alphabetic) {
        return Err(j);
    }
    while b.get(j).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
        j += 1;
    }
    Ok(j)
}

/// Where `w` stops following the grammar of an identifier (`None`: it is one).
fn identifier_problem(w: &str) -> Option<usize> {
    match identifier_end(w.as_bytes(), 0) {
        Ok(end) if end == w.len() => None,
        Ok(end) | Err(end) => Some(end),
    }
}

/// Where `w` stops following the grammar of a namespace (`a.b.c`; `None`: it is one).
fn namespace_problem(w: &str) -> Option<usize> {
    fn walk(b: &[u8]) -> Result<usize, usize> {
        let mut i = identifier_end(b, 0)?;
        while b.get(i) == Some(&b'.') {
            i = identifier_end(b, i + 1)?;
        }
        Ok(i)
    }
    match walk(w.as_bytes()) {
        Ok(end) if end == w.len() => None,
        Ok(i) | Err(i) => Some(i),
    }
}

/// Where `w` stops following the grammar of a shape ID (`ns.ns#Name$member`, or `Name$member`
/// unless `absolute`; `None`: it is one).
fn shape_id_problem(w: &str, absolute: bool) -> Option<usize> {
    fn walk(b: &[u8], absolute: bool) -> Result<usize, usize> {
        let mut i = identifier_end(b, 0)?;
        let mut qualified = false;
        while b.get(i) == Some(&b'.') {
            qualified = true;
            i = identifier_end(b, i + 1)?;
        }
        if b.get(i) == Some(&b'#') {
            i = identifier_end(b, i + 1)?;
        } else if qualified || absolute {
            return Err(i);
        }
        if b.get(i) == Some(&b'$') {
            i = identifier_end(b, i + 1)?;
        }
        Ok(i)
    }
    match walk(w.as_bytes(), absolute) {
        Ok(end) if end == w.len() => None,
        Ok(i) | Err(i) => Some(i),
    }
}

/// What is wrong at `off` in `w`, for errors.
fn stray(w: &str, off: usize) -> String {
    match w[off.min(w.len())..].chars().next() {
        Some(c) => format!("`{c}` is not allowed there"),
        None => "it ends too early".into(),
    }
}

struct Lexer<'a> {
    file: &'a str,
    src: &'a str,
    b: &'a [u8],
    i: usize,
    line: usize,
    col: usize,
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }
    /// Advances one byte; columns count characters (UTF-8 continuation bytes do not count).
    fn bump(&mut self) -> Option<u8> {
        let c = self.b.get(self.i).copied()?;
        self.i += 1;
        if c == b'\n' {
            self.line += 1;
            self.col = 1;
        } else if c & 0xC0 != 0x80 {
            self.col += 1;
        }
        Some(c)
    }
    fn err(&self, line: usize, col: usize, msg: impl std::fmt::Display) -> Error {
        Error::model(&format!("{}:{line}:{col}", self.file), None, msg.to_string())
    }
    fn rest_of_line(&mut self) -> &str {
        let start = self.i;
        while let Some(c) = self.peek(0) {
            if c == b'\n' {
                break;
            }
            self.bump();
        }
        &self.src[start..self.i]
    }
    /// Processes the escapes of a string body.
    fn unescape(&self, raw: &str, line: usize, col: usize) -> Result<String, Error> {
        if !raw.contains('\\') {
            return Ok(raw.to_string());
        }
        let raw: Vec<char> = raw.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < raw.len() {
            let c = raw[i];
            i += 1;
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(&e) = raw.get(i) else { return Err(self.err(line, col, "expected an escape after `\\`, found the end of the string")) };
            i += 1;
            match e {
                '"' => out.push('"'),
                '\'' => out.push('\''),
                '\\' => out.push('\\'),
                '/' => out.push('/'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '\n' => {}
                '\r' if raw.get(i) == Some(&'\n') => i += 1,
                'u' => {
                    let hex = |i: usize| -> Option<u32> {
                        let s: String = raw.get(i..i + 4)?.iter().collect();
                        if s.chars().all(|c| c.is_ascii_hexdigit()) { u32::from_str_radix(&s, 16).ok() } else { None }
                    };
                    let Some(hi) = hex(i) else { return Err(self.err(line, col, "expected four hex digits after `\\u`")) };
                    i += 4;
                    let code = if (0xD800..0xDC00).contains(&hi) {
                        let lo = if raw.get(i) == Some(&'\\') && raw.get(i + 1) == Some(&'u') { hex(i + 2) } else { None };
                        match lo {
                            Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                i += 6;
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            }
                            _ => return Err(self.err(line, col, "expected a low surrogate `\\uDC00`..`\\uDFFF` after a high surrogate")),
                        }
                    } else {
                        hi
                    };
                    match char::from_u32(code) {
                        Some(c) => out.push(c),
                        None => return Err(self.err(line, col, format!("invalid unicode escape \\u{code:04X}"))),
                    }
                }
                other => return Err(self.err(line, col, format!("expected a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), found `\\{other}`"))),
            }
        }
        Ok(out)
    }
    fn found(&self) -> String {
        match self.src.get(self.i..).and_then(|r| r.chars().next()) {
            Some(c) => format!("{c:?}"),
            None => "the end of the file".into(),
        }
    }
}

/// The tokens of a file, ending with `Eof`; text that cannot be read ends them with a `Bad`
/// token carrying the error.
fn lex(file: &str, text: &str) -> Vec<Token> {
    let mut lx = Lexer { file, src: text, b: text.as_bytes(), i: 0, line: 1, col: 1 };
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut gap = Gap::default();
    if let Err(e) = lex_into(&mut lx, text, &mut out, &mut gap) {
        let (line, col) = (lx.line, lx.col);
        out.push(Token { tok: Tok::Bad(Box::new(e)), line, col, doc: None, nl_before: gap.nl, ws_before: gap.ws, br: gap.br.unwrap_or((line, col)) });
    }
    let br = gap.br.unwrap_or((lx.line, lx.col));
    out.push(Token { tok: Tok::Eof, line: lx.line, col: lx.col, doc: None, nl_before: true, ws_before: true, br });
    out
}

/// What lies between two tokens.
#[derive(Default)]
struct Gap {
    nl: bool,
    ws: bool,
    br: Option<(usize, usize)>,
}

fn lex_into(lx: &mut Lexer, text: &str, out: &mut Vec<Token>, gap: &mut Gap) -> Result<(), Error> {
    let mut doc: Vec<String> = Vec::new();
    // Whether a token precedes the current position on its line: a `///` comment there is an
    // ordinary comment, not documentation.
    let mut line_has_token = false;
    if text.starts_with('\u{feff}') {
        lx.i = 3;
    }
    while let Some(c) = lx.peek(0) {
        let (line, col) = (lx.line, lx.col);
        if c == b'\n' || (c == b'\r' && lx.peek(1) == Some(b'\n')) || c == b'/' {
            gap.br.get_or_insert((line, col));
        }
        if c == b'\n' {
            line_has_token = false;
            gap.nl = true;
        }
        if matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b',') {
            gap.ws = true;
            lx.bump();
            continue;
        }
        if c == b'/' {
            if lx.peek(1) != Some(b'/') {
                return Err(lx.err(line, col, "expected a comment (`//`), found a single `/`"));
            }
            lx.bump();
            lx.bump();
            gap.ws = true;
            if lx.peek(0) == Some(b'/') && !line_has_token {
                lx.bump();
                let text = lx.rest_of_line();
                let text = text.strip_suffix('\r').unwrap_or(text);
                doc.push(text.strip_prefix(' ').unwrap_or(text).to_string());
            } else {
                lx.rest_of_line();
            }
            continue;
        }
        let tok = if c.is_ascii_alphabetic() || c == b'_' {
            let start = lx.i;
            while lx.peek(0).is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'#' | b'$')) {
                lx.bump();
            }
            Tok::Word(text[start..lx.i].to_string())
        } else if c == b'-' || c.is_ascii_digit() {
            let start = lx.i;
            while lx.peek(0).is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'.')) {
                lx.bump();
            }
            Tok::Num(text[start..lx.i].to_string())
        } else if c == b'"' {
            if lx.peek(1) == Some(b'"') && lx.peek(2) == Some(b'"') {
                lx.bump();
                lx.bump();
                lx.bump();
                // The opening delimiter must end its line.
                while matches!(lx.peek(0), Some(b' ' | b'\t' | b'\r')) {
                    lx.bump();
                }
                if lx.peek(0) != Some(b'\n') {
                    return Err(lx.err(line, col, format!("expected a new line after the opening `\"\"\"` of a text block, found {}", lx.found())));
                }
                lx.bump();
                let start = lx.i;
                let end = loop {
                    match lx.peek(0) {
                        None => {
                            return Err(lx.err(lx.line, lx.col, format!("expected the closing `\"\"\"` of the text block opened at {line}:{col}, found the end of the file")))
                        }
                        Some(b'"') if lx.peek(1) == Some(b'"') && lx.peek(2) == Some(b'"') => {
                            let end = lx.i;
                            lx.bump();
                            lx.bump();
                            lx.bump();
                            break end;
                        }
                        Some(b'\\') => {
                            lx.bump();
                            lx.bump();
                        }
                        Some(_) => {
                            lx.bump();
                        }
                    }
                };
                let raw = text.get(start..end.max(start)).unwrap_or("");
                Tok::Text(lx.unescape(&strip_text_block(raw), line, col)?)
            } else {
                lx.bump();
                let start = lx.i;
                let end = loop {
                    let unclosed = |lx: &Lexer| lx.err(lx.line, lx.col, format!("expected the closing `\"` of the string opened at {line}:{col}, found the end of the file"));
                    match lx.bump() {
                        None => return Err(unclosed(lx)),
                        Some(b'"') => break lx.i - 1,
                        Some(b'\\') => {
                            if lx.bump().is_none() {
                                return Err(unclosed(lx));
                            }
                        }
                        Some(_) => {}
                    }
                };
                // An escape may have stepped into a multi-byte character: slice safely.
                let raw = text.get(start..end).ok_or_else(|| lx.err(line, col, "expected a valid escape in the string"))?;
                Tok::Str(lx.unescape(raw, line, col)?)
            }
        } else if c == b':' && lx.peek(1) == Some(b'=') {
            lx.bump();
            lx.bump();
            Tok::Walrus
        } else if b"{}[]():=@$".contains(&c) {
            lx.bump();
            Tok::Punct(c as char)
        } else {
            return Err(lx.err(line, col, format!("expected a token, found {}", lx.found())));
        };
        let doc = if doc.is_empty() { None } else { Some(std::mem::take(&mut doc).join("\n")) };
        line_has_token = true;
        let gap = std::mem::take(gap);
        out.push(Token { tok, line, col, doc, nl_before: gap.nl, ws_before: gap.ws, br: gap.br.unwrap_or((line, col)) });
    }
    Ok(())
}

/// Removes the incidental indentation of a text block (the least indentation of its non-blank
/// lines and of the closing delimiter's line) and trailing spaces.
fn strip_text_block(raw: &str) -> String {
    let normalised;
    let raw = if raw.contains('\r') {
        normalised = raw.replace("\r\n", "\n");
        normalised.as_str()
    } else {
        raw
    };
    let blank = |l: &str| l.trim().is_empty();
    let leading = |l: &str| l.bytes().take_while(|c| *c == b' ' || *c == b'\t').count();
    let last = raw.rsplit('\n').next().unwrap_or("");
    let indent = raw.split('\n').filter(|l| !blank(l)).map(leading).chain([leading(last)]).min().unwrap_or(0);
    let mut out = String::with_capacity(raw.len());
    for (i, l) in raw.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // Non-blank lines start with at least `indent` spaces or tabs (single bytes).
        if !blank(l) {
            out.push_str(l[indent..].trim_end_matches([' ', '\t']));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Parser

/// A node value as written; unquoted shape IDs are resolved when it is turned into JSON.
#[derive(Debug, Clone)]
enum Node {
    Null,
    Bool(bool),
    Num(Value),
    Str(String),
    Id(String, usize, usize),
    List(Vec<Node>),
    Obj(Vec<(String, Node)>),
}

/// One parsed file, before elided members are resolved.
struct ParsedFile {
    file: String,
    version: String,
    metadata: Map<String, Value>,
    shapes: Map<String, Value>,
    /// `apply` statements: target (may name a member) -> traits.
    applies: Vec<(String, Map<String, Value>)>,
    /// Shape -> the resource named by its `for`.
    for_resource: HashMap<String, String>,
    /// Shape IDs defined here.
    defined: Vec<String>,
    /// Where each shape and member is defined (line, column of its name).
    positions: Vec<(String, (usize, usize))>,
    /// Where each `apply` statement names its target.
    applied_at: Vec<(String, (usize, usize))>,
    /// Unquoted shape IDs in node values, checked once every file is read.
    syntactic_ids: Vec<SyntacticId>,
}

/// An unquoted shape ID in a node value (a trait, default or metadata value): a "syntactic shape
/// ID", which the specification resolves like any relative shape ID and which must name a
/// shape of the model.
struct SyntacticId {
    written: String,
    id: String,
    line: usize,
    col: usize,
}

/// The validation event the specification names for a syntactic shape ID that names no shape;
/// `metadata suppressions = [{id: "SyntacticShapeIdTarget", namespace: "*"}]` suppresses it.
const SYNTACTIC_SHAPE_ID_TARGET: &str = "SyntacticShapeIdTarget";

/// Every syntactic shape ID must name a shape of the model (the IDL files read together,
/// `elsewhere`: the shapes of the model's other files, and the prelude), as the specification's
/// `SyntacticShapeIdTarget` validation requires (a DANGER event: an error unless suppressed).
/// IDs in a namespace that none of the files defines name shapes of a dependency that was not
/// read (such as the AWS trait definitions, which reading a model does not need) and are not
/// checked.
fn check_syntactic_ids(files: &[ParsedFile], known: &HashSet<String>) -> Result<(), Error> {
    let suppressed = files.iter().any(|f| {
        f.metadata.get("suppressions").and_then(Value::as_array).is_some_and(|list| {
            list.iter().any(|s| {
                s.get("id").and_then(Value::as_str) == Some(SYNTACTIC_SHAPE_ID_TARGET) && s.get("namespace").and_then(Value::as_str) == Some("*")
            })
        })
    });
    if suppressed {
        return Ok(());
    }
    let namespaces: HashSet<&str> = known.iter().filter_map(|id| id.split_once('#')).map(|(ns, _)| ns).collect();
    for f in files {
        for s in &f.syntactic_ids {
            let root = s.id.split('$').next().unwrap_or(&s.id);
            let Some((ns, name)) = root.split_once('#') else { continue };
            let exists = known.contains(root) || (ns == "smithy.api" && PRELUDE_SHAPES.contains(&name));
            if exists || (ns != "smithy.api" && !namespaces.contains(ns)) {
                continue;
            }
            let resolved = if s.written == s.id { String::new() } else { format!(" (read as `{}`)", s.id) };
            return Err(Error::model(
                &format!("{}:{}:{}", f.file, s.line, s.col),
                None,
                format!(
                    "the shape ID `{}`{resolved} names no shape of the model: quote it if it is meant as a string (unquoted values are shape IDs)",
                    s.written
                ),
            ));
        }
    }
    Ok(())
}

impl ParsedFile {
    /// `file:line:column` of a shape or member defined here, for errors (the file alone if it
    /// is not).
    fn place(&self, id: &str) -> String {
        match self.positions.iter().find(|(p, _)| p == id) {
            Some((_, (line, col))) => format!("{}:{line}:{col}", self.file),
            None => self.file.clone(),
        }
    }

    fn into_value(mut self) -> Result<Value, Error> {
        // `apply` aimed at shapes of this file is folded in, as the reference does; the rest is
        // kept as `apply` entries (merged per target) for the loader.
        let mut external: Map<String, Value> = Map::new();
        for (target, traits) in std::mem::take(&mut self.applies) {
            let (shape, member) = match target.split_once('$') {
                Some((s, m)) => (s.to_string(), Some(m.to_string())),
                None => (target.clone(), None),
            };
            let slot = match self.shapes.get_mut(&shape) {
                Some(s) => match &member {
                    None => Some(s),
                    Some(m) => member_mut(s, m),
                },
                None => None,
            };
            let slot = match slot {
                Some(s) => s,
                None => external.entry(target.clone()).or_insert_with(|| serde_json::json!({"type": "apply"})),
            };
            let obj = slot.as_object_mut().expect("shapes are objects");
            let t = obj.entry("traits").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(t) = t {
                for (k, v) in traits {
                    merge_trait(t, k, v);
                }
            }
        }
        for (k, v) in external {
            if !self.shapes.contains_key(&k) {
                self.shapes.insert(k, v);
            }
        }
        let mut root = Map::new();
        root.insert("smithy".into(), Value::String(self.version));
        if !self.metadata.is_empty() {
            root.insert("metadata".into(), Value::Object(self.metadata));
        }
        root.insert("shapes".into(), Value::Object(self.shapes));
        Ok(Value::Object(root))
    }
}

/// Applies a trait again: list values concatenate (as the reference does for `apply`), others
/// replace.
pub fn merge_trait(traits: &mut Map<String, Value>, id: String, value: Value) {
    match (traits.get_mut(&id), value) {
        (Some(Value::Array(old)), Value::Array(new)) => old.extend(new),
        (_, value) => {
            traits.insert(id, value);
        }
    }
}

fn member_mut<'v>(shape: &'v mut Value, member: &str) -> Option<&'v mut Value> {
    let o = shape.as_object_mut()?;
    if o.get("members").is_some_and(Value::is_object) {
        return o.get_mut("members")?.as_object_mut()?.get_mut(member);
    }
    if matches!(member, "member" | "key" | "value") {
        return o.get_mut(member);
    }
    None
}

/// Finds the targets of elided members (`$name`): the `for` resource's identifiers, then its
/// properties, then the members of the shape's mixins (transitively), across all files.
fn resolve_elided(files: &mut [ParsedFile]) -> Result<(), Error> {
    for f in files.iter() {
        for (id, res) in &f.for_resource {
            let kind = files.iter().find_map(|f| f.shapes.get(res)).and_then(|r| r.get("type")).and_then(Value::as_str);
            if let Some(kind) = kind.filter(|k| *k != "resource") {
                return Err(Error::model(&f.place(id), Some(id), format!("the target of `for` must be a resource, but `{res}` is a {kind}")));
            }
        }
    }
    loop {
        let mut pending: Vec<(usize, String, String)> = Vec::new();
        for (fi, f) in files.iter().enumerate() {
            for (id, shape) in &f.shapes {
                for (name, m) in members_of(shape) {
                    if m.get("target").and_then(Value::as_str) == Some(ELIDED) {
                        pending.push((fi, id.clone(), name.to_string()));
                    }
                }
            }
        }
        if pending.is_empty() {
            return Ok(());
        }
        let find_shape = |files: &[ParsedFile], id: &str| -> Option<Value> { files.iter().find_map(|f| f.shapes.get(id).cloned()) };
        let mut progress = false;
        let mut unresolved = None;
        for (fi, id, name) in pending {
            let mut target = None;
            if let Some(res) = files[fi].for_resource.get(&id) {
                if let Some(r) = find_shape(files, res) {
                    for key in ["identifiers", "properties"] {
                        if let Some(t) = r.get(key).and_then(|m| m.get(&name)).and_then(|m| m.get("target")).and_then(Value::as_str) {
                            target = Some(t.to_string());
                            break;
                        }
                    }
                }
            }
            if target.is_none() {
                let mixins: Vec<String> = files[fi].shapes[&id]
                    .get("mixins")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|m| m.get("target").and_then(Value::as_str).map(str::to_string)).collect())
                    .unwrap_or_default();
                let mut seen = HashSet::new();
                let mut stack = mixins;
                let mut blocked = false;
                while let Some(mixin) = stack.pop() {
                    if !seen.insert(mixin.clone()) {
                        continue;
                    }
                    let Some(ms) = find_shape(files, &mixin) else { continue };
                    if let Some((_, m)) = members_of(&ms).into_iter().find(|(n, _)| *n == name) {
                        match m.get("target").and_then(Value::as_str) {
                            Some(ELIDED) => blocked = true,
                            Some(t) => {
                                target = Some(t.to_string());
                                break;
                            }
                            None => {}
                        }
                    }
                    if let Some(a) = ms.get("mixins").and_then(Value::as_array) {
                        stack.extend(a.iter().filter_map(|m| m.get("target").and_then(Value::as_str).map(str::to_string)));
                    }
                }
                if target.is_none() && blocked {
                    continue;
                }
            }
            match target {
                Some(t) => {
                    let shape = files[fi].shapes.get_mut(&id).expect("pending shape exists");
                    if let Some(m) = member_mut(shape, &name) {
                        m["target"] = Value::String(t);
                    }
                    progress = true;
                }
                None => unresolved = Some((fi, id, name)),
            }
        }
        if !progress {
            return Err(match unresolved {
                Some((fi, id, name)) => Error::model(
                    &files[fi].place(&format!("{id}${name}")),
                    Some(&id),
                    format!("the elided member `${name}` matches no identifier or property of the `for` resource and no member of a mixin"),
                ),
                None => Error::model(&files[0].file, None, "elided members refer to each other in a cycle"),
            });
        }
    }
}

/// An enum member with mixins and no value takes its name as value unless a mixin (transitively)
/// has a member of that name, whose value it keeps.
fn resolve_implied_enum_values(files: &mut [ParsedFile]) {
    let mut pending = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        for (id, shape) in &f.shapes {
            for (name, m) in members_of(shape) {
                if m.get("traits").and_then(|t| t.get(IMPLIED_ENUM_VALUE)).is_some() {
                    pending.push((fi, id.clone(), name.to_string()));
                }
            }
        }
    }
    for (fi, id, name) in pending {
        let mut stack = mixin_targets(&files[fi].shapes[&id]);
        let mut seen = HashSet::new();
        let mut inherited = false;
        while let Some(mixin) = stack.pop() {
            if !seen.insert(mixin.clone()) {
                continue;
            }
            if let Some(ms) = files.iter().find_map(|f| f.shapes.get(&mixin)) {
                inherited |= members_of(ms).iter().any(|(n, _)| *n == name);
                stack.extend(mixin_targets(ms));
            }
        }
        let shape = files[fi].shapes.get_mut(&id).expect("pending shape exists");
        if let Some(Value::Object(traits)) = member_mut(shape, &name).and_then(|m| m.get_mut("traits")) {
            traits.remove(IMPLIED_ENUM_VALUE);
            if !inherited {
                traits.insert("smithy.api#enumValue".into(), Value::String(name.clone()));
            }
        }
        if let Some(m) = member_mut(files[fi].shapes.get_mut(&id).expect("exists"), &name).and_then(Value::as_object_mut) {
            if m.get("traits").and_then(Value::as_object).is_some_and(Map::is_empty) {
                m.remove("traits");
            }
        }
    }
}

fn mixin_targets(shape: &Value) -> Vec<String> {
    shape
        .get("mixins")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|m| m.get("target").and_then(Value::as_str).map(str::to_string)).collect())
        .unwrap_or_default()
}

fn members_of(shape: &Value) -> Vec<(&str, &Value)> {
    let mut out = Vec::new();
    if let Some(ms) = shape.get("members").and_then(Value::as_object) {
        out.extend(ms.iter().map(|(k, v)| (k.as_str(), v)));
    }
    for k in ["member", "key", "value"] {
        if let Some(m) = shape.get(k) {
            out.push((k, m));
        }
    }
    out
}

struct Parser<'a> {
    file: &'a str,
    toks: &'a [Token],
    pos: usize,
    known: &'a HashSet<String>,
    namespace: Option<String>,
    uses: HashMap<String, String>,
    input_suffix: String,
    output_suffix: String,
    out: ParsedFile,
    /// Nesting of node values, bounded so no input can overflow the stack.
    depth: usize,
    /// Pass one: collect the shape IDs defined, skip building values.
    collect_only: bool,
}

const MAX_DEPTH: usize = 100;

type R<T> = Result<T, Error>;

impl<'a> Parser<'a> {
    fn new(file: &'a str, toks: &'a [Token], known: &'a HashSet<String>) -> Self {
        Parser {
            file,
            toks,
            pos: 0,
            known,
            namespace: None,
            uses: HashMap::new(),
            input_suffix: "Input".into(),
            output_suffix: "Output".into(),
            depth: 0,
            collect_only: false,
            out: ParsedFile {
                file: file.to_string(),
                version: "1.0".into(),
                metadata: Map::new(),
                shapes: Map::new(),
                applies: Vec::new(),
                for_resource: HashMap::new(),
                defined: Vec::new(),
                positions: Vec::new(),
                applied_at: Vec::new(),
                syntactic_ids: Vec::new(),
            },
        }
    }

    fn tok(&self) -> &'a Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }
    fn peek(&self, k: usize) -> &'a Tok {
        &self.toks[(self.pos + k).min(self.toks.len() - 1)].tok
    }
    fn next(&mut self) -> &'a Token {
        let t = self.tok();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }
    /// An error at a token; at text the lexer could not read, the lexer's error.
    fn err_at(&self, t: &Token, msg: impl std::fmt::Display) -> Error {
        match &t.tok {
            Tok::Bad(e) => (**e).clone(),
            _ => self.err_in(t, 0, msg),
        }
    }
    /// An error `offset` characters into a word token.
    fn err_in(&self, t: &Token, offset: usize, msg: impl std::fmt::Display) -> Error {
        Error::model(&format!("{}:{}:{}", self.file, t.line, t.col + offset), None, msg.to_string())
    }
    fn expected(&self, what: &str) -> Error {
        let t = self.tok();
        self.err_at(t, format!("expected {what}, found {}", t.tok.describe()))
    }
    /// The current token must be on the line of the previous one.
    fn same_line(&self, what: &str) -> R<()> {
        let t = self.tok();
        if t.nl_before {
            let found = if t.tok == Tok::Eof && t.br == (t.line, t.col) { "the end of the file" } else { "a line break" };
            let (line, col) = t.br;
            return Err(Error::model(&format!("{}:{line}:{col}", self.file), None, format!("expected {what} on the same line, found {found}")));
        }
        Ok(())
    }
    /// A line break must come before the current token.
    fn br(&self) -> R<()> {
        let t = self.tok();
        if !t.nl_before {
            return Err(self.err_at(t, format!("expected a line break, found {}", t.tok.describe())));
        }
        Ok(())
    }
    fn v1(&self) -> bool {
        self.out.version == "1.0"
    }
    /// Fails for IDL 2.0 features in a 1.0 file.
    fn v2_only(&self, t: &Token, feature: &str) -> R<()> {
        if self.v1() {
            return Err(self.err_at(t, format!("{feature} needs `$version: \"2.0\"`; this file is IDL 1.0")));
        }
        Ok(())
    }
    fn is_punct(&self, c: char) -> bool {
        self.tok().tok == Tok::Punct(c)
    }
    fn punct(&mut self, c: char) -> R<()> {
        if self.is_punct(c) {
            self.next();
            Ok(())
        } else {
            Err(self.expected(&format!("`{c}`")))
        }
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(&self.tok().tok, Tok::Word(x) if x == w)
    }
    fn word(&mut self, what: &str) -> R<String> {
        match &self.tok().tok {
            Tok::Word(w) => {
                let w = w.clone();
                self.next();
                Ok(w)
            }
            _ => Err(self.expected(what)),
        }
    }
    /// An identifier: no `.`, `#` or `$`.
    fn ident(&mut self, what: &str) -> R<String> {
        let t = self.tok();
        let w = self.word(what)?;
        if let Some(off) = identifier_problem(&w) {
            return Err(self.err_in(t, off, format!("expected {what}, found `{w}`, which is not an identifier: {}", stray(&w, off))));
        }
        Ok(w)
    }
    /// An object, control statement or metadata key: an identifier or a string.
    fn key(&mut self, what: &str) -> R<String> {
        let t = self.tok();
        let key = match &t.tok {
            Tok::Word(w) => {
                if let Some(off) = identifier_problem(w) {
                    return Err(self.err_in(t, off, format!("expected {what}, found `{w}`: {} (quote keys that are not identifiers)", stray(w, off))));
                }
                w.clone()
            }
            Tok::Str(s) => s.clone(),
            _ => return Err(self.expected(what)),
        };
        self.next();
        Ok(key)
    }
    fn check_shape_id(&self, t: &Token, w: &str) -> R<()> {
        match shape_id_problem(w, false) {
            None => Ok(()),
            Some(off) => Err(self.err_in(t, off, format!("expected a shape ID, found `{w}`: {}", stray(w, off)))),
        }
    }
    fn namespace(&self) -> R<&str> {
        match &self.namespace {
            Some(ns) => Ok(ns),
            None => Err(self.err_at(self.tok(), "expected a `namespace` statement before shapes and shape IDs")),
        }
    }

    /// Resolves a relative shape ID (possibly with `$member`): `use`, then the namespace's shapes,
    /// then the prelude, else the current namespace (which makes a reference to a missing shape).
    /// `syntactic`: a node value (trait, default or metadata value), which resolves in
    /// `smithy.api` where there is no namespace (metadata).
    fn resolve(&self, t: &Token, word: &str, syntactic: bool) -> R<String> {
        self.check_shape_id(t, word)?;
        if word.contains('#') {
            return Ok(word.to_string());
        }
        let (name, member) = match word.split_once('$') {
            Some((n, m)) => (n, Some(m)),
            None => (word, None),
        };
        let absolute = if let Some(id) = self.uses.get(name) {
            id.clone()
        } else {
            let ns = match (&self.namespace, syntactic) {
                (Some(ns), _) => ns.clone(),
                (None, true) => "smithy.api".to_string(),
                (None, false) => return Err(self.err_at(t, format!("expected a `namespace` statement before the relative shape ID `{word}`"))),
            };
            let local = format!("{ns}#{name}");
            if self.known.contains(&local) || self.out.shapes.contains_key(&local) {
                local
            } else if PRELUDE_SHAPES.contains(&name) {
                format!("smithy.api#{name}")
            } else {
                local
            }
        };
        Ok(match member {
            Some(m) => format!("{absolute}${m}"),
            None => absolute,
        })
    }
    fn shape_ref(&mut self, what: &str) -> R<String> {
        let t = self.tok();
        let w = self.word(what)?;
        self.resolve(t, &w, false)
    }

    fn file(mut self) -> R<ParsedFile> {
        // Control section.
        let mut seen_control = HashSet::new();
        while self.is_punct('$') {
            let at = self.next();
            self.same_line("the control statement name")?;
            let key = self.key("a control statement name")?;
            self.same_line("`:`")?;
            self.punct(':')?;
            self.same_line("the control statement value")?;
            let vt = self.tok();
            let value = self.node()?;
            self.br()?;
            if !seen_control.insert(key.clone()) {
                return Err(self.err_at(vt, format!("the control statement `${key}` is given twice")));
            }
            match key.as_str() {
                "version" => {
                    let v = match &value {
                        Node::Str(s) => s.clone(),
                        Node::Num(n) => n.to_string(),
                        _ => return Err(self.err_at(at, "expected a version string such as \"2.0\" for `$version`")),
                    };
                    self.out.version = match v.as_str() {
                        "1" | "1.0" => "1.0".into(),
                        "2" | "2.0" => "2.0".into(),
                        _ => return Err(self.err_at(at, format!("expected `$version` \"1.0\" or \"2.0\", found {v:?}"))),
                    };
                }
                "operationInputSuffix" | "operationOutputSuffix" => {
                    let Node::Str(s) = value else {
                        return Err(self.err_at(at, format!("expected a string value for `${key}`")));
                    };
                    if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        return Err(self.err_at(at, format!("expected an identifier suffix for `${key}`, found {s:?}")));
                    }
                    if key == "operationInputSuffix" {
                        self.input_suffix = s;
                    } else {
                        self.output_suffix = s;
                    }
                }
                _ => {} // Unknown control statements are ignored (the reference warns).
            }
        }
        // Metadata.
        while self.is_word("metadata") && !matches!(self.peek(1), Tok::Punct(_) | Tok::Walrus) {
            self.next();
            self.same_line("the metadata key")?;
            let at = self.tok();
            if !at.ws_before {
                return Err(self.err_at(at, "expected a space after `metadata`"));
            }
            let key = self.key("a metadata key (identifier or string)")?;
            self.same_line("`=`")?;
            self.punct('=')?;
            self.same_line("the metadata value")?;
            let node = self.node()?;
            self.br()?;
            let value = self.node_json(node)?;
            match (self.out.metadata.get_mut(&key), value) {
                (Some(Value::Array(a)), Value::Array(b)) => a.extend(b),
                (Some(old), v) if *old == v => {}
                (Some(_), _) => return Err(self.err_at(at, format!("metadata key {key:?} is defined twice with conflicting values"))),
                (None, v) => {
                    self.out.metadata.insert(key, v);
                }
            }
        }
        // Namespace.
        if self.is_word("namespace") && !matches!(self.peek(1), Tok::Punct(_) | Tok::Walrus | Tok::Eof) {
            self.next();
            self.same_line("the namespace")?;
            let t = self.tok();
            let ns = self.word("a namespace")?;
            self.br()?;
            if let Some(off) = namespace_problem(&ns) {
                return Err(self.err_in(t, off, format!("expected a namespace such as `com.example`, found `{ns}`: {}", stray(&ns, off))));
            }
            self.namespace = Some(ns);
            // Use statements.
            while self.is_word("use") {
                self.next();
                self.same_line("the shape ID to use")?;
                let t = self.tok();
                let id = self.word("an absolute shape ID")?;
                self.br()?;
                if let Some(off) = shape_id_problem(&id, true) {
                    return Err(self.err_in(t, off, format!("expected an absolute shape ID (`ns#Name`), found `{id}`: {}", stray(&id, off))));
                }
                let Some((_, name)) = id.split_once('#').filter(|_| !id.contains('$')) else {
                    let off = id.find('$').unwrap_or(0);
                    return Err(self.err_in(t, off, format!("expected an absolute shape ID without a member (`ns#Name`), found `{id}`")));
                };
                if let Some(prev) = self.uses.get(name) {
                    if *prev != id {
                        return Err(self.err_at(t, format!("`use {id}` conflicts with `use {prev}`")));
                    }
                }
                self.uses.insert(name.to_string(), id);
            }
            // Shapes.
            while self.tok().tok != Tok::Eof {
                self.shape_statement()?;
            }
        }
        if self.tok().tok != Tok::Eof {
            return Err(self.expected(if self.namespace.is_none() { "a `namespace` statement" } else { "a shape" }));
        }
        // Uses must not conflict with local shapes.
        if let Some(ns) = &self.namespace {
            for (name, id) in &self.uses {
                let local = format!("{ns}#{name}");
                if *id != local && self.out.shapes.contains_key(&local) {
                    return Err(Error::model(self.file, Some(&local), format!("the shape conflicts with `use {id}`")));
                }
            }
        }
        Ok(self.out)
    }

    /// Records where a shape or member is written (pass two only).
    fn at(&mut self, id: String, t: &Token) {
        if !self.collect_only {
            self.out.positions.push((id, (t.line, t.col)));
        }
    }

    fn define(&mut self, t: &Token, id: &str, shape: Value) -> R<()> {
        if self.out.shapes.contains_key(id) {
            return Err(self.err_at(t, format!("the shape `{id}` is defined twice")));
        }
        if let Some(ns) = &self.namespace {
            if let Some((_, name)) = id.split_once('#') {
                if let Some(u) = self.uses.get(name) {
                    if *u != id && id.starts_with(&format!("{ns}#")) {
                        return Err(self.err_at(t, format!("the shape `{id}` conflicts with `use {u}`")));
                    }
                }
            }
        }
        self.out.defined.push(id.to_string());
        self.at(id.to_string(), t);
        self.out.shapes.insert(id.to_string(), shape);
        Ok(())
    }

    /// `@trait` applications; returns them in order.
    fn traits(&mut self) -> R<Map<String, Value>> {
        self.traits_upto(usize::MAX)
    }

    /// At most `limit` trait applications.
    fn traits_upto(&mut self, limit: usize) -> R<Map<String, Value>> {
        let mut out = Map::new();
        let mut n = 0;
        while self.is_punct('@') && n < limit {
            n += 1;
            let at = self.next();
            let t = self.tok();
            let w = self.word("a trait shape ID after `@`")?;
            let id = self.resolve(t, &w, false)?;
            if id.contains('$') {
                return Err(self.err_at(t, format!("expected a trait shape ID, found the member ID `{w}`")));
            }
            let value = if self.is_punct('(') {
                self.next();
                if self.is_punct(')') {
                    self.next();
                    None
                } else if (matches!(self.peek(0), Tok::Word(w) if identifier_problem(w).is_none()) || matches!(self.peek(0), Tok::Str(_)))
                    && *self.peek(1) == Tok::Punct(':')
                {
                    let obj = self.object_entries(')')?;
                    Some(self.node_json(Node::Obj(obj))?)
                } else {
                    let n = self.node()?;
                    self.punct(')')?;
                    Some(self.node_json(n)?)
                }
            } else {
                None
            };
            let value = value.unwrap_or_else(|| if LIST_TRAITS.contains(&id.as_str()) { Value::Array(vec![]) } else { Value::Object(Map::new()) });
            if out.contains_key(&id) {
                return Err(self.err_at(at, format!("the trait `{id}` is applied twice")));
            }
            if id == "smithy.api#mixin" {
                self.v2_only(at, "the `@mixin` trait")?;
            }
            out.insert(id, value);
        }
        Ok(out)
    }

    /// `key: value` entries up to `close` (consumed).
    fn object_entries(&mut self, close: char) -> R<Vec<(String, Node)>> {
        let mut out: Vec<(String, Node)> = Vec::new();
        loop {
            if self.is_punct(close) {
                self.next();
                return Ok(out);
            }
            let t = self.tok();
            let key = self.key(&format!("an object key or `{close}`"))?;
            self.punct(':')?;
            let v = self.node()?;
            if out.iter().any(|(k, _)| *k == key) {
                return Err(self.err_at(t, format!("the key {key:?} appears twice")));
            }
            out.push((key, v));
        }
    }

    fn node(&mut self) -> R<Node> {
        self.depth += 1;
        let out = if self.depth > MAX_DEPTH {
            Err(self.err_at(self.tok(), format!("expected a value nested at most {MAX_DEPTH} levels deep")))
        } else {
            self.node_inner()
        };
        self.depth -= 1;
        out
    }

    fn node_inner(&mut self) -> R<Node> {
        let t = self.tok();
        match &t.tok {
            Tok::Punct('[') => {
                self.next();
                let mut items = Vec::new();
                while !self.is_punct(']') {
                    if self.tok().tok == Tok::Eof {
                        return Err(self.expected("`]`"));
                    }
                    items.push(self.node()?);
                }
                self.next();
                Ok(Node::List(items))
            }
            Tok::Punct('{') => {
                self.next();
                Ok(Node::Obj(self.object_entries('}')?))
            }
            Tok::Str(s) | Tok::Text(s) => {
                self.next();
                Ok(Node::Str(s.clone()))
            }
            Tok::Num(n) => {
                self.next();
                let ok = {
                    let digits = n.strip_prefix('-').unwrap_or(n);
                    !(digits.len() > 1 && digits.starts_with('0') && digits.as_bytes()[1].is_ascii_digit())
                };
                match serde_json::from_str::<Value>(n) {
                    Ok(v @ Value::Number(_)) if ok => Ok(Node::Num(v)),
                    _ => Err(self.err_at(t, format!("expected a number, found `{n}`"))),
                }
            }
            Tok::Word(w) => {
                self.next();
                Ok(match w.as_str() {
                    "true" => Node::Bool(true),
                    "false" => Node::Bool(false),
                    "null" => Node::Null,
                    _ => {
                        self.check_shape_id(t, w)?;
                        Node::Id(w.clone(), t.line, t.col)
                    }
                })
            }
            _ => Err(self.expected("a value")),
        }
    }

    fn node_json(&mut self, n: Node) -> R<Value> {
        if self.collect_only {
            // Pass one only collects shape IDs: values are not needed.
            return Ok(Value::Null);
        }
        Ok(match n {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Num(v) => v,
            Node::Str(s) => Value::String(s),
            Node::Id(w, line, col) => {
                let t = Token { tok: Tok::Word(w.clone()), line, col, doc: None, nl_before: false, ws_before: false, br: (line, col) };
                let id = self.resolve(&t, &w, true)?;
                self.out.syntactic_ids.push(SyntacticId { written: w, id: id.clone(), line, col });
                Value::String(id)
            }
            Node::List(items) => Value::Array(items.into_iter().map(|i| self.node_json(i)).collect::<R<_>>()?),
            Node::Obj(entries) => {
                let mut m = Map::new();
                for (k, v) in entries {
                    m.insert(k, self.node_json(v)?);
                }
                Value::Object(m)
            }
        })
    }

    fn reference_node(&self, n: &Node, what: &str, at: &Token) -> R<Value> {
        match n {
            Node::Id(w, line, col) => {
                let t = Token { tok: Tok::Word(w.clone()), line: *line, col: *col, doc: None, nl_before: false, ws_before: false, br: (*line, *col) };
                let id = self.resolve(&t, w, false)?;
                if id.contains('$') {
                    return Err(self.err_at(&t, format!("expected a shape ID for {what}, found the member ID `{w}`")));
                }
                Ok(serde_json::json!({ "target": id }))
            }
            _ => Err(self.err_at(at, format!("expected a shape ID for {what}"))),
        }
    }
    fn reference_list(&self, n: &Node, what: &str, at: &Token) -> R<Value> {
        match n {
            Node::List(items) => Ok(Value::Array(items.iter().map(|i| self.reference_node(i, what, at)).collect::<R<_>>()?)),
            _ => Err(self.err_at(at, format!("expected a list of shape IDs for {what}"))),
        }
    }

    /// `with [...]`; `next_line`: may start on a new line (inline input and output).
    fn mixins(&mut self, next_line: bool) -> R<Option<Value>> {
        if !self.is_word("with") || (self.tok().nl_before && !next_line) {
            return Ok(None);
        }
        self.v2_only(self.tok(), "`with` mixins")?;
        self.next();
        self.punct('[')?;
        let mut out = Vec::new();
        while !self.is_punct(']') {
            let id = self.shape_ref("a mixin shape ID or `]`")?;
            out.push(serde_json::json!({ "target": id }));
        }
        self.next();
        Ok(Some(Value::Array(out)))
    }

    fn shape_statement(&mut self) -> R<()> {
        let first = self.tok();
        if self.is_word("apply") {
            return self.apply();
        }
        let mut traits = self.traits()?;
        if let Some(doc) = &first.doc {
            traits.entry("smithy.api#documentation").or_insert_with(|| Value::String(doc.clone()));
        }
        let kt = self.tok();
        let kind = self.word("a shape type (`structure`, `string`, ...)")?;
        let kind_json = match kind.as_str() {
            k if SIMPLE_TYPES.contains(&k) => k,
            "enum" | "intEnum" | "list" | "set" | "map" | "structure" | "union" | "service" | "operation" | "resource" => kind.as_str(),
            "apply" => return Err(self.err_at(kt, "expected a shape type after traits, found `apply` (an `apply` statement takes no traits before it)")),
            "metadata" | "namespace" | "use" => {
                return Err(self.err_at(kt, format!("expected a shape type (`structure`, `string`, ...), found `{kind}`: `{kind}` statements come before the shapes")))
            }
            _ => return Err(self.err_at(kt, format!("expected a shape type (`structure`, `string`, ...), found `{kind}`"))),
        };
        self.same_line("the shape name")?;
        let nt = self.tok();
        let name = self.ident("a shape name")?;
        let id = format!("{}#{name}", self.namespace()?);
        let mut shape = Map::new();
        shape.insert("type".into(), Value::String(kind_json.into()));
        if matches!(kind_json, "enum" | "intEnum") {
            self.v2_only(kt, &format!("the `{kind_json}` shape"))?;
        }
        if matches!(kind_json, "structure" | "union" | "list" | "set" | "map") && self.is_word("for") && !self.tok().nl_before {
            self.v2_only(self.tok(), "binding a structure to a resource with `for`")?;
            self.next();
            let res = self.shape_ref("a resource shape ID after `for`")?;
            self.out.for_resource.insert(id.clone(), res);
        }
        let mixins = self.mixins(false)?;
        match kind_json {
            k if SIMPLE_TYPES.contains(&k) => self.br()?,
            "enum" | "intEnum" => {
                let members = self.enum_members(&id, kind_json == "intEnum", mixins.is_some())?;
                shape.insert("members".into(), Value::Object(members));
            }
            "list" | "set" | "map" | "structure" | "union" => {
                let members = self.members(&id)?;
                match kind_json {
                    "list" | "set" => {
                        for (k, v) in members {
                            if k != "member" {
                                return Err(self.err_at(nt, format!("a {kind_json} has only the member `member`, not `{k}`")));
                            }
                            shape.insert(k, v);
                        }
                        if !shape.contains_key("member") && mixins.is_none() {
                            return Err(self.err_at(nt, format!("expected the {kind_json} `{name}` to have a `member`")));
                        }
                    }
                    "map" => {
                        for (k, v) in members {
                            if k != "key" && k != "value" {
                                return Err(self.err_at(nt, format!("a map has only the members `key` and `value`, not `{k}`")));
                            }
                            shape.insert(k, v);
                        }
                        if (!shape.contains_key("key") || !shape.contains_key("value")) && mixins.is_none() {
                            return Err(self.err_at(nt, format!("expected the map `{name}` to have a `key` and a `value`")));
                        }
                    }
                    _ => {
                        shape.insert("members".into(), Value::Object(members));
                    }
                }
            }
            "service" => self.service_body(&mut shape)?,
            "resource" => self.resource_body(&mut shape)?,
            "operation" => self.operation_body(&name, &mut shape)?,
            _ => unreachable!("kind_json is one of the matched kinds"),
        }
        if let Some(m) = mixins {
            shape.insert("mixins".into(), m);
        }
        if !traits.is_empty() {
            shape.insert("traits".into(), Value::Object(traits));
        }
        self.define(nt, &id, Value::Object(shape))
    }

    fn apply(&mut self) -> R<()> {
        self.next();
        let t = self.tok();
        let target = self.shape_ref("the shape ID to apply traits to")?;
        let traits = if self.is_punct('{') {
            if !self.tok().ws_before {
                return Err(self.err_at(self.tok(), "expected a space between the `apply` target and `{`"));
            }
            self.next();
            let traits = self.traits()?;
            self.punct('}')?;
            traits
        } else {
            if !self.is_punct('@') {
                return Err(self.expected("a trait (`@name`) or `{` after `apply` and its target"));
            }
            self.traits_upto(1)?
        };
        self.br()?;
        if !self.collect_only {
            self.out.applied_at.push((target.clone(), (t.line, t.col)));
        }
        self.out.applies.push((target, traits));
        Ok(())
    }

    fn enum_members(&mut self, id: &str, int: bool, has_mixins: bool) -> R<Map<String, Value>> {
        self.punct('{')?;
        let mut out = Map::new();
        while !self.is_punct('}') {
            let first = self.tok();
            let mut traits = self.traits()?;
            if let Some(doc) = &first.doc {
                traits.entry("smithy.api#documentation").or_insert_with(|| Value::String(doc.clone()));
            }
            let t = self.tok();
            let name = self.ident("an enum member name or `}`")?;
            if self.is_punct('=') {
                self.same_line("the `=` of the value")?;
                self.next();
                self.same_line("the enum value")?;
                let vt = self.tok();
                let v = self.node()?;
                if !self.is_punct('}') {
                    self.br()?;
                }
                let v = match (int, v) {
                    (false, Node::Str(s)) => Value::String(s),
                    (true, Node::Num(n)) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => n,
                    _ => return Err(self.err_at(vt, if int { "expected an integer intEnum value" } else { "expected a string enum value" })),
                };
                traits.insert("smithy.api#enumValue".into(), v);
            } else if int && !has_mixins && !traits.contains_key("smithy.api#enumValue") {
                return Err(self.err_at(t, format!("expected `= <integer>` after the intEnum member `{name}`")));
            } else if !traits.contains_key("smithy.api#enumValue") {
                // With mixins the value may come from a mixin's member of the same name: decided
                // once all files are read.
                let key = if has_mixins { IMPLIED_ENUM_VALUE } else { "smithy.api#enumValue" };
                traits.insert(key.into(), Value::String(name.clone()));
            }
            if out.contains_key(&name) {
                return Err(self.err_at(t, format!("the member `{name}` is defined twice")));
            }
            self.at(format!("{id}${name}"), t);
            let mut m = Map::new();
            m.insert("target".into(), Value::String("smithy.api#Unit".into()));
            if !traits.is_empty() {
                m.insert("traits".into(), Value::Object(traits));
            }
            out.insert(name, Value::Object(m));
        }
        self.next();
        Ok(out)
    }

    /// `{ name: Target = default, $elided, ... }`.
    fn members(&mut self, id: &str) -> R<Map<String, Value>> {
        self.punct('{')?;
        let mut out = Map::new();
        while !self.is_punct('}') {
            let first = self.tok();
            let mut traits = self.traits()?;
            if let Some(doc) = &first.doc {
                traits.entry("smithy.api#documentation").or_insert_with(|| Value::String(doc.clone()));
            }
            let elided = self.is_punct('$');
            let written = self.tok();
            if elided {
                self.v2_only(written, "an elided member target (`$name`)")?;
                self.next();
            }
            let t = self.tok();
            let name = self.ident("a member name or `}`")?;
            let target = if elided {
                ELIDED.to_string()
            } else {
                self.punct(':')?;
                let tt = self.tok();
                let target = self.shape_ref("the member's target shape ID")?;
                if target.contains('$') {
                    return Err(self.err_at(tt, format!("expected a shape ID as the member target, found the member ID `{target}`")));
                }
                target
            };
            if self.is_punct('=') {
                self.same_line("the `=` of the default value")?;
                self.v2_only(self.tok(), "a default value (`= value`)")?;
                self.next();
                self.same_line("the default value")?;
                let n = self.node()?;
                if !self.is_punct('}') {
                    self.br()?;
                }
                traits.insert("smithy.api#default".into(), self.node_json(n)?);
            }
            if out.contains_key(&name) {
                return Err(self.err_at(t, format!("the member `{name}` is defined twice")));
            }
            self.at(format!("{id}${name}"), written);
            let mut m = Map::new();
            m.insert("target".into(), Value::String(target));
            if !traits.is_empty() {
                m.insert("traits".into(), Value::Object(traits));
            }
            out.insert(name, Value::Object(m));
        }
        self.next();
        Ok(out)
    }

    fn service_body(&mut self, shape: &mut Map<String, Value>) -> R<()> {
        let at = self.tok();
        self.punct('{')?;
        for (key, n) in self.object_entries('}')? {
            let v = match key.as_str() {
                "version" => match n {
                    Node::Str(s) => Value::String(s),
                    _ => return Err(self.err_at(at, "expected a string for the service `version`")),
                },
                "operations" | "resources" | "errors" => self.reference_list(&n, &format!("service `{key}`"), at)?,
                "rename" => match n {
                    Node::Obj(entries) => {
                        let mut m = Map::new();
                        for (k, v) in entries {
                            let Node::Str(s) = v else { return Err(self.err_at(at, "expected string values in the service `rename`")) };
                            m.insert(k, Value::String(s));
                        }
                        Value::Object(m)
                    }
                    _ => return Err(self.err_at(at, "expected an object for the service `rename`")),
                },
                other => return Err(self.err_at(at, format!("expected a service property (version, operations, resources, errors, rename), found `{other}`"))),
            };
            shape.insert(key, v);
        }
        Ok(())
    }

    fn resource_body(&mut self, shape: &mut Map<String, Value>) -> R<()> {
        let at = self.tok();
        self.punct('{')?;
        for (key, n) in self.object_entries('}')? {
            let v = match key.as_str() {
                "properties" if self.v1() => return Err(self.err_at(at, "resource `properties` need `$version: \"2.0\"`; this file is IDL 1.0")),
                "identifiers" | "properties" => match &n {
                    Node::Obj(entries) => {
                        let mut m = Map::new();
                        for (k, v) in entries {
                            m.insert(k.clone(), self.reference_node(v, &format!("resource `{key}`"), at)?);
                        }
                        Value::Object(m)
                    }
                    _ => return Err(self.err_at(at, format!("expected an object for the resource `{key}`"))),
                },
                "create" | "put" | "read" | "update" | "delete" | "list" => self.reference_node(&n, &format!("resource `{key}`"), at)?,
                "operations" | "collectionOperations" | "resources" => self.reference_list(&n, &format!("resource `{key}`"), at)?,
                other => return Err(self.err_at(at, format!("expected a resource property, found `{other}`"))),
            };
            shape.insert(key, v);
        }
        Ok(())
    }

    fn operation_body(&mut self, op: &str, shape: &mut Map<String, Value>) -> R<()> {
        self.punct('{')?;
        while !self.is_punct('}') {
            let t = self.tok();
            let key = self.ident("an operation property (input, output, errors) or `}`")?;
            if shape.contains_key(&key) {
                return Err(self.err_at(t, format!("the operation property `{key}` is given twice")));
            }
            if self.tok().tok == Tok::Walrus {
                if key != "input" && key != "output" {
                    return Err(self.err_at(self.tok(), format!("expected `:` after `{key}`, found `:=` (only `input` and `output` can be defined inline)")));
                }
                self.v2_only(t, "inline operation input and output (`:=`)")?;
                self.next();
                let first = self.tok();
                let mut traits = self.traits()?;
                if let Some(doc) = &first.doc {
                    traits.entry("smithy.api#documentation").or_insert_with(|| Value::String(doc.clone()));
                }
                traits.insert(format!("smithy.api#{key}"), Value::Object(Map::new()));
                let suffix = if key == "input" { &self.input_suffix } else { &self.output_suffix };
                let id = format!("{}#{op}{suffix}", self.namespace()?);
                if self.is_word("for") {
                    self.next();
                    let res = self.shape_ref("a resource shape ID after `for`")?;
                    self.out.for_resource.insert(id.clone(), res);
                }
                let mixins = self.mixins(true)?;
                let members = self.members(&id)?;
                let mut s = Map::new();
                s.insert("type".into(), Value::String("structure".into()));
                s.insert("members".into(), Value::Object(members));
                if let Some(m) = mixins {
                    s.insert("mixins".into(), m);
                }
                s.insert("traits".into(), Value::Object(traits));
                self.define(t, &id, Value::Object(s))?;
                shape.insert(key, serde_json::json!({ "target": id }));
                continue;
            }
            self.punct(':')?;
            let vt = self.tok();
            let n = self.node()?;
            let v = match key.as_str() {
                "input" | "output" => self.reference_node(&n, &format!("operation `{key}`"), vt)?,
                "errors" => self.reference_list(&n, "operation `errors`", vt)?,
                other => return Err(self.err_at(t, format!("expected an operation property (input, output, errors), found `{other}`"))),
            };
            shape.insert(key, v);
        }
        self.next();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        to_json(&[("t.smithy".into(), text.into())]).unwrap().remove(0)
    }

    #[test]
    fn reads_structures_traits_and_defaults() {
        let v = json(
            "$version: \"2.0\"\nnamespace a.b\n/// Docs\n@tags([\"x\"])\nstructure S {\n @required a: String = \"x\"\n b: T }\nstructure T {}\n",
        );
        let s = &v["shapes"]["a.b#S"];
        assert_eq!(s["traits"]["smithy.api#documentation"], "Docs");
        assert_eq!(s["members"]["a"]["target"], "smithy.api#String");
        assert_eq!(s["members"]["a"]["traits"]["smithy.api#required"], serde_json::json!({}));
        assert_eq!(s["members"]["a"]["traits"]["smithy.api#default"], "x");
        assert_eq!(s["members"]["b"]["target"], "a.b#T");
    }

    #[test]
    fn text_blocks_strip_indentation() {
        let v = json("namespace a\n@documentation(\"\"\"\n    Hello\n      World\n    \"\"\")\nstring S\n");
        assert_eq!(v["shapes"]["a#S"]["traits"]["smithy.api#documentation"], "Hello\n  World\n");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = format!("metadata a = {}\n", "[".repeat(100_000));
        let e = to_json(&[("d.smithy".into(), text)]).unwrap_err();
        assert!(e.to_string().contains("nested at most"), "{e}");
    }

    #[test]
    fn elided_members_take_resource_identifiers() {
        let v = json("$version: \"2\"\nnamespace a\nresource R { identifiers: { id: String } }\nstructure S for R { $id }\n");
        assert_eq!(v["shapes"]["a#S"]["members"]["id"]["target"], "smithy.api#String");
    }

    #[test]
    fn inline_io_uses_the_suffix_control_statements() {
        let v = json("$version: \"2.0\"\n$operationInputSuffix: \"Request\"\n$operationOutputSuffix: \"Response\"\nnamespace a\noperation Op {\n input := {\n a: String\n }\n output := @sensitive {}\n}\n");
        assert_eq!(v["shapes"]["a#Op"]["input"]["target"], "a#OpRequest");
        assert_eq!(v["shapes"]["a#OpRequest"]["traits"]["smithy.api#input"], serde_json::json!({}));
        assert_eq!(v["shapes"]["a#OpResponse"]["traits"]["smithy.api#sensitive"], serde_json::json!({}));
        assert_eq!(v["shapes"]["a#OpResponse"]["traits"]["smithy.api#output"], serde_json::json!({}));
    }

    #[test]
    fn resolution_prefers_use_then_namespace_then_prelude() {
        let v = json("$version: \"2.0\"\nnamespace a\nuse b#Thing\nstructure S {\n x: Thing\n y: String\n z: Integer\n}\nstring Integer\n@references([{resource: S}])\nstring R\n");
        let m = &v["shapes"]["a#S"]["members"];
        assert_eq!((m["x"]["target"].as_str(), m["y"]["target"].as_str(), m["z"]["target"].as_str()), (Some("b#Thing"), Some("smithy.api#String"), Some("a#Integer")));
        assert_eq!(v["shapes"]["a#R"]["traits"]["smithy.api#references"][0]["resource"], "a#S");
    }

    #[test]
    fn strings_escapes_and_text_blocks() {
        let v = json("metadata m = [\"a\\n\\u00e9\\\"\", \"\"\"\n  x \\\"\"\"\n  \\ty\n  \"\"\", -1.5e2, null, true]\nnamespace a\n");
        assert_eq!(v["metadata"]["m"], serde_json::json!(["a\n\u{e9}\"", "x \"\"\"\n\ty\n", -150.0, null, true]));
    }

    #[test]
    fn idl_2_features_are_rejected_in_1_0_files() {
        for text in [
            "namespace a\nenum E { A }\n",
            "$version: \"1.0\"\nnamespace a\nstructure S {\n a: String = \"x\"\n}\n",
            "namespace a\noperation O {\n input := {}\n}\n",
            "namespace a\n@mixin\nstructure M {}\n",
        ] {
            let e = to_json(&[("v1.smithy".into(), text.into())]).expect_err(text);
            assert!(e.to_string().contains("IDL 1.0"), "{text}: {e}");
        }
    }

    #[test]
    fn apply_block_and_single() {
        let v = json("$version: \"2.0\"\nnamespace a\nstructure S {\n m: String\n}\napply S {\n @sensitive\n @tags([\"t\"])\n}\napply S$m @required\napply other#X @deprecated\n");
        let s = &v["shapes"]["a#S"];
        assert_eq!(s["traits"]["smithy.api#tags"], serde_json::json!(["t"]));
        assert_eq!(s["members"]["m"]["traits"]["smithy.api#required"], serde_json::json!({}));
        assert_eq!(v["shapes"]["other#X"], serde_json::json!({"type": "apply", "traits": {"smithy.api#deprecated": {}}}));
    }

    /// Unquoted node values are shape IDs (the specification's "syntactic shape IDs"): resolved
    /// like any relative shape ID (forward references, `use`, prelude; `smithy.api` in metadata),
    /// and one that names no shape is an error at its position unless suppressed.
    #[test]
    fn syntactic_shape_ids_resolve_or_fail() {
        let v = json("$version: \"2\"\nmetadata m = [required, true, false, null]\nnamespace a\nuse b#Other\n@tags([Later, String, Other, a#Later$x])\nstring S\nstructure Later { x: String }\nstring Other2\n");
        assert_eq!(v["metadata"]["m"], serde_json::json!(["smithy.api#required", true, false, null]));
        assert_eq!(v["shapes"]["a#S"]["traits"]["smithy.api#tags"], serde_json::json!(["a#Later", "smithy.api#String", "b#Other", "a#Later$x"]));

        let e = to_json(&[("t.smithy".into(), "namespace a\n@tags([Missing])\nstring S\n".into())]).unwrap_err();
        assert_eq!(e.to_string(), "t.smithy:2:8: the shape ID `Missing` (read as `a#Missing`) names no shape of the model: quote it if it is meant as a string (unquoted values are shape IDs)");
        // An identifier that starts with a keyword is an identifier, not the keyword.
        let e = to_json(&[("t.smithy".into(), "$version: \"2\"\nmetadata foo = [truefalse]\n".into())]).unwrap_err();
        assert!(e.to_string().starts_with("t.smithy:2:17: the shape ID `truefalse` (read as `smithy.api#truefalse`) names no shape"), "{e}");
        let e = to_json(&[("t.smithy".into(), "$version: \"2\"\nnamespace a\nstructure S {\n    @required\n    x: String = nulll\n}\n".into())]).unwrap_err();
        assert!(e.to_string().starts_with("t.smithy:5:17: the shape ID `nulll` (read as `a#nulll`)"), "{e}");

        // Suppressed as the specification allows (a DANGER event); shapes of namespaces that no
        // file read defines (dependencies such as the AWS traits) are not checked.
        let v = json("metadata suppressions = [{id: \"SyntacticShapeIdTarget\", namespace: \"*\"}]\nnamespace a\n@tags([Missing])\nstring S\n");
        assert_eq!(v["shapes"]["a#S"]["traits"]["smithy.api#tags"], serde_json::json!(["a#Missing"]));
        let v = json("namespace a\nuse aws.protocols#restJson1\n@tags([restJson1, aws.api#service])\nstring S\n");
        assert_eq!(v["shapes"]["a#S"]["traits"]["smithy.api#tags"], serde_json::json!(["aws.protocols#restJson1", "aws.api#service"]));
        // ... but they are once that namespace is read.
        let e = to_json(&[("t.smithy".into(), "namespace a\n@tags([b#Gone])\nstring S\n".into()), ("u.smithy".into(), "namespace b\nstring Here\n".into())]).unwrap_err();
        assert!(e.to_string().starts_with("t.smithy:2:8: the shape ID `b#Gone` names no shape"), "{e}");
        // Shapes of the model's other (JSON AST) files count.
        let v = to_json_among(&[("t.smithy".into(), "namespace a\n@tags([InJson])\nstring S\n".into())], &["a#InJson"]).unwrap();
        assert_eq!(v[0]["shapes"]["a#S"]["traits"]["smithy.api#tags"], serde_json::json!(["a#InJson"]));
    }

    /// Positions as the reference gives them: line breaks where they start, the offending
    /// character inside a word, the end of the file for unclosed strings, and a syntax error
    /// before text the lexer cannot read reported first.
    #[test]
    fn errors_point_where_the_reference_does() {
        for (text, want) in [
            ("$version\n: \"2\"\n", "f.smithy:1:9: expected `:` on the same line, found a line break"),
            ("namespace\n  a\n", "f.smithy:1:10: expected the namespace on the same line, found a line break"),
            ("namespace a\nstring Not..Valid\n", "f.smithy:2:11: expected a shape name, found `Not..Valid`, which is not an identifier: `.` is not allowed there"),
            ("namespace a\nuse smithy.api\n", "f.smithy:2:15: expected an absolute shape ID (`ns#Name`), found `smithy.api`: it ends too early"),
            ("namespace a\n@documentation(\"x)\n", "f.smithy:3:1: expected the closing `\"` of the string opened at 2:16, found the end of the file"),
            ("metadatafoo\"=\"bar\"\n", "f.smithy:1:1: expected a `namespace` statement, found `metadatafoo`"),
        ] {
            let e = to_json(&[("f.smithy".into(), text.into())]).expect_err(text).to_string();
            assert!(e.starts_with(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn errors_name_the_position() {
        let e = to_json(&[("f.smithy".into(), "namespace a\nstructure S { a: }".into())]).unwrap_err();
        assert_eq!(e.to_string(), "f.smithy:2:18: expected the member's target shape ID, found `}`");
    }
}
