//! Hostile responses: mutations of valid sample responses (and a few built from nothing) as a
//! broken or malicious server could send them. Bodies are mutated with knowledge of their
//! format (JSON nodes, XML elements) and blindly (truncation, flipped bytes, invalid UTF-8);
//! headers, status codes and the transport are mutated too.

use crate::harness::{Codec, Failure, Sample, Script};
use crate::rng::Rng;
use serde_json::Value;

/// The nesting depth of the deep documents (JSON arrays/objects, XML elements).
pub const DEEP: usize = 10_000;

/// What a mutation did, for the per-kind counts of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mutation {
    /// The sample as the model describes it.
    Unmutated,
    Truncated,
    FlippedBytes,
    InvalidUtf8,
    Garbage,
    EmptyBody,
    DuplicatedSlice,
    LargeBody,
    /// A JSON node replaced by a value of another type.
    WrongType,
    /// A JSON or XML number out of every range (`1e999`, 20-digit integers...).
    HugeNumber,
    /// 10,000 levels of JSON arrays/objects or XML elements.
    DeepNesting,
    DuplicateKey,
    /// Invalid JSON string escapes or XML character references and entities.
    InvalidEscape,
    BadTimestamp,
    BadBase64,
    /// A removed JSON member or XML element.
    MissingMember,
    /// An XML document with an internal DTD defining nested entities (billion laughs).
    BillionLaughs,
    /// An XML document whose DTD declares an external entity.
    ExternalEntity,
    /// Mismatched or unclosed tags, undeclared prefixes, comments, CDATA, attributes.
    MalformedXml,
    /// The document moved into another protocol's error wrapper: ec2Query's
    /// `<Response><Errors><Error>`, awsQuery's `<ErrorResponse>`, S3's bare `<Error>` (also in
    /// a 200, as S3 sends for a failed copy).
    ErrorWrapper,
    /// `Content-Length` far beyond the body (or negative, or not a number).
    HugeContentLength,
    /// Header values with non-ASCII bytes, tabs, very long values, duplicates.
    HostileHeader,
    /// A header bound to an output or error member given a hostile value.
    BoundHeader,
    /// The request id header missing, duplicated or not text.
    RequestIdHeader,
    /// Error-code headers with odd values (`x-amzn-errortype`, `x-amzn-query-error`).
    ErrorCodeHeader,
    ManyHeaders,
    /// A random status code (100-999), or a success status on an error body and vice versa.
    Status,
    /// The transport fails (connect, I/O or timeout) instead of answering.
    Transport,
}

impl Mutation {
    pub fn name(self) -> &'static str {
        match self {
            Mutation::Unmutated => "unmutated sample",
            Mutation::Truncated => "truncated body",
            Mutation::FlippedBytes => "flipped bytes",
            Mutation::InvalidUtf8 => "invalid UTF-8",
            Mutation::Garbage => "random garbage body",
            Mutation::EmptyBody => "empty body",
            Mutation::DuplicatedSlice => "duplicated slice",
            Mutation::LargeBody => "large body (MiBs)",
            Mutation::WrongType => "wrong type",
            Mutation::HugeNumber => "huge number",
            Mutation::DeepNesting => "deep nesting (10k levels)",
            Mutation::DuplicateKey => "duplicate key/element",
            Mutation::InvalidEscape => "invalid escape/entity",
            Mutation::BadTimestamp => "bad timestamp",
            Mutation::BadBase64 => "bad base64",
            Mutation::MissingMember => "missing member",
            Mutation::BillionLaughs => "billion laughs DTD",
            Mutation::ExternalEntity => "external entity DTD",
            Mutation::MalformedXml => "malformed XML",
            Mutation::ErrorWrapper => "other error wrappers",
            Mutation::HugeContentLength => "huge Content-Length",
            Mutation::HostileHeader => "hostile header values",
            Mutation::BoundHeader => "hostile bound header",
            Mutation::RequestIdHeader => "request id header",
            Mutation::ErrorCodeHeader => "error code header",
            Mutation::ManyHeaders => "many headers",
            Mutation::Status => "random status",
            Mutation::Transport => "transport failure",
        }
    }
}

