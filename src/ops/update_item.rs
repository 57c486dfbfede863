//! UpdateItem: read the item (or start from its key), check the condition, apply the update
//! expression, validate the result like a PutItem, and write it through the one write path.

use super::common::{check_index_keys, key_of_key, EmptyKeyWording};
use super::single_write::{check_condition, execute, write_members};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::expr::ir::Path;
use crate::expr::{legacy, parse_condition, projection, update, ExprKind, Placeholders};
use crate::model::codec::{check_value, encode_item};
use crate::types::{UpdateItemInput, UpdateItemOutput};
use crate::validate::{require_table_name, Constraints};

pub(crate) fn run(db: &Database, req: UpdateItemInput) -> Result<UpdateItemOutput> {
    let name = require_table_name(&req.table_name)?;
    let members = write_members!(req);
    let mut c = Constraints::default();
    c.name("tableName", name);
    c.not_null("key", &req.key);
    members.constraints(&mut c);
    legacy::constrain_attribute_updates(&mut c, req.attribute_updates.as_ref());
    c.finish()?;
    legacy::check_mixing(
        &[
            ("AttributeUpdates", req.attribute_updates.is_some()),
            ("Expected", req.expected.is_some()),
            ("ConditionalOperator", req.conditional_operator.is_some()),
        ],
        &[
            ("UpdateExpression", req.update_expression.is_some()),
            ("ConditionExpression", req.condition_expression.is_some()),
        ],
    )?;
    let any_expression = req.update_expression.is_some() || req.condition_expression.is_some();
    crate::expr::check_placeholders_used_with_expressions(
        members.names,
        members.values,
        any_expression,
        any_expression,
    )?;
    members.check_conditional_operator()?;
    let key = req.key.as_ref().expect("checked not null");
    for v in key.values() {
        check_value(v)?;
    }
    if let Some(u) = &req.attribute_updates {
        legacy::check_attribute_updates(u)?;
    }
    // Update first, then condition, as DynamoDB parses them; unused placeholders last.
    let mut ph = Placeholders::new(members.names, members.values)?;
    let plan = match &req.update_expression {
        Some(text) => Some(update::parse(text, &mut ph)?),
        None => None,
    };
    let condition = match &req.condition_expression {
        Some(text) => Some(parse_condition(ExprKind::Condition, text, &mut ph)?),
        None => match &req.expected {
            Some(e) => legacy::expected(e, members.conditional_operator)?,
            None => None,
        },
    };
    ph.check_unused()?;

    let mut state = db.lock();
    let t = state.table(name).ok_or_else(Error::resource_not_found)?;
    let (pk, sk) = key_of_key(t, key, EmptyKeyWording::NotValid)?;
    let keys: Vec<&str> = t.key.attrs().map(|a| a.name.as_str()).collect();
    let touched = match (&plan, &req.attribute_updates) {
        (Some(plan), _) => update::key_attribute_touched(plan, &keys),
        (None, Some(u)) => legacy::attribute_updates_touch_key(u, &keys).map(str::to_string),
        (None, None) => None,
    };
    if let Some(k) = touched {
        return Err(Error::invalid_param(format!(
            "Cannot update attribute {k}. This attribute is part of the key"
        )));
    }
    let old = state.get_item(t, &pk, &sk)?.map(|(item, _)| item);
    if let Some(cond) = &condition {
        check_condition(cond, old.clone(), &members)?;
    }
    // Legacy DELETE actions alone never create an item.
    if old.is_none()
        && req
            .attribute_updates
            .as_ref()
            .is_some_and(legacy::only_deletes)
    {
        return Ok(UpdateItemOutput {
            consumed_capacity: super::common::consumed(
                members.return_consumed_capacity,
                name,
                1.0,
                &[],
            ),
            ..Default::default()
        });
    }
    // A missing item starts as its key.
    let base = old.clone().unwrap_or_else(|| key.clone());
    let new = match (&plan, &req.attribute_updates) {
        (Some(plan), _) => update::apply(plan, &base)?,
        (None, Some(u)) => legacy::apply_attribute_updates(u, &base)?,
        (None, None) => base,
    };
    let enc = encode_item(&new)?;
    if enc.size > super::common::MAX_ITEM_SIZE {
        return Err(Error::validation(
            "Item size to update has exceeded the maximum allowed size",
        ));
    }
    check_index_keys(t, &new)?;
    let out = execute(
        &mut state,
        name,
        &pk,
        &sk,
        Some((&new, &enc)),
        &members,
        None,
        false,
    )?;

    let updated = match (&plan, &req.attribute_updates) {
        (Some(plan), _) => plan.paths(),
        (None, Some(u)) => u.keys().map(|n| Path::attr(n.clone())).collect(),
        (None, None) => Vec::new(),
    };
    let attributes = match req.return_values.as_deref() {
        Some("ALL_OLD") => old,
        Some("ALL_NEW") => Some(new),
        Some("UPDATED_OLD") => old.map(|o| projection::apply(&o, &updated)),
        Some("UPDATED_NEW") => Some(projection::apply(&new, &updated)),
        _ => None,
    }
    .filter(|a| !a.is_empty());
    Ok(UpdateItemOutput {
        attributes,
        consumed_capacity: out.consumed_capacity,
        item_collection_metrics: out.item_collection_metrics,
    })
}
