//! KeySchema, Projection and index checks shared by CreateTable and UpdateTable.

use crate::error::{Error, Result};
use crate::types::{AttributeDefinition, KeySchemaElement, Projection};
use crate::validate::{enums, Constraints};
use std::fmt;

/// Prints a KeySchema list as DynamoDB does in constraint messages.
pub(crate) struct ShownKeySchema<'a>(pub &'a [KeySchemaElement]);

impl fmt::Display for ShownKeySchema<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(
                f,
                "KeySchemaElement(attributeName={}, keyType={})",
                e.attribute_name.as_deref().unwrap_or("null"),
                e.key_type.as_deref().unwrap_or("null")
            )?;
        }
        f.write_str("]")
    }
}

/// Shape checks of a KeySchema member (not null, length 1..=2, element members).
pub(crate) fn shape_key_schema(
    c: &mut Constraints,
    path: &str,
    ks: &Option<Vec<KeySchemaElement>>,
    check_key_type: bool,
) {
    let Some(ks) = c.not_null(path, ks) else {
        return;
    };
    c.length(path, &ShownKeySchema(ks), ks.len(), 1, 2);
    for (i, e) in ks.iter().enumerate() {
        let p = format!("{path}.{}.member", i + 1);
        if let Some(n) = c.not_null(&format!("{p}.attributeName"), &e.attribute_name) {
            c.length(&format!("{p}.attributeName"), n, n.chars().count(), 1, 255);
        }
        if let Some(kt) = c.not_null(&format!("{p}.keyType"), &e.key_type) {
            if check_key_type {
                c.one_of(&format!("{p}.keyType"), Some(kt), enums::KEY_TYPE);
            }
        }
    }
}

/// Shape checks of a Projection member.
pub(crate) fn shape_projection(c: &mut Constraints, path: &str, p: &Option<Projection>) {
    let Some(p) = c.not_null(path, p) else { return };
    c.one_of(
        &format!("{path}.projectionType"),
        p.projection_type.as_deref(),
        enums::PROJECTION_TYPE,
    );
    if let Some(nka) = &p.non_key_attributes {
        let shown = format!("[{}]", nka.join(", "));
        c.length(
            &format!("{path}.nonKeyAttributes"),
            &shown,
            nka.len(),
            1,
            20,
        );
    }
}

fn names(defs: &[AttributeDefinition]) -> String {
    let v: Vec<&str> = defs
        .iter()
        .filter_map(|d| d.attribute_name.as_deref())
        .collect();
    format!("[{}]", v.join(", "))
}

fn defined(defs: &[AttributeDefinition], name: &str) -> bool {
    defs.iter()
        .any(|d| d.attribute_name.as_deref() == Some(name))
}

/// Semantic checks of one key schema against AttributeDefinitions: definitions, order.
/// The table's own two-element schema has its own wording for a missing definition.
pub(crate) fn check_key_schema(
    ks: &[KeySchemaElement],
    defs: &[AttributeDefinition],
    is_table: bool,
) -> Result<()> {
    let key_names: Vec<&str> = ks
        .iter()
        .filter_map(|e| e.attribute_name.as_deref())
        .collect();
    let all_defined = key_names.iter().all(|n| defined(defs, n));
    if is_table && ks.len() == 2 && (!all_defined || defs.len() < 2) {
        return Err(Error::validation(
            "Invalid KeySchema: Some index key attribute have no definition",
        ));
    }
    if !all_defined {
        return Err(Error::invalid_param(format!(
            "Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: {}",
            key_names.join(", "),
            names(defs)
        )));
    }
    if ks.len() == 2 && key_names[0] == key_names[1] {
        return Err(Error::validation(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name",
        ));
    }
    if ks[0].key_type.as_deref() != Some("HASH") {
        return Err(Error::validation(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ));
    }
    if ks.len() == 2 && ks[1].key_type.as_deref() != Some("RANGE") {
        return Err(Error::validation(
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
        ));
    }
    Ok(())
}

/// Semantic checks of a Projection.
pub(crate) fn check_projection(p: &Projection) -> Result<()> {
    match (p.projection_type.as_deref(), &p.non_key_attributes) {
        (None, _) => Err(Error::invalid_param("Unknown ProjectionType: null")),
        (Some("INCLUDE"), None) => Err(Error::invalid_param(
            "ProjectionType is INCLUDE, but NonKeyAttributes is not specified",
        )),
        (Some(t @ ("ALL" | "KEYS_ONLY")), Some(_)) => Err(Error::invalid_param(format!(
            "ProjectionType is {t}, but NonKeyAttributes is specified"
        ))),
        (_, Some(nka)) => {
            let mut seen = std::collections::HashSet::new();
            match nka.iter().find(|a| !seen.insert(a.as_str())) {
                Some(dup) => Err(Error::invalid_param(format!(
                    "Duplicate element in NonKeyAttributes: {dup}"
                ))),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// The hash key name of a validated key schema.
pub(crate) fn hash_name(ks: &[KeySchemaElement]) -> &str {
    ks[0].attribute_name.as_deref().unwrap_or_default()
}
