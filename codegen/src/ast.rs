//! Serde types for the Smithy JSON AST (IDL versions 1.0 and 2.0), exactly as files spell it.
//!
//! Parsing is two-step so errors can name the shape: the file is read as JSON first, then each
//! shape is decoded on its own (see [`parse`]).

use crate::Error;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// A JSON object whose key order is kept (member order is wire order).
#[derive(Debug, Clone, PartialEq)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, T>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// Traits applied to a shape or member: trait shape ID -> trait value.
pub type Traits = BTreeMap<String, Value>;

/// `{"target": "ns#Shape"}`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The referenced shape ID.
    pub target: String,
}

/// A member of an aggregate shape.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The target shape ID.
    pub target: String,
    /// Member traits.
    #[serde(default)]
    pub traits: Traits,
}

/// One shape, tagged by its `type`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Shape {
    Blob(Simple),
    Boolean(Simple),
    String(Simple),
    Byte(Simple),
    Short(Simple),
    Integer(Simple),
    Long(Simple),
    Float(Simple),
    Double(Simple),
    BigInteger(Simple),
    BigDecimal(Simple),
    Timestamp(Simple),
    Document(Simple),
    Enum(Aggregate),
    IntEnum(Aggregate),
    List(Collection),
    /// Smithy 1.0 only.
    Set(Collection),
    Map(MapShape),
    Structure(Aggregate),
    Union(Aggregate),
    Service(Service),
    Operation(Operation),
    Resource(Resource),
    /// Applies traits to a shape defined elsewhere.
    Apply(Apply),
}

impl Shape {
    /// The shape's `type`, as the JSON AST spells it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Shape::Blob(_) => "blob",
            Shape::Boolean(_) => "boolean",
            Shape::String(_) => "string",
            Shape::Byte(_) => "byte",
            Shape::Short(_) => "short",
            Shape::Integer(_) => "integer",
            Shape::Long(_) => "long",
            Shape::Float(_) => "float",
            Shape::Double(_) => "double",
            Shape::BigInteger(_) => "bigInteger",
            Shape::BigDecimal(_) => "bigDecimal",
            Shape::Timestamp(_) => "timestamp",
            Shape::Document(_) => "document",
            Shape::Enum(_) => "enum",
            Shape::IntEnum(_) => "intEnum",
            Shape::List(_) => "list",
            Shape::Set(_) => "set",
            Shape::Map(_) => "map",
            Shape::Structure(_) => "structure",
            Shape::Union(_) => "union",
            Shape::Service(_) => "service",
            Shape::Operation(_) => "operation",
            Shape::Resource(_) => "resource",
            Shape::Apply(_) => "apply",
        }
    }
}

/// A simple shape.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Simple {
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<Reference>,
}

/// A structure, union, enum or intEnum.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Aggregate {
    #[serde(default)]
    pub members: Ordered<Member>,
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<Reference>,
}

/// A list or set.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Collection {
    /// Absent when the list's mixins define it.
    #[serde(default)]
    pub member: Option<Member>,
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<Reference>,
}

/// A map.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MapShape {
    /// Absent when the map's mixins define it (as is `value`).
    #[serde(default)]
    pub key: Option<Member>,
    #[serde(default)]
    pub value: Option<Member>,
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<Reference>,
}

/// A service.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Service {
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub operations: Vec<Reference>,
    #[serde(default)]
    pub resources: Vec<Reference>,
    #[serde(default)]
    pub errors: Vec<Reference>,
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<Reference>,
}

/// An operation.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    #[serde(default)]
    pub input: Option<Reference>,
    #[serde(default)]
    pub output: Option<Reference>,
    #[serde(default)]
    pub errors: Vec<Reference>,
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<Reference>,
}

/// A resource and its lifecycle operations.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resource {
    #[serde(default)]
    pub identifiers: BTreeMap<String, Reference>,
    #[serde(default)]
    pub properties: BTreeMap<String, Reference>,
    pub create: Option<Reference>,
    pub put: Option<Reference>,
    pub read: Option<Reference>,
    pub update: Option<Reference>,
    pub delete: Option<Reference>,
    pub list: Option<Reference>,
    #[serde(default)]
    pub operations: Vec<Reference>,
    #[serde(default)]
    pub collection_operations: Vec<Reference>,
    #[serde(default)]
    pub resources: Vec<Reference>,
    #[serde(default)]
    pub traits: Traits,
    #[serde(default)]
    pub mixins: Vec<Reference>,
}

impl Resource {
    /// Every operation bound to this resource, lifecycle ones first, in a fixed order.
    pub fn all_operations(&self) -> impl Iterator<Item = &Reference> {
        [&self.create, &self.put, &self.read, &self.update, &self.delete, &self.list]
            .into_iter()
            .flatten()
            .chain(&self.operations)
            .chain(&self.collection_operations)
    }
}

/// An `apply` statement.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Apply {
    #[serde(default)]
    pub traits: Traits,
}

/// A parsed model file.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    /// `1.0` or `2.0`.
    pub version: SmithyVersion,
    /// Shapes in file order.
    pub shapes: Vec<(String, Shape)>,
    /// File-level metadata.
    pub metadata: BTreeMap<String, Value>,
    /// Where shapes and members (and the targets of `apply` statements) are written: line and
    /// column of the name in IDL files, so errors found after reading can point at the source.
    /// Empty for JSON AST files, whose errors name the file and the shape.
    pub positions: BTreeMap<String, (usize, usize)>,
}

/// The IDL version a file declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmithyVersion {
    V1,
    V2,
}

const SHAPE_TYPES: &[&str] = &[
    "blob", "boolean", "string", "byte", "short", "integer", "long", "float", "double", "bigInteger",
    "bigDecimal", "timestamp", "document", "enum", "intEnum", "list", "set", "map", "structure", "union",
    "service", "operation", "resource", "apply",
];