const HUGE_NUMBERS: &[&str] = &[
    "1e999",
    "-1e999",
    "18446744073709551616",
    "-9223372036854775809",
    "9223372036854775808",
    "2147483648",
    "-2147483649",
    "256",
    "-129",
    "32768",
    "123456789012345678901234567890.5e10",
    "1.7976931348623157e309",
    "4.9e-325",
    "-0",
    "0.1e-99999",
    "1e-400",
    "100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "3.4028236e38",
    "1e20",
    "-1e20",
    "253402300800",
    "-62135596801",
    "9007199254740993",
];

const WRONG_TYPES: &[&str] = &["true", "false", "null", "[]", "{}", "\"text\"", "42", "-1", "1.5", "[1,\"a\",null]", "{\"a\":{}}", "\"\""];

const BAD_JSON_STRINGS: &[&str] = &[
    "\"\\u12\"",
    "\"\\ud800\"",
    "\"\\udc00\\ud800\"",
    "\"\\x41\"",
    "\"\\u0000\"",
    "\"\\\"",
    "\"\\uD83D\\uDE00\"",
    "\"\\uZZZZ\"",
    "\"\\",
    "\"a\u{1}b\"",
    "\"\\/\\b\\f\\n\\r\\t\"",
    "NaN",
    "Infinity",
    "\"NaN\"",
    "\"-Infinity\"",
    "\"1e999\"",
];

const BAD_TIMESTAMPS: &[&str] = &[
    "2023-13-45T99:99:99Z",
    "+275760-09-13T00:00:00Z",
    "9999999999-01-01T00:00:00Z",
    "0000-00-00T00:00:00Z",
    "2023-11-14T22:13:20.99999999999999999999Z",
    "2023-11-14T22:13:20+25:00",
    "2023-11-14",
    "Tue, 99 Nov 2023 25:61:61 GMT",
    "Xyz, 14 Nov 2023 22:13:20 GMT",
    "1e20",
    "-1e20",
    "1700000000.9999999999999",
    "",
    "   ",
];

const BAD_BASE64: &[&str] = &["!!!", "abc", "====", "a===", "Zm9v\u{0}YmFy", "%%%%", "Zg", "Z"];

const XML_BAD_TEXT: &[&str] = &[
    "&#0;",
    "&#xD800;",
    "&#x110000;",
    "&#99999999999999999999;",
    "&#x;",
    "&unknown;",
    "&amp",
    "&;",
    "]]>",
    "<![CDATA[cdata]]>",
    "<!-- c -->",
    "<?pi x?>",
    "a<b",
    "&lt;&gt;&amp;&quot;&apos;",
];

/// Makes one hostile response from `sample`.
pub fn mutate(sample: &Sample, codec: Codec, rng: &mut Rng) -> (Script, Mutation) {
    let mut script = sample.script();
    let first = apply_one(&mut script, sample, codec, rng);
    // Sometimes stack a second and third mutation (a broken body with odd headers...).
    for _ in 0..2 {
        if rng.chance(25) {
            apply_one(&mut script, sample, codec, rng);
        }
    }
    (script, first)
}

fn apply_one(script: &mut Script, sample: &Sample, codec: Codec, rng: &mut Rng) -> Mutation {
    match rng.below(100) {
        0..=44 => {
            let (body, m) = if codec.is_xml() { xml_mutation(&script.body, rng) } else { json_mutation(&script.body, rng) };
            script.body = body;
            m
        }
        45..=64 => {
            let (body, m) = blind_mutation(&script.body, rng);
            script.body = body;
            m
        }
        65..=84 => header_mutation(script, sample, rng),
        85..=96 => {
            script.status = match rng.below(4) {
                0 if sample.error.is_some() => 200,
                0 => *rng.pick(&[400, 500, 503, 404, 429]),
                1 => *rng.pick(&[100, 101, 199, 204, 206, 299, 300, 301, 304, 399, 418, 499, 501, 599, 600, 999]),
                _ => 100 + rng.below(900) as u16,
            };
            Mutation::Status
        }
        _ => {
            script.failure = Some(*rng.pick(&[Failure::Connect, Failure::Io, Failure::Timeout]));
            Mutation::Transport
        }
    }
}

