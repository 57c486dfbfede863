//! A OneTable data model (`--data-model FILE`): entity-level context for the agent, shown in
//! the server's instructions and in `get_database_info`. Context only: writes are not checked
//! against it. A malformed file is refused at start with a message that names where.

use serde_json::{json, Map, Value};

/// One index: its name and key attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    /// `primary`, or the GSI/LSI name.
    pub name: String,
    /// The partition key attribute.
    pub hash: String,
    /// The sort key attribute, if any.
    pub sort: Option<String>,
}

/// One attribute of a model.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// OneTable's type (string, number, boolean, date, object, array, binary, set).
    pub kind: String,
    /// A value template, e.g. `user#${id}`.
    pub template: Option<String>,
    /// Whether it is required.
    pub required: bool,
}

/// One entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// The entity's name (the type attribute's value).
    pub name: String,
    /// Its attributes, in the file's order.
    pub fields: Vec<Field>,
}

/// A parsed OneTable schema.
#[derive(Clone, Debug, PartialEq)]
pub struct DataModel {
    /// Where it came from (the file path).
    pub source: String,
    /// Indexes, primary first.
    pub indexes: Vec<Index>,
    /// Entities.
    pub models: Vec<Model>,
    /// The attribute holding each item's entity name.
    pub type_field: String,
}

const TYPES: &[&str] = &[
    "string", "number", "boolean", "date", "object", "array", "binary", "set", "buffer",
];

fn str_at<'a>(v: &'a Value, path: &str) -> Result<&'a str, String> {
    v.as_str()
        .ok_or_else(|| format!("{path}: expected a string, found {v}"))
}

fn object_at<'a>(v: Option<&'a Value>, path: &str) -> Result<&'a Map<String, Value>, String> {
    match v {
        Some(Value::Object(m)) => Ok(m),
        Some(other) => Err(format!("{path}: expected an object, found {other}")),
        None => Err(format!("{path}: missing")),
    }
}

