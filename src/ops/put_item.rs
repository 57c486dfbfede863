//! PutItem.

use super::common::{check_index_keys, check_item_size, consumed, key_of_item};
use super::common::{check_write_condition, parse_write_condition, return_old_on_failure};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::expr::check_placeholders_used_with_expressions;
use crate::model::codec::{decode_item, encode_item};
use crate::storage::write::{write_item, write_units, Delta};
use crate::storage::Txn;
use crate::types::{PutItemInput, PutItemOutput};
use crate::validate::{enums, require_table_name, Constraints};

pub(crate) fn run(db: &Database, req: PutItemInput) -> Result<PutItemOutput> {
    let name = require_table_name(&req.table_name)?;
    let mut c = Constraints::default();
    c.name("tableName", name);
    c.not_null("item", &req.item);
    c.one_of(
        "returnConsumedCapacity",
        req.return_consumed_capacity.as_deref(),
        enums::RETURN_CONSUMED_CAPACITY,
    );
    c.one_of(
        "returnValues",
        req.return_values.as_deref(),
        enums::RETURN_VALUES,
    );
    c.one_of(
        "returnItemCollectionMetrics",
        req.return_item_collection_metrics.as_deref(),
        enums::RETURN_ITEM_COLLECTION_METRICS,
    );
    c.one_of(
        "returnValuesOnConditionCheckFailure",
        req.return_values_on_condition_check_failure.as_deref(),
        enums::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
    );
    c.finish()?;
    super::common::refuse_unsupported(&[
        ("Expected", req.expected.is_some()),
        ("ConditionalOperator", req.conditional_operator.is_some()),
    ])?;
    let condition_text = req.condition_expression.as_deref();
    check_placeholders_used_with_expressions(
        req.expression_attribute_names.as_ref(),
        req.expression_attribute_values.as_ref(),
        condition_text.is_some(),
        condition_text.is_some(),
    )?;
    let item = req.item.as_ref().expect("checked not null");
    let enc = encode_item(item)?;
    let return_old = match req.return_values.as_deref() {
        None | Some("NONE") => false,
        Some("ALL_OLD") => true,
        Some(_) => {
            return Err(Error::validation(
                "ReturnValues can only be ALL_OLD or NONE",
            ))
        }
    };
    check_item_size(enc.size)?;
    let condition = parse_write_condition(
        condition_text,
        req.expression_attribute_names.as_ref(),
        req.expression_attribute_values.as_ref(),
    )?;

    let mut state = db.lock();
    let state = &mut *state;
    let t = state
        .tables
        .get(name)
        .ok_or_else(Error::resource_not_found)?;
    let (pk, sk) = key_of_item(t, item)?;
    check_index_keys(t, item)?;
    if let Some(cond) = &condition {
        let old = state.get_item(t, &pk, &sk)?.map(|(i, _)| i);
        check_write_condition(
            cond,
            old.as_ref(),
            return_old_on_failure(&req.return_values_on_condition_check_failure),
        )?;
    }

    let mut delta = Delta::default();
    // One statement per index plus the table row.
    let tx = Txn::for_write(&state.conn, 1 + t.indexes.len())?;
    let out = write_item(&tx, t, &pk, &sk, Some((item, &enc)), &mut delta)?;
    tx.commit()?;
    let t = state.tables.get_mut(name).expect("looked up above");
    delta.apply(t);

    let old_size = out.old.as_ref().map_or(0, |o| o.size);
    let units = write_units(enc.size.max(old_size));
    let attributes = match (&out.old, return_old) {
        (Some(old), true) => Some(decode_item(&old.bytes)?),
        _ => None,
    };
    Ok(PutItemOutput {
        attributes,
        consumed_capacity: consumed(
            req.return_consumed_capacity.as_deref(),
            name,
            units,
            &out.index_writes,
        ),
    })
}