// ---- blind body mutations ----

fn blind_mutation(body: &[u8], rng: &mut Rng) -> (Vec<u8>, Mutation) {
    let mut b = body.to_vec();
    match rng.below(8) {
        0 => {
            b.truncate(rng.below(b.len().max(1)));
            (b, Mutation::Truncated)
        }
        1 => {
            for _ in 0..1 + rng.below(8) {
                if !b.is_empty() {
                    let i = rng.below(b.len());
                    b[i] = rng.byte();
                }
            }
            (b, Mutation::FlippedBytes)
        }
        2 => {
            let bad: &[&[u8]] = &[b"\xff", b"\xc3\x28", b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\xfe\xff"];
            let i = rng.below(b.len() + 1);
            let ins = rng.pick(bad);
            b.splice(i..i, ins.iter().copied());
            (b, Mutation::InvalidUtf8)
        }
        3 => {
            let n = rng.below(512);
            ((0..n).map(|_| rng.byte()).collect(), Mutation::Garbage)
        }
        4 => (Vec::new(), Mutation::EmptyBody),
        5 if !b.is_empty() => {
            let start = rng.below(b.len());
            let end = start + rng.below(b.len() - start + 1);
            let slice = b[start..end].to_vec();
            let at = rng.below(b.len() + 1);
            b.splice(at..at, slice);
            (b, Mutation::DuplicatedSlice)
        }
        6 if rng.chance(30) => {
            // Megabytes of whitespace before the document, or the document repeated.
            let mut big = vec![b' '; (1 + rng.below(4)) << 20];
            big.extend_from_slice(&b);
            (big, Mutation::LargeBody)
        }
        _ => {
            let mut b = b;
            b.truncate(rng.below(b.len().max(1)));
            (b, Mutation::Truncated)
        }
    }
}

// ---- JSON ----

/// Marker replaced by raw (possibly invalid) JSON text after serialising.
const MARKER: &str = "__hostile_marker__";

fn json_paths(v: &Value, path: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(path.clone());
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathStep::Index(i));
                json_paths(item, path, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                path.push(PathStep::Key(k.clone()));
                json_paths(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Index(usize),
    Key(String),
}

fn node_mut<'v>(v: &'v mut Value, path: &[PathStep]) -> Option<&'v mut Value> {
    let mut cur = v;
    for step in path {
        cur = match (step, cur) {
            (PathStep::Index(i), Value::Array(items)) => items.get_mut(*i)?,
            (PathStep::Key(k), Value::Object(map)) => map.get_mut(k)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn deep_json(rng: &mut Rng, closed: bool) -> String {
    let (open, close) = if rng.chance(50) { ("[", "]") } else { ("{\"a\":", "}") };
    let mut s = open.repeat(DEEP);
    s.push('1');
    if closed {
        s.push_str(&close.repeat(DEEP));
    }
    s
}

/// Replaces one node of the document with raw text.
fn replace_node(doc: &Value, path: &[PathStep], raw: &str) -> Vec<u8> {
    let mut doc = doc.clone();
    match node_mut(&mut doc, path) {
        Some(node) => *node = Value::String(MARKER.into()),
        None => return raw.as_bytes().to_vec(),
    }
    doc.to_string().replacen(&format!("\"{MARKER}\""), raw, 1).into_bytes()
}

fn json_mutation(body: &[u8], rng: &mut Rng) -> (Vec<u8>, Mutation) {
    let doc: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        // Not JSON (an empty body, a blob payload): mutate blindly.
        Err(_) => return blind_mutation(body, rng),
    };
    let mut paths = Vec::new();
    json_paths(&doc, &mut Vec::new(), &mut paths);
    let path = rng.pick(&paths).clone();
    match rng.below(10) {
        0 | 1 => (replace_node(&doc, &path, rng.text(WRONG_TYPES)), Mutation::WrongType),
        2 => (replace_node(&doc, &path, rng.text(HUGE_NUMBERS)), Mutation::HugeNumber),
        3 => {
            let closed = rng.chance(80);
            let deep = deep_json(rng, closed);
            (replace_node(&doc, &path, &deep), Mutation::DeepNesting)
        }
        4 => (replace_node(&doc, &path, rng.text(BAD_JSON_STRINGS)), Mutation::InvalidEscape),
        5 => {
            let raw = if rng.chance(50) { format!("\"{}\"", rng.text(BAD_TIMESTAMPS)) } else { rng.text(HUGE_NUMBERS).to_string() };
            (replace_node(&doc, &path, &raw), Mutation::BadTimestamp)
        }
        6 => (replace_node(&doc, &path, &format!("\"{}\"", rng.text(BAD_BASE64).replace('\u{0}', "\\u0000"))), Mutation::BadBase64),
        7 => {
            // Duplicate keys: the object at (or above) the node gets a second copy of a key.
            let mut obj_path = path.clone();
            let mut doc2 = doc.clone();
            loop {
                if let Some(Value::Object(map)) = node_mut(&mut doc2, &obj_path) {
                    let key = map.keys().next().cloned().unwrap_or_else(|| "__type".into());
                    let text = Value::Object(map.clone()).to_string();
                    let first_value = map.get(&key).map(|v| v.to_string()).unwrap_or_else(|| "1".into());
                    let extra = format!("\"{}\":{}", key.replace('"', "\\\""), rng.text(WRONG_TYPES));
                    let dup = if text == "{}" {
                        format!("{{\"{key}\":{first_value},{extra}}}")
                    } else {
                        format!("{},{extra}}}", &text[..text.len() - 1])
                    };
                    return (replace_node(&doc, &obj_path, &dup), Mutation::DuplicateKey);
                }
                if obj_path.pop().is_none() {
                    return (replace_node(&doc, &[], "{\"a\":1,\"a\":2}"), Mutation::DuplicateKey);
                }
            }
        }
        8 => {
            // Remove a member.
            let mut doc = doc.clone();
            if let Some((PathStep::Key(k), parent)) = path.split_last() {
                if let Some(Value::Object(map)) = node_mut(&mut doc, parent) {
                    map.remove(k);
                }
            }
            (doc.to_string().into_bytes(), Mutation::MissingMember)
        }
        _ => {
            // A huge string or array (allocation pressure), or a string with raw invalid UTF-8.
            if rng.chance(50) {
                let mut bytes = replace_node(&doc, &path, "\"\u{1}\"");
                if let Some(i) = bytes.iter().position(|b| *b == 1) {
                    bytes.splice(i..i + 1, [0xff, 0xfe, 0xc3, 0x28]);
                }
                (bytes, Mutation::InvalidUtf8)
            } else if rng.chance(50) {
                let raw = format!("\"{}\"", "a".repeat(1 << 20));
                (replace_node(&doc, &path, &raw), Mutation::LargeBody)
            } else {
                let raw = format!("[{}1]", "1,".repeat(100_000));
                (replace_node(&doc, &path, &raw), Mutation::LargeBody)
            }
        }
    }
}

// ---- XML ----

/// Byte offsets of start tags (`<Name` not followed by `/`, `?` or `!`) and their names.
fn start_tags(text: &str) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' && i + 1 < bytes.len() && !matches!(bytes[i + 1], b'/' | b'?' | b'!') {
            let end = text[i + 1..].find(['>', ' ', '/']).map(|e| i + 1 + e).unwrap_or(bytes.len());
            out.push((i, text[i + 1..end].to_string()));
        }
        i += 1;
    }
    out
}

