//! What PutItem and DeleteItem share: their common members, checked in DynamoDB's order, and
//! the write itself (condition, the one write path, counters, capacity, ReturnValues).

use super::common::{collection_metrics, wants_collection_metrics, write_capacity, Split};
use crate::engine::capacity::ReturnCapacity;
use crate::error::{Error, ErrorCode, Result};
use crate::expr::ir::Cond;
use crate::expr::legacy;
use crate::expr::{
    check_placeholders_used_with_expressions, parse_condition, ExprKind, Names, Placeholders,
};
use crate::model::codec::{decode_item, EncodedItem};
use crate::model::value::Item;
use crate::storage::write::{Billing, WriteBatch};
use crate::storage::State;
use crate::types::{
    Conditions, ConsumedCapacity, ExpectedAttributeValue, ItemCollectionMetrics, ReturnOnFailure,
    ReturnValues,
};
use crate::validate::{enums, Constraints};

/// Builds [`WriteMembers`] from a PutItem, DeleteItem or UpdateItem request (same member names).
macro_rules! write_members {
    ($req:expr) => {
        $crate::ops::single_write::WriteMembers {
            return_consumed_capacity: $req.return_consumed_capacity.as_deref(),
            return_values: $req.return_values.as_deref(),
            return_item_collection_metrics: $req.return_item_collection_metrics.as_deref(),
            return_values_on_condition_check_failure: $req
                .return_values_on_condition_check_failure
                .as_deref(),
            condition_expression: $req.condition_expression.as_deref(),
            names: $req.expression_attribute_names.as_ref(),
            values: $req.expression_attribute_values.as_ref(),
            expected: $req.expected.as_ref(),
            conditional_operator: $req.conditional_operator.as_deref(),
        }
    };
}
pub(crate) use write_members;

/// The members PutItem, DeleteItem and UpdateItem have in common.
pub(crate) struct WriteMembers<'a> {
    pub return_consumed_capacity: Option<&'a str>,
    pub return_values: Option<&'a str>,
    pub return_item_collection_metrics: Option<&'a str>,
    pub return_values_on_condition_check_failure: Option<&'a str>,
    pub condition_expression: Option<&'a str>,
    pub names: Option<&'a Names>,
    pub values: Option<&'a Item>,
    pub expected: Option<&'a Conditions<ExpectedAttributeValue>>,
    pub conditional_operator: Option<&'a str>,
}

impl WriteMembers<'_> {
    /// Enum constraints, after the operation's own table name and item/key checks.
    pub fn constraints(&self, c: &mut Constraints) {
        legacy::constrain_expected(c, self.expected);
        legacy::constrain_conditional_operator(c, self.conditional_operator);
        c.return_consumed_capacity(self.return_consumed_capacity);
        c.one_of("returnValues", self.return_values, enums::RETURN_VALUES);
        c.one_of(
            "returnItemCollectionMetrics",
            self.return_item_collection_metrics,
            enums::RETURN_ITEM_COLLECTION_METRICS,
        );
        c.one_of(
            "returnValuesOnConditionCheckFailure",
            self.return_values_on_condition_check_failure,
            enums::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
        );
    }

    /// Legacy and expression parameters not mixed, placeholders given only with an
    /// expression, ConditionalOperator with two or more conditions (PutItem, DeleteItem).
    pub fn check_members(&self) -> Result<()> {
        legacy::check_mixing(
            &[
                ("Expected", self.expected.is_some()),
                ("ConditionalOperator", self.conditional_operator.is_some()),
            ],
            &[("ConditionExpression", self.condition_expression.is_some())],
        )?;
        let cond = self.condition_expression.is_some();
        check_placeholders_used_with_expressions(self.names, self.values, cond, cond)?;
        self.check_conditional_operator()
    }

    /// ConditionalOperator needs an Expected of two or more conditions.
    pub fn check_conditional_operator(&self) -> Result<()> {
        legacy::check_conditional_operator(
            self.conditional_operator,
            self.expected.map(|e| e.len()),
        )
    }

    /// ReturnValues, parsed (after the constraints checked it).
    pub fn returned(&self) -> ReturnValues {
        ReturnValues::from_member(self.return_values).unwrap_or(ReturnValues::None)
    }

    /// ReturnValues for a single-item put or delete: NONE or ALL_OLD only.
    pub fn return_old(&self) -> Result<bool> {
        match self.returned() {
            ReturnValues::None => Ok(false),
            ReturnValues::AllOld => Ok(true),
            _ => Err(Error::validation(
                "ReturnValues can only be ALL_OLD or NONE",
            )),
        }
    }

    /// The parsed ConditionExpression (placeholder maps, the expression, unused
    /// placeholders), or Expected compiled into the same IR.
    pub fn condition(&self) -> Result<Option<Cond>> {
        let Some(text) = self.condition_expression else {
            return match self.expected {
                Some(e) => legacy::expected(e, self.conditional_operator),
                None => Ok(None),
            };
        };
        let mut ph = Placeholders::new(self.names, self.values)?;
        let cond = parse_condition(ExprKind::Condition, text, &mut ph)?;
        ph.check_unused()?;
        Ok(Some(cond))
    }

    fn return_old_on_failure(&self) -> bool {
        ReturnOnFailure::from_member(self.return_values_on_condition_check_failure)
            == Some(ReturnOnFailure::AllOld)
    }
}

