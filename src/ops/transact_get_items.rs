//! TransactGetItems: up to 100 reads, all under one lock, so they see one snapshot.

use super::common::{
    consumed_split, key_of_key, key_shape_error, read_units, EmptyKeyWording, Split,
};
use super::transact::{canceled, same_item_twice, Reason, MAX_ACTIONS};
use crate::engine::capacity::ReturnCapacity;
use crate::engine::handle::Engine;
use crate::engine::page::PageItem;
use crate::engine::plan::KeyRead;
use crate::error::{Error, Result};
use crate::expr::{check_placeholders_used_with_expressions, projection};
use crate::model::codec::check_value;
use crate::types::{ItemResponse, TransactGetItemsInput, TransactGetItemsOutput};
use crate::validate::{present, Constraints};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) fn run(db: &Engine, req: TransactGetItemsInput) -> Result<TransactGetItemsOutput> {
    let mut c = Constraints::default();
    if let Some(items) = c.not_null("transactItems", &req.transact_items) {
        let shown = serde_json::to_string(items).unwrap_or_default();
        c.length("transactItems", &shown, items.len(), 1, MAX_ACTIONS);
        for (i, entry) in items.iter().enumerate() {
            let path = format!("transactItems.{}.member.get", i + 1);
            if let Some(get) = c.not_null(&path, &entry.get) {
                match &get.table_name {
                    Some(name) => c.name(&format!("{path}.tableName"), name),
                    None => c.fail(
                        None,
                        &format!("{path}.tableName"),
                        "Member must not be null",
                    ),
                }
                c.not_null(&format!("{path}.key"), &get.key);
            }
        }
    }
    c.return_consumed_capacity(req.return_consumed_capacity.as_deref());
    c.finish()?;
    // Each Get, parsed: its table, key and projection.
    let mut gets = Vec::new();
    for (i, entry) in req.transact_items.iter().flatten().enumerate() {
        let path = format!("transactItems.{}.member.get", i + 1);
        let get = present(&entry.get, &path)?;
        check_placeholders_used_with_expressions(
            get.expression_attribute_names.as_ref(),
            None,
            get.projection_expression.is_some(),
            false,
        )?;
        let projection = projection::read_projection(
            get.projection_expression.as_deref(),
            get.expression_attribute_names.as_ref(),
            None,
        )?;
        let key = present(&get.key, &format!("{path}.key"))?;
        for v in key.values() {
            check_value(v)?;
        }
        let table = present(&get.table_name, &format!("{path}.tableName"))?;
        gets.push((table.as_str(), key, projection));
    }

    let guard = db.read()?;
    let state = guard.view();
    let mut reasons = vec![Reason::none(); gets.len()];
    let mut targets = Vec::with_capacity(gets.len());
    let mut seen = BTreeSet::new();
    for (i, &(name, key, _)) in gets.iter().enumerate() {
        let t = state.table(name).ok_or_else(Error::resource_not_found)?;
        if let Some(e) = key_shape_error(t, key) {
            reasons[i] = Reason::validation(&e);
            targets.push(None);
            continue;
        }
        let (pk, sk) = key_of_key(t, key, EmptyKeyWording::NotValid)?;
        if !seen.insert((name, pk.clone(), sk.clone())) {
            return Err(same_item_twice());
        }
        targets.push(Some((t, pk, sk)));
    }
    if reasons.iter().any(Reason::failed) {
        return Err(canceled(&reasons));
    }

    let mut responses = Vec::with_capacity(gets.len());
    let mut units: BTreeMap<&str, f64> = BTreeMap::new();
    // No reason failed: every action has its target.
    for ((t, pk, sk), (_, _, paths)) in targets.into_iter().flatten().zip(&gets) {
        let plan = KeyRead {
            t,
            pk: &pk,
            sk: &sk,
            projection: paths.as_deref(),
        };
        let (found, size) = plan.execute(&state, false)?;
        // Transactional reads cost twice a consistent read, missing items included.
        *units.entry(&t.desc.table_name).or_default() += 2.0 * read_units(size, true);
        let item = found
            .map(PageItem::into_item)
            .transpose()?
            .filter(|i| !i.is_empty());
        responses.push(ItemResponse { item });
    }
    let capacity: Vec<_> = units
        .into_iter()
        .filter_map(|(table, u)| {
            consumed_split(
                ReturnCapacity::parse(req.return_consumed_capacity.as_deref()),
                table,
                u,
                &[],
                Split::Read,
            )
        })
        .collect();
    Ok(TransactGetItemsOutput {
        responses: Some(responses),
        consumed_capacity: (!capacity.is_empty()).then_some(capacity),
    })
}