/// The byte range of the element starting at `start` named `name` (through its end tag).
fn element_range(text: &str, start: usize, name: &str) -> Option<(usize, usize)> {
    let close = format!("</{name}>");
    let open_end = start + text[start..].find('>')? + 1;
    if text[..open_end].ends_with("/>") {
        return Some((start, open_end));
    }
    let end = open_end + text[open_end..].find(&close)? + close.len();
    Some((start, end))
}

/// The content range (between `>` and `</`) of a leaf element.
fn leaf_text_range(text: &str, start: usize, name: &str) -> Option<(usize, usize)> {
    let (_, end) = element_range(text, start, name)?;
    let open_end = start + text[start..].find('>')? + 1;
    let close_start = end.checked_sub(name.len() + 3)?;
    if close_start < open_end || text[open_end..close_start].contains('<') {
        return None;
    }
    Some((open_end, close_start))
}

const BILLION_LAUGHS: &str = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\"><!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\"><!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\"><!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\"><!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\"><!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\"><!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>";

const EXTERNAL_ENTITIES: &[&str] = &[
    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>",
    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/evil.dtd\">%p;]>",
    "<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"http://127.0.0.1:9/evil.dtd\">",
    "<?xml version=\"1.0\"?><!DOCTYPE r PUBLIC \"-//x//y\" \"file:///dev/random\">",
];