/// Parses one JSON AST file; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<ModelFile, Error> {
    if text.trim().is_empty() {
        return Err(Error::model(file, None, "the file is empty; expected a Smithy JSON AST object"));
    }
    let root: Value = serde_json::from_str(text)
        .map_err(|e| Error::model(file, None, format!("invalid JSON: {e}")))?;
    from_value(file, &root)
}

/// Decodes a JSON AST value (read from a file, or built by the IDL reader); `file` names it in
/// errors.
pub fn from_value(file: &str, root: &Value) -> Result<ModelFile, Error> {
    let root = root
        .as_object()
        .ok_or_else(|| Error::model(file, None, "the top level must be a JSON object"))?;
    let version = match root.get("smithy") {
        Some(Value::String(v)) if v == "2.0" || v == "2" => SmithyVersion::V2,
        Some(Value::String(v)) if v == "1.0" || v == "1" => SmithyVersion::V1,
        Some(Value::String(v)) => {
            return Err(Error::model(file, None, format!("unsupported Smithy version {v:?}; expected \"1.0\" or \"2.0\"")))
        }
        Some(_) => return Err(Error::model(file, None, "`smithy` must be a string such as \"2.0\"")),
        None => return Err(Error::model(file, None, "missing the `smithy` version property")),
    };
    let metadata = match root.get("metadata") {
        None => BTreeMap::new(),
        Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(_) => return Err(Error::model(file, None, "`metadata` must be an object")),
    };
    let mut shapes = Vec::new();
    match root.get("shapes") {
        None => {}
        Some(Value::Object(map)) => {
            for (id, value) in map {
                if !id.contains('#') {
                    return Err(Error::model(file, Some(id), "a shape ID must be absolute (`namespace#Name`)"));
                }
                let kind = value.get("type").and_then(Value::as_str);
                match kind {
                    None => {
                        return Err(Error::model(file, Some(id), "the shape has no string `type` property (at shapes.\"{id}\".type)".replace("{id}", id)))
                    }
                    Some(t) if !SHAPE_TYPES.contains(&t) => {
                        return Err(Error::model(file, Some(id), format!("unknown shape type {t:?}")))
                    }
                    _ => {}
                }
                if let Some(problem) = shape_json_problem(value) {
                    return Err(Error::model(file, Some(id), format!("invalid shape: {problem}")));
                }
                let shape = Shape::deserialize(value)
                    .map_err(|e| Error::model(file, Some(id), format!("invalid shape: {e}")))?;
                shapes.push((id.clone(), shape));
            }
        }
        Some(_) => return Err(Error::model(file, None, "`shapes` must be an object")),
    }
    Ok(ModelFile { version, shapes, metadata, positions: BTreeMap::new() })
}

/// The first property of a shape whose JSON type is wrong, with its path (`members.name.target`),
/// so the error says where; serde's own message does not.
fn shape_json_problem(shape: &Value) -> Option<String> {
    fn kind(v: &Value) -> String {
        match v {
            Value::Null => "null".into(),
            Value::Bool(b) => format!("a boolean ({b})"),
            Value::Number(n) => format!("a number ({n})"),
            Value::String(s) => format!("a string ({s:?})"),
            Value::Array(_) => "an array".into(),
            Value::Object(_) => "an object".into(),
        }
    }
    fn traits(v: &Value, at: &str) -> Option<String> {
        match v.get("traits") {
            Some(t) if !t.is_object() => Some(format!("`{at}traits` must be an object, not {}", kind(t))),
            _ => None,
        }
    }
    fn reference(v: &Value, at: &str) -> Option<String> {
        let Some(o) = v.as_object() else {
            return Some(format!("`{at}` must be an object like {{\"target\": \"ns#Shape\"}}, not {}", kind(v)));
        };
        match o.get("target") {
            None => Some(format!("`{at}` has no `target`")),
            Some(Value::String(_)) => traits(v, &format!("{at}.")),
            Some(t) => Some(format!("`{at}.target` must be a shape ID string, not {}", kind(t))),
        }
    }
    let o = shape.as_object()?;
    for (key, v) in o {
        let problem = match key.as_str() {
            "members" => match v.as_object() {
                None => Some(format!("`members` must be an object of member name to member, not {}", kind(v))),
                Some(ms) => ms.iter().find_map(|(name, m)| reference(m, &format!("members.{name}"))),
            },
            "member" | "key" | "value" | "input" | "output" | "create" | "put" | "read" | "update" | "delete" | "list" => {
                reference(v, key)
            }
            "mixins" | "operations" | "resources" | "errors" | "collectionOperations" => match v.as_array() {
                None => Some(format!("`{key}` must be an array of references, not {}", kind(v))),
                Some(a) => a.iter().enumerate().find_map(|(i, r)| reference(r, &format!("{key}[{i}]"))),
            },
            "identifiers" | "properties" => match v.as_object() {
                None => Some(format!("`{key}` must be an object of name to reference, not {}", kind(v))),
                Some(m) => m.iter().find_map(|(name, r)| reference(r, &format!("{key}.{name}"))),
            },
            "rename" => match v.as_object() {
                None => Some(format!("`rename` must be an object of shape ID to name, not {}", kind(v))),
                Some(m) => m.iter().find(|(_, n)| !n.is_string()).map(|(k, n)| format!("`rename.{k}` must be a string, not {}", kind(n))),
            },
            "traits" if !v.is_object() => Some(format!("`traits` must be an object, not {}", kind(v))),
            "version" if !v.is_string() => Some(format!("`version` must be a string, not {}", kind(v))),
            _ => None,
        };
        if problem.is_some() {
            return problem;
        }
    }
    None
}
