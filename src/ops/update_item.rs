//! UpdateItem: read the item (or start from its key), check the condition, apply the update
//! expression, validate the result like a PutItem, and write it through the one write path.

use super::common::{key_of_key, EmptyKeyWording};
use super::single_write::{check_condition, execute, write_members};
use crate::engine::capacity::ReturnCapacity;
use crate::engine::handle::Engine;
use crate::engine::update::UpdateAction;
use crate::error::{Error, Result};
use crate::expr::{legacy, parse_condition, update, ExprKind, Placeholders};
use crate::model::codec::check_value;
use crate::types::{UpdateItemInput, UpdateItemOutput};
use crate::validate::{present, require_table_name, Constraints};

pub(crate) fn run(db: &Engine, req: UpdateItemInput) -> Result<UpdateItemOutput> {
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
    let key = present(&req.key, "key")?;
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

    let action = match (&plan, &req.attribute_updates) {
        (Some(plan), _) => UpdateAction::Expression(plan),
        (None, Some(u)) => UpdateAction::Legacy(u),
        (None, None) => UpdateAction::Nothing,
    };
    let returned = members.returned();

    let mut state = db.lock();
    let t = state.table(name).ok_or_else(Error::resource_not_found)?;
    let (pk, sk) = key_of_key(t, key, EmptyKeyWording::NotValid)?;
    action.check_key_untouched(t)?;
    let old = state.get_item(t, &pk, &sk)?.map(|(item, _)| item);
    if let Some(cond) = &condition {
        check_condition(cond, old.clone(), &members)?;
    }
    if old.is_none() && action.leaves_missing_item_missing() {
        return Ok(UpdateItemOutput {
            consumed_capacity: super::common::consumed(
                ReturnCapacity::parse(members.return_consumed_capacity),
                name,
                1.0,
                &[],
            ),
            ..Default::default()
        });
    }
    // A missing item starts as its key.
    let base = old.clone().unwrap_or_else(|| key.clone());
    let new = action.apply(t, base)?;
    let out = execute(
        &mut state,
        name,
        pk,
        sk,
        Some((&new.item, new.encoded)),
        &members,
        None,
        false,
    )?;
    Ok(UpdateItemOutput {
        attributes: action.returned(returned, old, &new.item),
        consumed_capacity: out.consumed_capacity,
        item_collection_metrics: out.item_collection_metrics,
    })
}