fn xml_mutation(body: &[u8], rng: &mut Rng) -> (Vec<u8>, Mutation) {
    let Ok(text) = std::str::from_utf8(body) else { return blind_mutation(body, rng) };
    let tags = start_tags(text);
    if tags.is_empty() {
        return blind_mutation(body, rng);
    }
    let (start, name) = rng.pick(&tags).clone();
    let leaves: Vec<(usize, usize)> = tags.iter().filter_map(|(s, n)| leaf_text_range(text, *s, n)).collect();
    let replace = |range: (usize, usize), with: &str| -> Vec<u8> {
        let mut s = String::with_capacity(text.len() + with.len());
        s.push_str(&text[..range.0]);
        s.push_str(with);
        s.push_str(&text[range.1..]);
        s.into_bytes()
    };
    let content_pos = start + text[start..].find('>').map(|i| i + 1).unwrap_or(0);
    let leaf = if leaves.is_empty() { (content_pos, content_pos) } else { *rng.pick(&leaves) };
    // Documents start after an optional declaration; a DTD goes before the root element.
    let root = tags[0].0;
    let after_decl = |doc: &str| -> Vec<u8> { format!("{}{}", doc, &text[root..]).into_bytes() };
    match rng.below(14) {
        13 => {
            let code = rng.text(&["InternalError", "Throttling", "SlowDown", "NoSuchKey", "RequestTimeTooSkewed", "", "&#0;"]);
            let inner = format!("<Code>{code}</Code><Message>m</Message>{}", &text[root..]);
            let doc = match rng.below(3) {
                0 => format!("<Response><Errors><Error>{inner}</Error></Errors><RequestID>r</RequestID></Response>"),
                1 => format!("<ErrorResponse><Errors><Error>{inner}</Error></Errors></ErrorResponse>"),
                _ => format!("<?xml version=\"1.0\"?>\n<Error>{inner}</Error>"),
            };
            (doc.into_bytes(), Mutation::ErrorWrapper)
        }
        0 => (replace(leaf, rng.text(HUGE_NUMBERS)), Mutation::HugeNumber),
        1 => (replace(leaf, rng.text(&["abc", "", "  ", "true", "1.5", "-", "0x10", "NaN", "Infinity", "1,000"])), Mutation::WrongType),
        2 => {
            let open = "<a>".repeat(DEEP);
            let nested = if rng.chance(80) { format!("{open}{}", "</a>".repeat(DEEP)) } else { open };
            (replace((content_pos, content_pos), &nested), Mutation::DeepNesting)
        }
        3 => (replace(leaf, rng.text(XML_BAD_TEXT)), Mutation::InvalidEscape),
        4 => (replace(leaf, rng.text(BAD_TIMESTAMPS)), Mutation::BadTimestamp),
        5 => (replace(leaf, rng.text(BAD_BASE64)), Mutation::BadBase64),
        6 => match element_range(text, start, &name) {
            Some((s, e)) if s != root => {
                let dup = format!("{}{}", &text[s..e], &text[s..e]);
                (replace((s, e), &dup), Mutation::DuplicateKey)
            }
            _ => (replace(leaf, "&#0;"), Mutation::InvalidEscape),
        },
        7 => match element_range(text, start, &name) {
            Some((s, e)) if s != root => (replace((s, e), ""), Mutation::MissingMember),
            _ => (Vec::new(), Mutation::EmptyBody),
        },
        8 => {
            let mut doc = after_decl(BILLION_LAUGHS);
            let s = String::from_utf8_lossy(&doc).into_owned();
            if let Some(i) = s.find("]>").and_then(|d| s[d..].find('>').map(|j| d + j + 1)).and_then(|r| s[r..].find('>').map(|j| r + j + 1)) {
                doc = format!("{}&lol9;{}", &s[..i], &s[i..]).into_bytes();
            }
            (doc, Mutation::BillionLaughs)
        }
        9 => {
            let dtd = rng.text(EXTERNAL_ENTITIES);
            let mut doc = String::from_utf8_lossy(&after_decl(dtd)).into_owned();
            if dtd.contains("xxe") {
                if let Some(i) = doc.find("]>").and_then(|d| doc[d + 2..].find('>').map(|j| d + 2 + j + 1)) {
                    doc.insert_str(i, "&xxe;");
                }
            }
            (doc.into_bytes(), Mutation::ExternalEntity)
        }
        10 => {
            let broken = match rng.below(8) {
                0 => replace((content_pos, content_pos), "</Mismatched>"),
                1 => replace((content_pos, content_pos), "<Unclosed>"),
                2 => replace((content_pos, content_pos), "<p:Undeclared>x</p:Undeclared>"),
                3 => replace((content_pos, content_pos), "<![CDATA[<not>&xml;]]>"),
                4 => replace((content_pos, content_pos), "<?xml version=\"1.0\"?>"),
                5 => replace((content_pos.saturating_sub(1), content_pos.saturating_sub(1)), " a=\"1\" a=\"2\" xmlns:x=\"urn:x\" x:b=\"&#0;\""),
                6 => replace((content_pos.saturating_sub(1), content_pos.saturating_sub(1)), " broken=noquotes"),
                _ => {
                    let mut t = text.to_string();
                    if let Some(i) = t.rfind("</") {
                        t.truncate(i);
                    }
                    t.into_bytes()
                }
            };
            (broken, Mutation::MalformedXml)
        }
        11 => {
            let mut b = replace(leaf, "\u{1}");
            if let Some(i) = b.iter().position(|c| *c == 1) {
                b.splice(i..i + 1, [0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]);
            }
            (b, Mutation::InvalidUtf8)
        }
        _ => {
            if rng.chance(50) {
                (replace(leaf, &"a".repeat(1 << 20)), Mutation::LargeBody)
            } else {
                let many = format!("<member>{}</member>", "x").repeat(50_000);
                (replace((content_pos, content_pos), &many), Mutation::LargeBody)
            }
        }
    }
}

