//! What the tag operations (and CreateTable's Tags) share: the table ARN they name, and
//! tags parsed from the request with DynamoDB's checks.

use crate::engine::handle::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::types::Tag;
use crate::validate::is_valid_name;

/// Most tags a table can have.
pub(crate) const MAX_TAGS: usize = 50;

/// ResourceNotFoundException for an ARN naming no table.
pub(crate) fn arn_not_found(arn: &str) -> Error {
    Error::new(
        ErrorCode::ResourceNotFoundException,
        format!("Requested resource not found: ResourceArn: {arn} not found"),
    )
}

/// The ResourceArn member: present and an ARN (DynamoDB checks these first; the shape of
/// what it names after the other members are present).
pub(crate) fn resource_arn(arn: Option<&str>) -> Result<&str> {
    let arn = arn.ok_or_else(|| Error::validation("Invalid TableArn"))?;
    if !arn.starts_with("arn:") {
        return Err(Error::invalid_param(format!(
            "ARNs must start with 'arn:': {arn}"
        )));
    }
    Ok(arn)
}

/// The table name an ARN (checked by [`resource_arn`]) names: it must be DynamoDB's, of a
/// table (or a stream) in this request's region.
pub(crate) fn table_of_arn<'a>(db: &Engine, arn: &'a str) -> Result<&'a str> {
    let rest = arn.strip_prefix("arn:").unwrap_or(arn);
    let invalid = || {
        Error::validation(format!(
            "Invalid TableArn: Invalid ResourceArn provided as input {arn}"
        ))
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [_partition, service, region, account, resource] = parts[..] else {
        return Err(invalid());
    };
    if service != "dynamodb" {
        return Err(Error::invalid_param(format!(
            "Provided Arn is not a DynamoDB resource arn: {arn}"
        )));
    }
    if region != db.region() || account.is_empty() {
        return Err(invalid());
    }
    let Some(path) = resource.strip_prefix("table/") else {
        return Err(invalid());
    };
    let (table, sub) = match path.split_once('/') {
        Some((table, sub)) => (table, Some(sub)),
        None => (path, None),
    };
    if !is_valid_name(table) || !(3..=255).contains(&table.chars().count()) {
        return Err(invalid());
    }
    match sub {
        None => Ok(table),
        Some(s) if s.starts_with("backup/") || s.starts_with("export/") => Err(
            Error::invalid_param(format!("Provided Arn is not a DynamoDB resource arn: {arn}")),
        ),
        // A stream is a resource the tag operations accept, but it holds no tags here.
        Some(s) if s.starts_with("stream/") => Err(arn_not_found(arn)),
        Some(_) => Err(Error::invalid_param(format!(
            "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: {arn}"
        ))),
    }
}

/// True for the characters AWS allows in tag keys and values: letters, digits, spaces and
/// `_ . : / = + - @`.
fn tag_text_ok(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c))
}

/// A tag key's checks: length 1..=128, the allowed characters, no `aws:` prefix.
pub(crate) fn check_key(key: Option<&str>) -> Result<&str> {
    let Some(k) = key.filter(|k| (1..=128).contains(&k.chars().count()) && tag_text_ok(k)) else {
        return Err(Error::validation(format!(
            "The Tag Key provided is invalid, Key: {}",
            key.unwrap_or("null")
        )));
    };
    if k.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
        return Err(Error::validation(format!(
            "Tag Key cannot be prefixed with aws:, Key: {k}"
        )));
    }
    Ok(k)
}

/// Tags parsed from a request: each key and value checked, no key twice.
pub(crate) fn parse_tags(tags: &[Tag]) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(tags.len());
    for t in tags {
        let key = check_key(t.key.as_deref())?;
        let value = t
            .value
            .as_deref()
            .filter(|v| v.chars().count() <= 256 && tag_text_ok(v))
            .ok_or_else(|| {
                Error::validation(format!(
                    "The Tag Value provided is invalid, Value: {}",
                    t.value.as_deref().unwrap_or("null")
                ))
            })?;
        if out.iter().any(|(k, _)| k == key) {
            return Err(Error::validation(format!(
                "Duplicate Tag Keys provided as input: Duplicate Tag Key found {key}"
            )));
        }
        out.push((key.to_string(), value.to_string()));
    }
    Ok(out)
}

/// The limit error, for more than [`MAX_TAGS`] tags.
pub(crate) fn too_many_tags() -> Error {
    Error::validation("Number of Tags exceed the current limit for the provided ResourceArn")
}

/// The name of a table `db` has, or ResourceNotFoundException naming the ARN.
pub(crate) fn existing<'a>(
    state: &'a crate::storage::State,
    table: &str,
    arn: &str,
) -> Result<&'a crate::storage::schema::TableMeta> {
    state.table(table).ok_or_else(|| arn_not_found(arn))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_keys_and_values_follow_the_rules() {
        assert!(check_key(Some("env")).is_ok());
        assert!(check_key(Some("myaws:foo")).is_ok());
        assert_eq!(
            check_key(Some("AWS:foo")).unwrap_err().message(),
            "Tag Key cannot be prefixed with aws:, Key: AWS:foo"
        );
        assert_eq!(
            check_key(None).unwrap_err().message(),
            "The Tag Key provided is invalid, Key: null"
        );
        assert!(check_key(Some(&"k".repeat(129))).is_err());
        assert!(check_key(Some("a#b")).is_err());
        let tag = |k: &str, v: Option<&str>| Tag {
            key: Some(k.into()),
            value: v.map(String::from),
        };
        assert_eq!(
            parse_tags(&[tag("a", Some("")), tag("b", Some("x y/z"))]).unwrap(),
            [("a".into(), "".into()), ("b".into(), "x y/z".into())]
        );
        assert_eq!(
            parse_tags(&[tag("a", None)]).unwrap_err().message(),
            "The Tag Value provided is invalid, Value: null"
        );
        assert_eq!(
            parse_tags(&[tag("a", Some("1")), tag("a", Some("2"))])
                .unwrap_err()
                .message(),
            "Duplicate Tag Keys provided as input: Duplicate Tag Key found a"
        );
    }
}
