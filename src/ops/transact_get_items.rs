//! TransactGetItems: up to 100 reads, all under one lock, so they see one snapshot.

use super::common::{
    consumed_split, key_of_key, key_shape_error, read_units, EmptyKeyWording, Split,
};
use super::transact::{canceled, same_item_twice, Reason, MAX_ACTIONS};
use crate::engine::handle::Engine;
use crate::engine::page::PageItem;
use crate::engine::plan::KeyRead;
use crate::error::{Error, Result};
use crate::expr::{check_placeholders_used_with_expressions, projection};
use crate::model::codec::check_value;
use crate::types::{ItemResponse, TransactGetItemsInput, TransactGetItemsOutput};
use crate::validate::Constraints;
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
    let gets: Vec<_> = req
        .transact_items
        .iter()
        .flatten()
        .map(|e| e.get.as_ref().expect("checked not null"))
        .collect();
    let mut projections = Vec::with_capacity(gets.len());
    for get in &gets {
        check_placeholders_used_with_expressions(
            get.expression_attribute_names.as_ref(),
            None,
            get.projection_expression.is_some(),
            false,
        )?;
        projections.push(projection::read_projection(
            get.projection_expression.as_deref(),
            get.expression_attribute_names.as_ref(),
            None,
        )?);
        for v in get.key.as_ref().expect("checked not null").values() {
            check_value(v)?;
        }
    }

    let guard = db.read()?;
    let state = guard.view();
    let mut reasons = vec![Reason::none(); gets.len()];
    let mut targets = Vec::with_capacity(gets.len());
    let mut seen = BTreeSet::new();
    for (i, get) in gets.iter().enumerate() {
        let name = get.table_name.as_deref().expect("checked not null");
        let t = state.table(name).ok_or_else(Error::resource_not_found)?;
        let key = get.key.as_ref().expect("checked not null");
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
    for ((t, pk, sk), paths) in targets.into_iter().flatten().zip(&projections) {
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
                req.return_consumed_capacity.as_deref(),
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
