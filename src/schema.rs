//! JSON Schema validation of spanned YAML: each error is placed on the smallest span that
//! explains it (an unexpected key, the key of a mapping that misses a required key, or the
//! offending value).

use crate::source::Span;
use crate::yaml::Node;
use jsonschema::error::ValidationErrorKind;

/// One schema error, located by JSON Pointer.
#[derive(Debug, Clone)]
pub struct SchemaError {
    /// JSON Pointer of the value to point at (`/image/tag`; for an unexpected key, the key).
    pub pointer: String,
    /// For an unexpected key or a missing required key: that key.
    pub key: Option<String>,
    pub missing: bool,
    pub message: String,
}

/// Validates a JSON instance; every error with the pointer of the value it concerns.
pub fn errors(validator: &jsonschema::Validator, instance: &serde_json::Value) -> Vec<SchemaError> {
    let mut out = Vec::new();
    for err in validator.iter_errors(instance) {
        let pointer = err.instance_path().as_str().to_string();
        match err.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                for name in unexpected {
                    out.push(SchemaError {
                        pointer: format!("{pointer}/{}", escape(name)),
                        key: Some(name.clone()),
                        missing: false,
                        message: format!("`{name}` is not allowed here"),
                    });
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| property.to_string());
                out.push(SchemaError {
                    pointer,
                    message: format!("`{name}` is required here but missing"),
                    key: Some(name),
                    missing: true,
                });
            }
            _ => out.push(SchemaError {
                pointer,
                key: None,
                missing: false,
                message: err.to_string(),
            }),
        }
    }
    out
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Follows a JSON Pointer through the tree. Returns the node reached and the span of the key
/// that holds it, only when the whole pointer resolves.
pub fn locate<'a>(root: &'a Node, pointer: &str) -> Option<(&'a Node, Option<Span>)> {
    let mut node = root;
    let mut key = None;
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        if let Some(items) = node.as_seq() {
            node = items.get(seg.parse::<usize>().ok()?)?;
            key = None;
        } else {
            let e = node.entry(&seg)?;
            node = &e.value;
            key = Some(e.key.span);
        }
    }
    Some((node, key))
}

/// The span an error should point at within `root`, if the pointer resolves there: the
/// unexpected key, the key holding a mapping that misses a required key, or the value.
pub fn span_in(root: &Node, err: &SchemaError) -> Option<Span> {
    let (node, key) = locate(root, &err.pointer)?;
    if err.missing {
        return Some(key.unwrap_or(node.span));
    }
    if let Some(k) = &err.key {
        return Some(key.unwrap_or(node.span)).filter(|_| !k.is_empty());
    }
    Some(node.span)
}

/// Why a schema cannot be used: not JSON (with the byte offset), or not a valid schema (with
/// the JSON Pointer of the offending keyword).
#[derive(Debug)]
pub enum SchemaProblem {
    Json {
        at: usize,
        message: String,
    },
    Schema {
        pointer: String,
        message: String,
    },
    /// The schema is valid but its references expand it beyond [`MAX_SCHEMA_COST`]
    /// subschemas: the pointer names the subschema whose expansion is largest.
    TooComplex {
        pointer: String,
        message: String,
    },
}

/// Most subschemas a schema may expand to when every `$ref` is followed (recursion counted
/// once). A validator may evaluate each of them for every value, so a chain of definitions
/// that each reference the next twice (`anyOf: [{$ref: next}, {$ref: next}]`) doubles the
/// work per level; real chart schemas, Kubernetes definitions included, stay far below.
pub const MAX_SCHEMA_COST: u64 = 200_000;

/// When the schema expands beyond [`MAX_SCHEMA_COST`]: the JSON Pointer of the local
/// reference target that expands most, and the expanded size. Linear in the schema's size:
/// each reference target is sized once.
fn too_complex(schema: &serde_json::Value) -> Option<(String, u64)> {
    use serde_json::Value;
    use std::collections::HashMap;
    enum Memo {
        InProgress,
        Done(u64),
    }
    struct Sizer<'a> {
        root: &'a Value,
        memo: HashMap<&'a str, Memo>,
        worst: Option<(String, u64)>,
        depth: usize,
    }
    impl<'a> Sizer<'a> {
        fn size(&mut self, v: &'a Value) -> u64 {
            self.depth += 1;
            let n = if self.depth > 512 {
                1
            } else {
                match v {
                    Value::Object(m) => {
                        let mut n: u64 = 1;
                        for (k, child) in m {
                            n = n.saturating_add(match (k.as_str(), child) {
                                ("$ref", Value::String(r)) => self.reference(r),
                                _ => self.size(child),
                            });
                        }
                        n
                    }
                    Value::Array(a) => a
                        .iter()
                        .fold(0u64, |n, child| n.saturating_add(self.size(child))),
                    _ => 0,
                }
            };
            self.depth -= 1;
            n
        }

        fn reference(&mut self, r: &'a str) -> u64 {
            let Some(pointer) = r.strip_prefix('#') else {
                return 1;
            };
            match self.memo.get(r) {
                Some(Memo::InProgress) => return 1,
                Some(Memo::Done(n)) => return *n,
                None => {}
            }
            let Some(target) = self.root.pointer(pointer) else {
                return 1;
            };
            self.memo.insert(r, Memo::InProgress);
            let n = self.size(target);
            self.memo.insert(r, Memo::Done(n));
            if self.worst.as_ref().is_none_or(|(_, w)| n > *w) {
                self.worst = Some((pointer.to_string(), n));
            }
            n
        }
    }
    let mut sizer = Sizer {
        root: schema,
        memo: HashMap::new(),
        worst: None,
        depth: 0,
    };
    let total = sizer.size(schema);
    (total > MAX_SCHEMA_COST).then(|| {
        let pointer = sizer.worst.map(|(p, _)| p).unwrap_or_default();
        (pointer, total)
    })
}

