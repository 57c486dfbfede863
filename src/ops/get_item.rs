//! GetItem.

use super::common::{consumed, key_of_key, read_units, EmptyKeyWording};
use crate::engine::capacity::ReturnCapacity;
use crate::engine::explain::Explain;
use crate::engine::handle::Engine;
use crate::engine::page::PageItem;
use crate::engine::plan::KeyRead;
use crate::error::{Error, Result};
use crate::expr::ir::Path;
use crate::expr::{legacy, projection};
use crate::model::codec::check_value;
use crate::model::value::Item;
use crate::types::{GetItemInput, GetItemOutput};
use crate::validate::{constrain_attributes_to_get, present, require_table_name, Constraints};

/// Checks a GetItem request and parses its projection: everything done before the lock.
fn check(req: &GetItemInput) -> Result<(&str, &Item, Option<Vec<Path>>)> {
    let name = require_table_name(&req.table_name)?;
    let mut c = Constraints::default();
    c.name("tableName", name);
    c.not_null("key", &req.key);
    c.return_consumed_capacity(req.return_consumed_capacity.as_deref());
    constrain_attributes_to_get(&mut c, "attributesToGet", req.attributes_to_get.as_deref());
    c.finish()?;
    legacy::check_mixing(
        &[("AttributesToGet", req.attributes_to_get.is_some())],
        &[("ProjectionExpression", req.projection_expression.is_some())],
    )?;
    crate::expr::check_placeholders_used_with_expressions(
        req.expression_attribute_names.as_ref(),
        None,
        req.projection_expression.is_some(),
        false,
    )?;
    let key = present(&req.key, "key")?;
    // Attribute values are validated before the table is looked up.
    for v in key.values() {
        check_value(v)?;
    }
    let projection = projection::read_projection(
        req.projection_expression.as_deref(),
        req.expression_attribute_names.as_ref(),
        req.attributes_to_get.as_deref(),
    )?;
    Ok((name, key, projection))
}

pub(crate) fn run(db: &Engine, req: GetItemInput) -> Result<GetItemOutput> {
    let out = read(db, &req, false)?;
    Ok(GetItemOutput {
        item: out.item.map(PageItem::into_item).transpose()?,
        consumed_capacity: out.consumed_capacity,
    })
}

/// Runs a GetItem on a raw JSON body into the raw JSON response (the HTTP path): an
/// unprojected item goes from its stored bytes to JSON without being decoded.
pub(crate) fn run_wire(db: &Engine, body: &[u8]) -> Result<Vec<u8>> {
    let req: GetItemInput = crate::wire::from_slice(body)?;
    crate::wire::to_vec(&read(db, &req, true)?)
}

/// GetItem's response, with the item possibly still in the stored format.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct Found {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<PageItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<crate::types::ConsumedCapacity>,
}

/// Reads the item; `stored` keeps an unprojected item in the stored format.
fn read(db: &Engine, req: &GetItemInput, stored: bool) -> Result<Found> {
    let (name, key, projection) = check(req)?;
    let guard = db.read()?;
    let view = guard.view();
    let t = view.table(name).ok_or_else(Error::resource_not_found)?;
    let (pk, sk) = key_of_key(t, key, EmptyKeyWording::WereInvalid)?;
    let plan = KeyRead {
        t,
        pk: &pk,
        sk: &sk,
        projection: projection.as_deref(),
    };
    let (item, size) = plan.execute(&view, stored)?;
    drop(guard);
    // Capacity is charged on the whole item, projected or not.
    let units = read_units(size, req.consistent_read.unwrap_or(false));
    Ok(Found {
        item,
        consumed_capacity: consumed(
            ReturnCapacity::parse(req.return_consumed_capacity.as_deref()),
            name,
            units,
            &[],
        ),
    })
}

/// The explanation of a GetItem: one lookup on the clustered key.
pub(crate) fn explain(db: &Engine, req: GetItemInput) -> Result<Explain> {
    let (name, key, projection) = check(&req)?;
    let guard = db.read()?;
    let view = guard.view();
    let t = view.table(name).ok_or_else(Error::resource_not_found)?;
    let (pk, sk) = key_of_key(t, key, EmptyKeyWording::WereInvalid)?;
    let ir = vec![format!(
        "Key: {}",
        serde_json::to_string(key).map_err(|e| Error::internal(e.to_string()))?
    )];
    let plan = KeyRead {
        t,
        pk: &pk,
        sk: &sk,
        projection: projection.as_deref(),
    };
    plan.explain(&view, "GetItem", ir)
}
