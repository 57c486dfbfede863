//! DynamoDB's request-shape validation: "N validation error(s) detected: ...".

use crate::error::{Error, Result};
use std::fmt::Display;

/// Collects constraint violations in request-member order; DynamoDB lists at most ten.
#[derive(Default)]
pub(crate) struct Constraints {
    errors: Vec<String>,
}

const TABLE_NAME_PATTERN: &str = "[a-zA-Z0-9_.-]+";

/// True if `s` matches `[a-zA-Z0-9_.-]+`.
pub(crate) fn is_valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

impl Constraints {
    /// Records one violation; `value` None prints as `null`.
    pub fn fail(&mut self, value: Option<&dyn Display>, path: &str, constraint: &str) {
        if self.errors.len() >= 10 {
            return;
        }
        let v = match value {
            Some(v) => format!("'{v}'"),
            None => "null".to_string(),
        };
        self.errors.push(format!(
            "Value {v} at '{path}' failed to satisfy constraint: {constraint}"
        ));
    }

    /// A required member must be present; returns it when it is.
    pub fn not_null<'a, T>(&mut self, path: &str, v: &'a Option<T>) -> Option<&'a T> {
        if v.is_none() {
            self.fail(None, path, "Member must not be null");
        }
        v.as_ref()
    }

    /// A table or index name: pattern, then length 3..=255.
    pub fn name(&mut self, path: &str, name: &str) {
        if !is_valid_name(name) {
            self.fail(
                Some(&name),
                path,
                &format!("Member must satisfy regular expression pattern: {TABLE_NAME_PATTERN}"),
            );
        }
        self.length(path, &name, name.chars().count(), 3, 255);
    }

    /// The table names keying a batch's RequestItems map: one failure for the whole map.
    pub fn table_name_keys<'k>(
        &mut self,
        path: &str,
        shown: &dyn Display,
        mut keys: impl Iterator<Item = &'k String>,
    ) {
        if keys.any(|k| !is_valid_name(k) || !(3..=255).contains(&k.chars().count())) {
            self.fail(
                Some(shown),
                path,
                &format!("Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: {TABLE_NAME_PATTERN}]"),
            );
        }
    }

    /// A string or list length within bounds.
    pub fn length(&mut self, path: &str, shown: &dyn Display, len: usize, min: usize, max: usize) {
        if len < min {
            self.fail(
                Some(shown),
                path,
                &format!("Member must have length greater than or equal to {min}"),
            );
        } else if len > max {
            self.fail(
                Some(shown),
                path,
                &format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    /// A number within bounds.
    pub fn range(&mut self, path: &str, v: i64, min: i64, max: Option<i64>) {
        if v < min {
            self.fail(
                Some(&v),
                path,
                &format!("Member must have value greater than or equal to {min}"),
            );
        } else if let Some(max) = max.filter(|m| v > *m) {
            self.fail(
                Some(&v),
                path,
                &format!("Member must have value less than or equal to {max}"),
            );
        }
    }

    /// `ReturnConsumedCapacity`, which most operations take.
    pub fn return_consumed_capacity(&mut self, v: Option<&str>) {
        self.one_of("returnConsumedCapacity", v, enums::RETURN_CONSUMED_CAPACITY);
    }

    /// A value from an enum; `allowed` is printed as DynamoDB lists it.
    pub fn one_of(&mut self, path: &str, v: Option<&str>, allowed: &[&str]) {
        if let Some(v) = v {
            if !allowed.contains(&v) {
                self.fail(
                    Some(&v),
                    path,
                    &format!(
                        "Member must satisfy enum value set: [{}]",
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    /// The aggregated ValidationException, if anything failed.
    pub fn finish(self) -> Result<()> {
        match self.errors.len() {
            0 => Ok(()),
            1 => Err(Error::validation(format!(
                "1 validation error detected: {}",
                self.errors[0]
            ))),
            n => Err(Error::validation(format!(
                "{n} validation errors detected: {}",
                self.errors.join("; ")
            ))),
        }
    }
}

/// A required member, after its constraints were checked: the value, or DynamoDB's error for
/// that member missing (what the constraint check reports, never a panic).
pub(crate) fn present<'a, T>(v: &'a Option<T>, path: &str) -> Result<&'a T> {
    v.as_ref().ok_or_else(|| {
        Error::validation(format!(
            "1 validation error detected: Value null at '{path}' failed to satisfy constraint: Member must not be null"
        ))
    })
}

/// AttributesToGet: 1 to 255 names, shown as DynamoDB echoes a list (`[a, b]`).
pub(crate) fn constrain_attributes_to_get(
    c: &mut Constraints,
    path: &str,
    names: Option<&[String]>,
) {
    if let Some(names) = names {
        let shown = format!("[{}]", names.join(", "));
        c.length(path, &shown, names.len(), 1, 255);
    }
}

/// The TableName member: required (checked first, with its own message), then constraints.
pub(crate) fn require_table_name(name: &Option<String>) -> Result<&str> {
    name.as_deref().ok_or_else(|| {
        Error::validation(
            "The parameter 'TableName' is required but was not present in the request",
        )
    })
}

/// Enum value sets as DynamoDB prints them.
pub(crate) mod enums {
    /// ReturnConsumedCapacity.
    pub const RETURN_CONSUMED_CAPACITY: &[&str] = &["INDEXES", "TOTAL", "NONE"];
    /// ReturnValues.
    pub const RETURN_VALUES: &[&str] =
        &["ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"];
    /// ReturnValuesOnConditionCheckFailure.
    pub const RETURN_VALUES_ON_CONDITION_CHECK_FAILURE: &[&str] = &["ALL_OLD", "NONE"];
    /// ReturnItemCollectionMetrics.
    pub const RETURN_ITEM_COLLECTION_METRICS: &[&str] = &["SIZE", "NONE"];
    /// KeyType.
    pub const KEY_TYPE: &[&str] = &["HASH", "RANGE"];
    /// ScalarAttributeType.
    pub const ATTRIBUTE_TYPE: &[&str] = &["B", "N", "S"];
    /// ProjectionType.
    pub const PROJECTION_TYPE: &[&str] = &["ALL", "INCLUDE", "KEYS_ONLY"];
    /// BillingMode.
    pub const BILLING_MODE: &[&str] = &["PROVISIONED", "PAY_PER_REQUEST"];
    /// StreamViewType.
    pub const STREAM_VIEW_TYPE: &[&str] =
        &["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"];
    /// TableClass.
    pub const TABLE_CLASS: &[&str] = &["STANDARD", "STANDARD_INFREQUENT_ACCESS"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_like_dynamodb() {
        let mut c = Constraints::default();
        c.name("exclusiveStartTableName", "a;");
        c.range("limit", 500, 1, Some(100));
        assert_eq!(
            c.finish().unwrap_err().message(),
            "3 validation errors detected: Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3; Value '500' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100"
        );
    }

    #[test]
    fn lists_at_most_ten() {
        let mut c = Constraints::default();
        for i in 0..12 {
            c.not_null::<()>(&format!("f{i}"), &None);
        }
        assert!(c
            .finish()
            .unwrap_err()
            .message()
            .starts_with("10 validation errors detected: "));
    }

    #[test]
    fn the_printed_sets_are_the_parsed_enums() {
        use crate::types::*;
        let same = |printed: &[&str], parsed: Vec<&str>| {
            let mut a: Vec<&str> = printed.to_vec();
            let mut b = parsed;
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b);
        };
        use ReturnValues as R;
        same(
            enums::RETURN_VALUES,
            [R::None, R::AllOld, R::UpdatedOld, R::AllNew, R::UpdatedNew]
                .map(R::as_str)
                .to_vec(),
        );
        same(
            enums::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
            [ReturnOnFailure::None, ReturnOnFailure::AllOld]
                .map(ReturnOnFailure::as_str)
                .to_vec(),
        );
        same(
            enums::RETURN_ITEM_COLLECTION_METRICS,
            [ReturnCollectionMetrics::None, ReturnCollectionMetrics::Size]
                .map(ReturnCollectionMetrics::as_str)
                .to_vec(),
        );
        same(
            enums::BILLING_MODE,
            [BillingMode::Provisioned, BillingMode::PayPerRequest]
                .map(BillingMode::as_str)
                .to_vec(),
        );
        same(
            enums::KEY_TYPE,
            [KeyType::Hash, KeyType::Range]
                .map(KeyType::as_str)
                .to_vec(),
        );
        same(
            enums::PROJECTION_TYPE,
            [
                ProjectionType::All,
                ProjectionType::KeysOnly,
                ProjectionType::Include,
            ]
            .map(ProjectionType::as_str)
            .to_vec(),
        );
    }
}