/// Compiles a JSON Schema file (draft from `$schema`, 2020-12 when absent).
pub fn compile(file: &crate::source::SourceFile) -> Result<jsonschema::Validator, SchemaProblem> {
    let json: serde_json::Value =
        serde_json::from_str(&file.text).map_err(|e| SchemaProblem::Json {
            at: (file.line_start(e.line().saturating_sub(1)) + e.column().saturating_sub(1))
                .min(file.text.len()),
            message: e.to_string(),
        })?;
    if let Some((pointer, cost)) = too_complex(&json) {
        return Err(SchemaProblem::TooComplex {
            pointer,
            message: format!(
                "through its references it expands to {cost} subschemas, more than the limit of {MAX_SCHEMA_COST}; values are not validated against it"
            ),
        });
    }
    jsonschema::validator_for(&json).map_err(|e| SchemaProblem::Schema {
        pointer: e.instance_path().as_str().to_string(),
        message: e.to_string(),
    })
}

/// Validates `root` and returns every error with its span (used for plimsoll's own files).
pub fn validate(validator: &jsonschema::Validator, root: &Node) -> Vec<(Span, String)> {
    errors(validator, &root.to_json())
        .into_iter()
        .map(|e| (span_in(root, &e).unwrap_or(root.span), e.message))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The meta-schema check of each draft (generated at build time by jsonschema's `macros`
    /// feature) names the offending keyword and says what is wrong with it.
    #[test]
    fn invalid_schemas_name_the_keyword() {
        let cases = [
            (
                r#"{"type":"int"}"#,
                "/type",
                "\"int\" is not valid under any of the schemas listed in the 'anyOf' keyword",
            ),
            (
                r#"{"properties":{"a":{"required":"x"}}}"#,
                "/properties/a/required",
                "\"x\" is not of type \"array\"",
            ),
            (
                r#"{"$defs":{"x":{"pattern":5}}}"#,
                "/$defs/x/pattern",
                "5 is not of type \"string\"",
            ),
            (
                r#"{"$schema":"http://json-schema.org/draft-04/schema#","required":[]}"#,
                "/required",
                "[] has less than 1 item",
            ),
            (
                r#"{"$schema":"http://json-schema.org/draft-07/schema#","properties":{"a":{"minimum":"x"}}}"#,
                "/properties/a/minimum",
                "\"x\" is not of type \"number\"",
            ),
            (
                r#"{"$schema":"https://json-schema.org/draft/2019-09/schema","properties":{"a":{"maxLength":-1}}}"#,
                "/properties/a/maxLength",
                "-1 is less than the minimum of 0",
            ),
        ];
        for (text, pointer, message) in cases {
            let file = crate::source::SourceFile::new("values.schema.json", text.to_string());
            match compile(&file) {
                Err(SchemaProblem::Schema {
                    pointer: p,
                    message: m,
                }) => {
                    assert_eq!((p.as_str(), m.as_str()), (pointer, message), "{text}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        let good = r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"n":{"type":"integer"}}}"#;
        let file = crate::source::SourceFile::new("values.schema.json", good.to_string());
        let v = compile(&file).expect("valid schema");
        assert!(v.is_valid(&serde_json::json!({"n": 1})));
        assert!(!v.is_valid(&serde_json::json!({"n": "x"})));
    }

    #[test]
    fn errors_land_on_keys_and_values() {
        let schema = serde_json::json!({
            "type": "object",
            "properties": {
                "image": {"type": "object", "required": ["repository"], "additionalProperties": false,
                          "properties": {"repository": {"type": "string"}, "tag": {"type": "string"}}},
                "replicas": {"type": "integer", "minimum": 1}
            }
        });
        let v = jsonschema::validator_for(&schema).unwrap();
        let text = "image:\n  tag: 1.2\n  extra: x\nreplicas: 0\n";
        let f = crate::yaml::parse(text);
        let mut errs = validate(&v, f.root().unwrap());
        errs.sort_by_key(|e| e.0);
        let got: Vec<_> = errs.iter().map(|e| &text[e.0.range()]).collect();
        assert_eq!(got, vec!["image", "1.2", "extra", "0"]);
    }
}