impl DataModel {
    /// Parses a OneTable schema; the error names the path of what is wrong.
    pub fn parse(source: &str, text: &str) -> Result<DataModel, String> {
        let root: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let root_obj = object_at(Some(&root), "(top level)")?;
        let mut indexes = Vec::new();
        for (name, ix) in object_at(root_obj.get("indexes"), "indexes")? {
            let path = format!("indexes.{name}");
            let ix = object_at(Some(ix), &path)?;
            let hash = ix
                .get("hash")
                .ok_or_else(|| format!("{path}.hash: missing"))
                .and_then(|h| str_at(h, &format!("{path}.hash")))?
                .to_string();
            let sort = match ix.get("sort") {
                Some(Value::Null) | None => None,
                Some(s) => Some(str_at(s, &format!("{path}.sort"))?.to_string()),
            };
            indexes.push(Index {
                name: name.clone(),
                hash,
                sort,
            });
        }
        let Some(primary) = indexes.iter().position(|i| i.name == "primary") else {
            return Err("indexes.primary: missing (the table's own key)".into());
        };
        indexes.swap(0, primary);
        let type_field = match root_obj.get("params").and_then(|p| p.get("typeField")) {
            Some(v) => str_at(v, "params.typeField")?.to_string(),
            None => "_type".to_string(),
        };
        let mut models = Vec::new();
        for (mname, fields) in object_at(root_obj.get("models"), "models")? {
            let mpath = format!("models.{mname}");
            let mut out = Vec::new();
            let fields = object_at(Some(fields), &mpath)?;
            for (fname, f) in fields {
                let fpath = format!("{mpath}.{fname}");
                let f = object_at(Some(f), &fpath)?;
                let kind = f
                    .get("type")
                    .ok_or_else(|| format!("{fpath}.type: missing"))
                    .and_then(|t| str_at(t, &format!("{fpath}.type")))?;
                let kind = kind.to_ascii_lowercase();
                if !TYPES.contains(&kind.as_str()) {
                    return Err(format!(
                        "{fpath}.type: unknown type {kind:?} (expected one of {})",
                        TYPES.join(", ")
                    ));
                }
                let template = match f.get("value") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(str_at(v, &format!("{fpath}.value"))?.to_string()),
                };
                let required = f.get("required").and_then(Value::as_bool).unwrap_or(false);
                out.push(Field {
                    name: fname.clone(),
                    kind,
                    template,
                    required,
                });
            }
            // Every ${name} in a template must name an attribute of the model.
            for f in &out {
                let Some(t) = &f.template else { continue };
                for var in template_vars(t).map_err(|e| format!("{mpath}.{}.value: {e}", f.name))? {
                    if var != type_field && !out.iter().any(|g| g.name == var) {
                        return Err(format!(
                            "{mpath}.{}.value: ${{{var}}} names no attribute of {mname}",
                            f.name
                        ));
                    }
                }
            }
            models.push(Model {
                name: mname.clone(),
                fields: out,
            });
        }
        Ok(DataModel {
            source: source.to_string(),
            indexes,
            models,
            type_field,
        })
    }

    /// A few lines for the server's instructions.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "Data model (OneTable, from {}): the attribute {} holds each item's entity name.\nIndexes: {}.\n",
            self.source,
            self.type_field,
            self.indexes
                .iter()
                .map(|i| match &i.sort {
                    Some(sort) => format!("{} (hash {}, sort {})", i.name, i.hash, sort),
                    None => format!("{} (hash {})", i.name, i.hash),
                })
                .collect::<Vec<_>>()
                .join(", ")
        );
        for m in &self.models {
            let keys: Vec<String> = m
                .fields
                .iter()
                .filter_map(|f| f.template.as_ref().map(|t| format!("{} = {t}", f.name)))
                .collect();
            let attrs: Vec<String> = m
                .fields
                .iter()
                .filter(|f| f.template.is_none())
                .map(|f| {
                    format!(
                        "{} ({}{})",
                        f.name,
                        f.kind,
                        if f.required { ", required" } else { "" }
                    )
                })
                .collect();
            s.push_str(&format!(
                "- {}: {}; attributes: {}\n",
                m.name,
                if keys.is_empty() {
                    "no key templates".to_string()
                } else {
                    keys.join(", ")
                },
                attrs.join(", ")
            ));
        }
        s.push_str("Context only: writes are not validated against the model.\n");
        s
    }

    /// The model as JSON, for `get_database_info`.
    pub fn to_json(&self) -> Value {
        json!({
            "source": self.source,
            "typeField": self.type_field,
            "indexes": self.indexes.iter().map(|i| json!({"name": i.name, "hash": i.hash, "sort": i.sort})).collect::<Vec<_>>(),
            "models": self.models.iter().map(|m| json!({
                "name": m.name,
                "fields": m.fields.iter().map(|f| json!({
                    "name": f.name, "type": f.kind, "value": f.template, "required": f.required
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// The `${name}` variables of a template.
fn template_vars(t: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unclosed ${{ in {t:?}"))?;
        let var = &after[..end];
        if var.is_empty() {
            return Err(format!("empty ${{}} in {t:?}"));
        }
        out.push(var);
        rest = &after[end + 1..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"{
        "format": "onetable:1.1.0", "version": "0.0.1",
        "indexes": {"gs1": {"hash": "gs1pk", "sort": "gs1sk"}, "primary": {"hash": "pk", "sort": "sk"}},
        "models": {
            "User": {
                "pk": {"type": "string", "value": "${_type}#${id}"},
                "sk": {"type": "string", "value": "${_type}#"},
                "id": {"type": "string", "generate": "ulid"},
                "email": {"type": "string", "required": true}
            }
        },
        "params": {"typeField": "_type"}
    }"#;

    #[test]
    fn a_onetable_schema_is_read() {
        let m = DataModel::parse("app.json", SCHEMA).unwrap();
        assert_eq!(m.indexes[0].name, "primary");
        assert_eq!(m.models[0].name, "User");
        let s = m.summary();
        assert!(
            s.contains("User: pk = ${_type}#${id}, sk = ${_type}#"),
            "{s}"
        );
        assert!(s.contains("email (string, required)"), "{s}");
    }

    #[test]
    fn errors_name_where() {
        let bad = SCHEMA.replace("${_type}#${id}", "${_type}#${uid}");
        assert_eq!(
            DataModel::parse("app.json", &bad).unwrap_err(),
            "models.User.pk.value: ${uid} names no attribute of User"
        );
        let bad = SCHEMA.replace(
            "\"type\": \"string\", \"required\"",
            "\"type\": \"text\", \"required\"",
        );
        assert!(DataModel::parse("app.json", &bad)
            .unwrap_err()
            .starts_with("models.User.email.type: unknown type \"text\""));
        let bad = SCHEMA.replace("\"primary\"", "\"main\"");
        assert_eq!(
            DataModel::parse("app.json", &bad).unwrap_err(),
            "indexes.primary: missing (the table's own key)"
        );
        assert!(DataModel::parse("app.json", "{")
            .unwrap_err()
            .starts_with("not JSON"));
    }
}
