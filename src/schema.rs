//! JSON Schema validation of spanned YAML: each error is placed on the smallest span that
//! explains it (an unexpected key, the parent of a missing key, or the offending value).

use crate::source::Span;
use crate::yaml::Node;
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;

#[derive(Debug, Clone)]
pub struct SchemaError {
    pub span: Span,
    /// JSON Pointer of the offending value (`/image/tag`).
    pub pointer: String,
    pub message: String,
}

/// Validates `root` and returns every error with its location.
pub fn validate(validator: &jsonschema::Validator, root: &Node) -> Vec<SchemaError> {
    let instance = root.to_json();
    let mut out = Vec::new();
    for err in validator.iter_errors(&instance) {
        let pointer = err.instance_path().as_str().to_string();
        let (node, key) = locate(root, err.instance_path().segments());
        match err.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                for name in unexpected {
                    let span = node.entry(name).map(|e| e.key.span).unwrap_or(node.span);
                    out.push(SchemaError {
                        span,
                        pointer: format!("{pointer}/{name}"),
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
                    span: key.unwrap_or(node.span),
                    pointer,
                    message: format!("`{name}` is required here but missing"),
                });
            }
            _ => out.push(SchemaError {
                span: node.span,
                pointer,
                message: err.to_string(),
            }),
        }
    }
    out
}

/// Walks a JSON Pointer through the tree; returns the deepest node reached and the span of
/// the key that holds it.
fn locate<'a, 'p>(
    root: &'a Node,
    segments: impl Iterator<Item = LocationSegment<'p>>,
) -> (&'a Node, Option<Span>) {
    let mut node = root;
    let mut key = None;
    for seg in segments {
        let next = match seg {
            LocationSegment::Property(name) => {
                node.entry(&name).map(|e| (&e.value, Some(e.key.span)))
            }
            LocationSegment::Index(i) => match node.as_seq() {
                Some(items) => items.get(i).map(|n| (n, None)),
                None => node
                    .entry(&i.to_string())
                    .map(|e| (&e.value, Some(e.key.span))),
            },
        };
        match next {
            Some((n, k)) => {
                node = n;
                key = k;
            }
            None => break,
        }
    }
    (node, key)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        errs.sort_by_key(|e| e.span);
        let got: Vec<_> = errs.iter().map(|e| &text[e.span.range()]).collect();
        assert_eq!(got, vec!["image", "1.2", "extra", "0"]);
    }
}