/// Fails with ConditionalCheckFailedException (carrying the item when asked) unless the
/// condition holds on the current item.
pub(crate) fn check_condition(
    cond: &Cond,
    old: Option<Item>,
    members: &WriteMembers<'_>,
) -> Result<()> {
    if crate::expr::eval::eval(cond, old.as_ref().unwrap_or(&Item::new())) {
        return Ok(());
    }
    let mut e = Error::new(
        ErrorCode::ConditionalCheckFailedException,
        "The conditional request failed",
    );
    if let (true, Some(old)) = (members.return_old_on_failure(), old) {
        e = e.with_field("Item", serde_json::to_value(old).unwrap_or_default());
    }
    Err(e)
}

/// What a single-item write returns.
pub(crate) struct WriteResult {
    pub attributes: Option<Item>,
    pub consumed_capacity: Option<ConsumedCapacity>,
    pub item_collection_metrics: Option<ItemCollectionMetrics>,
}

/// Checks the condition, writes (`new = Some`) or deletes through the write pipeline, and
/// shapes the result. The caller has validated the key against the table.
#[allow(clippy::too_many_arguments)]
pub(crate) fn execute(
    state: &mut State,
    table: &str,
    pk: Vec<u8>,
    sk: Vec<u8>,
    new: Option<(&Item, EncodedItem)>,
    members: &WriteMembers<'_>,
    condition: Option<&Cond>,
    return_old: bool,
) -> Result<WriteResult> {
    if let Some(cond) = condition {
        let t = state.table(table).ok_or_else(Error::resource_not_found)?;
        let old = state.get_item(t, &pk, &sk)?.map(|(item, _)| item);
        check_condition(cond, old, members)?;
    }
    let mut batch = WriteBatch::new(
        state,
        Billing::Standard,
        wants_collection_metrics(members.return_item_collection_metrics),
    );
    match new {
        Some((item, enc)) => batch.put(table, pk, sk, item, enc)?,
        None => batch.delete(table, pk, sk)?,
    }
    // All that can fail happens before the commit.
    let attributes = match batch.replaced(0) {
        Some(old) if return_old => Some(decode_item(&old.bytes)?),
        _ => None,
    };
    let done = batch.commit()?;
    let item_collection_metrics = match done.collections.is_empty() {
        true => None,
        false => collection_metrics(state, &done.collections)?
            .into_values()
            .flatten()
            .next(),
    };
    Ok(WriteResult {
        attributes,
        consumed_capacity: write_capacity(
            ReturnCapacity::parse(members.return_consumed_capacity),
            done.charges(),
            Split::No,
        )
        .pop(),
        item_collection_metrics,
    })
}