// ---- headers ----

fn set_header(script: &mut Script, name: &str, value: Vec<u8>) {
    script.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    script.headers.push((name.to_string(), value));
}

fn hostile_header_value(rng: &mut Rng) -> Vec<u8> {
    match rng.below(8) {
        0 => b"\xff\xfe\x80 not utf8 \xc3\x28".to_vec(),
        1 => b"\ttabbed\tvalue\t".to_vec(),
        2 => vec![b'a'; 64 * 1024],
        3 => Vec::new(),
        4 => "caf\u{e9} \u{1F600}".as_bytes().to_vec(),
        5 => b"a, b,, ,\"quoted, comma\", c".to_vec(),
        6 => (0..1 + rng.below(64)).map(|_| 0x20 + (rng.byte() % 0x5f)).collect(),
        _ => (0..1 + rng.below(64)).map(|_| 0x80 | rng.byte()).collect(),
    }
}

fn header_mutation(script: &mut Script, sample: &Sample, rng: &mut Rng) -> Mutation {
    match rng.below(7) {
        0 => {
            let v = rng.text(&["18446744073709551615", "99999999999999999999999", "-1", "abc", "1e9", "9223372036854775807", "0"]);
            set_header(script, "content-length", v.as_bytes().to_vec());
            if rng.chance(30) {
                script.headers.push(("content-length".into(), b"1".to_vec()));
            }
            Mutation::HugeContentLength
        }
        1 => {
            let bound: Vec<String> = sample
                .headers
                .iter()
                .map(|(k, _)| k.to_string())
                .filter(|k| !matches!(k.as_str(), "content-type" | "x-amzn-requestid" | "x-amz-request-id"))
                .collect();
            if bound.is_empty() {
                let v = hostile_header_value(rng);
                script.headers.push(("x-amz-meta-hostile".into(), v));
                return Mutation::HostileHeader;
            }
            let name = rng.pick(&bound).clone();
            let v: Vec<u8> = match rng.below(4) {
                0 => rng.text(HUGE_NUMBERS).as_bytes().to_vec(),
                1 => rng.text(BAD_TIMESTAMPS).as_bytes().to_vec(),
                2 => rng.text(BAD_BASE64).replace('\u{0}', "").into_bytes(),
                _ => hostile_header_value(rng),
            };
            set_header(script, &name, v);
            Mutation::BoundHeader
        }
        2 => {
            let name = if sample.headers.iter().any(|(k, _)| *k == "x-amz-request-id") { "x-amz-request-id" } else { "x-amzn-requestid" };
            match rng.below(3) {
                0 => script.headers.retain(|(k, _)| k != name),
                1 => script.headers.push((name.into(), hostile_header_value(rng))),
                _ => set_header(script, name, hostile_header_value(rng)),
            }
            Mutation::RequestIdHeader
        }
        3 => {
            let name = rng.text(&["x-amzn-errortype", "x-amzn-query-error", "content-type"]);
            let v = match rng.below(3) {
                0 => rng.text(&["", ":", "#", "a#b:c:d", ";", "a;b;c", "ThrottlingException", "Throttling;Sender", "text/html"]).as_bytes().to_vec(),
                _ => hostile_header_value(rng),
            };
            set_header(script, name, v);
            Mutation::ErrorCodeHeader
        }
        4 => {
            for i in 0..1000 {
                script.headers.push((format!("x-hostile-{i}"), b"v".to_vec()));
            }
            Mutation::ManyHeaders
        }
        _ => {
            let name = format!("x-amz-meta-{}", rng.below(4));
            script.headers.push((name, hostile_header_value(rng)));
            Mutation::HostileHeader
        }
    }
}

/// The explicit deep-nesting cases run for every sample before the random ones: the whole body
/// and a member nested 10,000 levels deep, closed and unclosed, in the codec's format.
pub fn deep_cases(sample: &Sample, codec: Codec) -> Vec<Script> {
    let mut out = Vec::new();
    let with_body = |body: Vec<u8>| Script { body, ..sample.script() };
    if codec.is_xml() {
        let open = "<a>".repeat(DEEP);
        let close = "</a>".repeat(DEEP);
        out.push(with_body(format!("{open}{close}").into_bytes()));
        out.push(with_body(open.clone().into_bytes()));
        if let Ok(text) = std::str::from_utf8(sample.body) {
            if let Some((start, _)) = start_tags(text).first().cloned() {
                if let Some(i) = text[start..].find('>') {
                    let at = start + i + 1;
                    out.push(with_body(format!("{}{open}{close}{}", &text[..at], &text[at..]).into_bytes()));
                    // The same name as the root's first child, so a reader that recurses by
                    // name meets the depth too.
                    let tags = start_tags(text);
                    if let Some((_, child)) = tags.get(1) {
                        let o = format!("<{child}>").repeat(DEEP);
                        let c = format!("</{child}>").repeat(DEEP);
                        out.push(with_body(format!("{}{o}{c}{}", &text[..at], &text[at..]).into_bytes()));
                    }
                }
            }
        }
    } else {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            out.push(with_body(format!("{}1{}", open.repeat(DEEP), close.repeat(DEEP)).into_bytes()));
            out.push(with_body(open.repeat(DEEP).into_bytes()));
        }
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(sample.body) {
            for key in map.keys() {
                let mut doc = map.clone();
                doc.insert(key.clone(), Value::String(MARKER.into()));
                let deep = format!("{}1{}", "[".repeat(DEEP), "]".repeat(DEEP));
                let text = Value::Object(doc).to_string().replacen(&format!("\"{MARKER}\""), &deep, 1);
                out.push(with_body(text.into_bytes()));
            }
        }
    }
    out
}
