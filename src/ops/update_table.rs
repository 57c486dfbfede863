//! UpdateTable: throughput, billing mode, streams, settings, and GSI create/update/delete.

use super::create_table::{
    check_capacity_bounds, check_gsi, check_stream, gsi_description, index_name_shape,
    sse_description, throughput_desc, throughput_shape, GsiContext,
};
use super::describe_table::table_not_found;
use super::key_schema::{shape_key_schema, shape_projection};
use crate::engine::handle::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::types::*;
use crate::validate::{enums, require_table_name, Constraints};
use std::collections::HashSet;

const MAX_GSIS: usize = 20;

pub(crate) fn run(db: &Engine, req: UpdateTableInput) -> Result<UpdateTableOutput> {
    let name = require_table_name(&req.table_name)?;
    let mut c = Constraints::default();
    c.name("tableName", name);
    c.finish()?;
    shape(&req)?;
    nothing_to_update(&req)?;
    let mode = req.billing_mode.as_deref().and_then(BillingMode::parse);
    if mode == Some(BillingMode::Provisioned) && req.provisioned_throughput.is_none() {
        return Err(Error::invalid_param(
            "ProvisionedThroughput must be specified when BillingMode is PROVISIONED",
        ));
    }
    if let Some(pt) = &req.provisioned_throughput {
        check_capacity_bounds(pt)?;
    }
    let updates = req
        .global_secondary_index_updates
        .as_deref()
        .unwrap_or_default();
    check_update_list(&req, updates)?;

    let mut state = db.lock();
    let t = state.table(name).ok_or_else(|| table_not_found(name))?;
    let mut desc = t.desc.clone();
    check_combinations(&req, updates)?;
    let ts = db.now();
    let billing = apply_billing(&mut desc, &req, updates, ts)?;
    if let Some(pt) = &req.provisioned_throughput {
        apply_table_throughput(&mut desc, pt, billing, ts)?;
    }
    if let Some(s) = &req.stream_specification {
        let label = super::streams::fresh_label(&state, name, ts);
        apply_stream(&mut desc, s, name, label)?;
    }
    apply_settings(&mut desc, &req, db.region(), ts);
    let change = apply_index_updates(&mut desc, &req, updates, name, billing, ts)?;

    match change {
        IndexChange::Create(ix) => state.add_index(name, desc, &ix)?,
        IndexChange::Delete(ix) => state.drop_index(name, desc, &ix)?,
        IndexChange::None => {
            let mut t = state
                .table(name)
                .ok_or_else(|| table_not_found(name))?
                .clone();
            t.desc = desc;
            state.save_table(t)?;
        }
    }
    let t = state.table(name).ok_or_else(|| table_not_found(name))?;
    Ok(UpdateTableOutput {
        table_description: t.describe(),
    })
}

/// Changes that must come alone, and index creations or deletions beside other changes.
fn check_combinations(
    req: &UpdateTableInput,
    updates: &[GlobalSecondaryIndexUpdate],
) -> Result<()> {
    let others = req.provisioned_throughput.is_some()
        || req.billing_mode.is_some()
        || req.stream_specification.is_some()
        || !updates.is_empty()
        || req.on_demand_throughput.is_some()
        || req.warm_throughput.is_some();
    let alone = [
        (
            req.deletion_protection_enabled.is_some(),
            "DeletionProtection",
        ),
        (req.sse_specification.is_some(), "Server-Side Encryption"),
        (req.table_class.is_some(), "TableClass"),
    ];
    let alone_count = alone.iter().filter(|(on, _)| *on).count();
    if let Some((_, what)) = alone.iter().find(|(on, _)| *on) {
        if others || alone_count > 1 {
            return Err(Error::invalid_param(format!(
                "{what} modification must be the only operation in the request"
            )));
        }
    }
    let creates_or_deletes = updates
        .iter()
        .filter(|u| u.create.is_some() || u.delete.is_some())
        .count();
    if creates_or_deletes > 0 && req.provisioned_throughput.is_some() {
        return Err(Error::invalid_param(
            "You cannot create or delete index while updating table IOPS",
        ));
    }
    let provisioned =
        req.billing_mode.as_deref().and_then(BillingMode::parse) == Some(BillingMode::Provisioned);
    if req.stream_specification.is_some() && (req.provisioned_throughput.is_some() || provisioned) {
        return Err(Error::invalid_param(
            "You cannot modify stream status while updating table IOPS",
        ));
    }
    if creates_or_deletes > 0 && req.stream_specification.is_some() {
        return Err(Error::invalid_param(
            "You cannot create or delete index while changing stream status",
        ));
    }
    if creates_or_deletes > 1 {
        return Err(Error::new(
            ErrorCode::LimitExceededException,
            "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table",
        ));
    }
    Ok(())
}

/// The table's billing mode before and after the request.
#[derive(Clone, Copy)]
struct Billing {
    currently_ppr: bool,
    will_be_ppr: bool,
}

/// BillingMode: the checks against the current mode, and the switch itself.
fn apply_billing(
    desc: &mut TableDescription,
    req: &UpdateTableInput,
    updates: &[GlobalSecondaryIndexUpdate],
    ts: f64,
) -> Result<Billing> {
    let mode = req.billing_mode.as_deref().and_then(BillingMode::parse);
    let currently_ppr = desc
        .billing_mode_summary
        .as_ref()
        .and_then(|b| BillingMode::parse(&b.billing_mode))
        == Some(BillingMode::PayPerRequest);
    let will_be_ppr = match mode {
        Some(m) => m == BillingMode::PayPerRequest,
        None => currently_ppr,
    };
    if will_be_ppr && req.provisioned_throughput.is_some() {
        return Err(Error::invalid_param(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        ));
    }
    if currently_ppr && mode == Some(BillingMode::Provisioned) {
        for g in desc.global_secondary_indexes.iter().flatten() {
            let given = updates.iter().any(|u| {
                u.update.as_ref().is_some_and(|x| {
                    x.index_name.as_deref() == Some(g.index_name.as_str())
                        && x.provisioned_throughput.is_some()
                })
            });
            if !given {
                return Err(Error::invalid_param(format!(
                    "ProvisionedThroughput must be specified for index: {}",
                    g.index_name
                )));
            }
        }
    }
    if let Some(mode) = mode {
        if mode == BillingMode::PayPerRequest && !currently_ppr {
            desc.provisioned_throughput = throughput_desc(None);
            for g in desc.global_secondary_indexes.iter_mut().flatten() {
                g.provisioned_throughput = Some(throughput_desc(None));
            }
            desc.billing_mode_summary = Some(BillingModeSummary {
                billing_mode: mode.as_str().to_string(),
                last_update_to_pay_per_request_date_time: Some(ts),
            });
        } else if mode == BillingMode::Provisioned && currently_ppr {
            desc.billing_mode_summary = Some(BillingModeSummary {
                billing_mode: mode.as_str().to_string(),
                last_update_to_pay_per_request_date_time: desc
                    .billing_mode_summary
                    .as_ref()
                    .and_then(|b| b.last_update_to_pay_per_request_date_time),
            });
        }
    }
    Ok(Billing {
        currently_ppr,
        will_be_ppr,
    })
}

/// The table's ProvisionedThroughput: refused when it would not change.
fn apply_table_throughput(
    desc: &mut TableDescription,
    pt: &ProvisionedThroughput,
    billing: Billing,
    ts: f64,
) -> Result<()> {
    let cur = &mut desc.provisioned_throughput;
    change_throughput(cur, pt, billing, ts, ("the table", "the table"))
}

/// Sets a table's or index's throughput; refused when it would not change. `names` are how
/// the message names it: ("the table", "the table") or ("the index X", "index X").
fn change_throughput(
    cur: &mut ProvisionedThroughputDescription,
    pt: &ProvisionedThroughput,
    billing: Billing,
    ts: f64,
    (subject, owner): (&str, &str),
) -> Result<()> {
    let (r, w) = (
        pt.read_capacity_units.unwrap_or(0),
        pt.write_capacity_units.unwrap_or(0),
    );
    if !billing.currently_ppr && r == cur.read_capacity_units && w == cur.write_capacity_units {
        return Err(Error::validation(format!(
            "The provisioned throughput for {subject} will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for {owner}: {}. Requested ReadCapacityUnits: {r}. Current WriteCapacityUnits provisioned for {owner}: {}. Requested WriteCapacityUnits: {w}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
            cur.read_capacity_units, cur.write_capacity_units
        )));
    }
    apply_throughput(cur, r, w, ts);
    Ok(())
}

/// StreamSpecification: enable (a new stream ARN and label) or disable.
fn apply_stream(
    desc: &mut TableDescription,
    s: &StreamSpecification,
    name: &str,
    label: String,
) -> Result<()> {
    check_stream(
        s,
        "If stream is being enabled then UpdateViewType is required",
        "If stream is being disabled, then UpdateViewType must not be specified",
    )?;
    let enabled = desc
        .stream_specification
        .as_ref()
        .and_then(|x| x.stream_enabled)
        == Some(true);
    match s.stream_enabled {
        Some(true) if enabled => Err(Error::validation(format!(
            "Table already has an enabled stream: TableName: {name}"
        ))),
        Some(false) if !enabled => Err(Error::validation(format!(
            "Table has no stream to disable: TableName: {name}"
        ))),
        Some(true) => {
            desc.latest_stream_arn = Some(format!("{}/stream/{label}", desc.table_arn));
            desc.latest_stream_label = Some(label);
            desc.stream_specification = Some(s.clone());
            Ok(())
        }
        _ => {
            desc.stream_specification = None;
            Ok(())
        }
    }
}

/// DeletionProtectionEnabled, SSESpecification, TableClass, OnDemandThroughput.
fn apply_settings(desc: &mut TableDescription, req: &UpdateTableInput, region: &str, ts: f64) {
    if let Some(p) = req.deletion_protection_enabled {
        desc.deletion_protection_enabled = p;
    }
    if let Some(sse) = &req.sse_specification {
        desc.sse_description = sse_description(sse, region);
    }
    if let Some(class) = &req.table_class {
        desc.table_class_summary = Some(TableClassSummary {
            table_class: class.clone(),
            last_update_date_time: Some(ts),
        });
    }
    if let Some(v) = &req.on_demand_throughput {
        desc.on_demand_throughput = Some(v.clone());
    }
}

/// The index a request creates or deletes (at most one), which changes storage too.
enum IndexChange {
    None,
    Create(String),
    Delete(String),
}

/// GlobalSecondaryIndexUpdates, in request order, applied to the description.
fn apply_index_updates(
    desc: &mut TableDescription,
    req: &UpdateTableInput,
    updates: &[GlobalSecondaryIndexUpdate],
    name: &str,
    billing: Billing,
    ts: f64,
) -> Result<IndexChange> {
    let lsi_names: HashSet<String> = desc
        .local_secondary_indexes
        .iter()
        .flatten()
        .map(|i| i.index_name.clone())
        .collect();
    let mut change = IndexChange::None;
    for u in updates {
        if let Some(x) = &u.update {
            update_gsi(desc, x, &lsi_names, name, billing, ts)?;
        }
        if let Some(x) = &u.create {
            change = IndexChange::Create(create_gsi(desc, req, x, &lsi_names, billing)?);
        }
        if let Some(x) = &u.delete {
            change = IndexChange::Delete(delete_gsi(desc, x, &lsi_names, name)?);
        }
    }
    Ok(change)
}

/// An Update of a GSI: its throughput (refused when it would not change) or on-demand limits.
fn update_gsi(
    desc: &mut TableDescription,
    x: &UpdateGlobalSecondaryIndexAction,
    lsi_names: &HashSet<String>,
    name: &str,
    billing: Billing,
    ts: f64,
) -> Result<()> {
    let iname = x.index_name.as_deref().unwrap_or_default();
    if lsi_names.contains(iname) {
        return Err(Error::validation(format!(
            "Cannot update an index that is not a GlobalSecondaryIndex: {iname}"
        )));
    }
    let g = desc
        .global_secondary_indexes
        .iter_mut()
        .flatten()
        .find(|g| g.index_name == iname)
        .ok_or_else(|| index_not_found(iname, name))?;
    if let Some(pt) = &x.provisioned_throughput {
        if billing.will_be_ppr {
            return Err(Error::invalid_param(format!(
                "The only Updates for index: {iname} when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput"
            )));
        }
        check_capacity_bounds(pt)?;
        let cur = g
            .provisioned_throughput
            .get_or_insert_with(Default::default);
        let names = (format!("the index {iname}"), format!("index {iname}"));
        change_throughput(cur, pt, billing, ts, (&names.0, &names.1))?;
    }
    if let Some(v) = &x.on_demand_throughput {
        g.on_demand_throughput = Some(v.clone());
    }
    Ok(())
}

/// A Create of a GSI: its attribute definitions merged, checked like CreateTable's, the
/// description added; returns its name.
fn create_gsi(
    desc: &mut TableDescription,
    req: &UpdateTableInput,
    x: &GlobalSecondaryIndex,
    lsi_names: &HashSet<String>,
    billing: Billing,
) -> Result<String> {
    let iname = x.index_name.clone().unwrap_or_default();
    let exists = desc
        .global_secondary_indexes
        .iter()
        .flatten()
        .any(|g| g.index_name == iname)
        || lsi_names.contains(&iname);
    if exists {
        return Err(Error::validation(
            "Attempting to create an index which already exists",
        ));
    }
    let Some(new_defs) = &req.attribute_definitions else {
        return Err(Error::invalid_param(format!(
            "AttributeDefinitions is not specified for index: {iname}"
        )));
    };
    let mut defs = desc.attribute_definitions.clone();
    for d in new_defs {
        match defs.iter().find(|e| e.attribute_name == d.attribute_name) {
            Some(e) if e.attribute_type != d.attribute_type => {
                return Err(Error::invalid_param(format!(
                    "Cannot change the type of an existing attribute definition: {}",
                    d.attribute_name.as_deref().unwrap_or_default()
                )))
            }
            Some(_) => {}
            None => defs.push(d.clone()),
        }
    }
    check_gsi(x, &defs, billing.will_be_ppr, GsiContext::UpdateTable)?;
    if desc.global_secondary_indexes.as_ref().map_or(0, Vec::len) >= MAX_GSIS {
        return Err(Error::new(
            ErrorCode::LimitExceededException,
            format!("Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of {MAX_GSIS}"),
        ));
    }
    // Keep only the definitions some key uses.
    let used: HashSet<String> = x
        .key_schema
        .iter()
        .flatten()
        .filter_map(|e| e.attribute_name.clone())
        .collect();
    for d in defs {
        let n = d.attribute_name.clone().unwrap_or_default();
        if used.contains(&n)
            && !desc
                .attribute_definitions
                .iter()
                .any(|e| e.attribute_name == d.attribute_name)
        {
            desc.attribute_definitions.push(d);
        }
    }
    desc.attribute_definitions
        .sort_by(|a, b| a.attribute_name.cmp(&b.attribute_name));
    let description = gsi_description(x, &desc.table_arn)?;
    desc.global_secondary_indexes
        .get_or_insert_with(Vec::new)
        .push(description);
    Ok(iname)
}

/// A Delete of a GSI: its description and unused definitions removed; returns its name.
fn delete_gsi(
    desc: &mut TableDescription,
    x: &DeleteGlobalSecondaryIndexAction,
    lsi_names: &HashSet<String>,
    name: &str,
) -> Result<String> {
    let iname = x.index_name.clone().unwrap_or_default();
    if lsi_names.contains(&iname) {
        return Err(Error::validation(format!(
            "Cannot delete an index that is not a GlobalSecondaryIndex: {iname}"
        )));
    }
    let gsis = desc.global_secondary_indexes.get_or_insert_with(Vec::new);
    let pos = gsis
        .iter()
        .position(|g| g.index_name == iname)
        .ok_or_else(|| index_not_found(&iname, name))?;
    gsis.remove(pos);
    if gsis.is_empty() {
        desc.global_secondary_indexes = None;
    }
    prune_definitions(desc);
    Ok(iname)
}

fn index_not_found(index: &str, table: &str) -> Error {
    Error::new(
        ErrorCode::ResourceNotFoundException,
        format!("Requested resource not found: Index {index} for table {table}"),
    )
}

fn apply_throughput(cur: &mut ProvisionedThroughputDescription, r: i64, w: i64, ts: f64) {
    if r > cur.read_capacity_units || w > cur.write_capacity_units {
        cur.last_increase_date_time = Some(ts);
    }
    if r < cur.read_capacity_units || w < cur.write_capacity_units {
        cur.number_of_decreases_today = cur.decreases_on(ts) + 1;
        cur.last_decrease_date_time = Some(ts);
    }
    cur.read_capacity_units = r;
    cur.write_capacity_units = w;
}

/// Drops AttributeDefinitions no key uses any more.
fn prune_definitions(desc: &mut TableDescription) {
    let mut used = HashSet::new();
    let schemas = std::iter::once(&desc.key_schema)
        .chain(
            desc.local_secondary_indexes
                .iter()
                .flatten()
                .map(|i| &i.key_schema),
        )
        .chain(
            desc.global_secondary_indexes
                .iter()
                .flatten()
                .map(|i| &i.key_schema),
        );
    for s in schemas {
        for e in s {
            used.insert(e.attribute_name.clone());
        }
    }
    desc.attribute_definitions
        .retain(|d| used.contains(&d.attribute_name));
}

fn shape(req: &UpdateTableInput) -> Result<()> {
    let mut c = Constraints::default();
    if let Some(defs) = &req.attribute_definitions {
        for (i, d) in defs.iter().enumerate() {
            let p = format!("attributeDefinitions.{}.member", i + 1);
            c.not_null(&format!("{p}.attributeName"), &d.attribute_name);
            let t = c.not_null(&format!("{p}.attributeType"), &d.attribute_type);
            c.one_of(
                &format!("{p}.attributeType"),
                t.map(String::as_str),
                enums::ATTRIBUTE_TYPE,
            );
        }
    }
    c.one_of(
        "billingMode",
        req.billing_mode.as_deref(),
        enums::BILLING_MODE,
    );
    throughput_shape(
        &mut c,
        "provisionedThroughput",
        req.provisioned_throughput.as_ref(),
    );
    for (i, u) in req
        .global_secondary_index_updates
        .iter()
        .flatten()
        .enumerate()
    {
        let p = format!("globalSecondaryIndexUpdates.{}.member", i + 1);
        if let Some(x) = &u.update {
            index_name_shape(&mut c, &format!("{p}.update"), &x.index_name);
            if x.on_demand_throughput.is_none() && x.warm_throughput.is_none() {
                c.not_null(
                    &format!("{p}.update.provisionedThroughput"),
                    &x.provisioned_throughput,
                );
            }
            throughput_shape(
                &mut c,
                &format!("{p}.update.provisionedThroughput"),
                x.provisioned_throughput.as_ref(),
            );
        }
        if let Some(x) = &u.create {
            index_name_shape(&mut c, &format!("{p}.create"), &x.index_name);
            shape_key_schema(
                &mut c,
                &format!("{p}.create.keySchema"),
                &x.key_schema,
                false,
            );
            shape_projection(&mut c, &format!("{p}.create.projection"), &x.projection);
            throughput_shape(
                &mut c,
                &format!("{p}.create.provisionedThroughput"),
                x.provisioned_throughput.as_ref(),
            );
        }
        if let Some(x) = &u.delete {
            index_name_shape(&mut c, &format!("{p}.delete"), &x.index_name);
        }
    }
    if let Some(s) = &req.stream_specification {
        c.not_null("streamSpecification.streamEnabled", &s.stream_enabled);
        c.one_of(
            "streamSpecification.streamViewType",
            s.stream_view_type.as_deref(),
            enums::STREAM_VIEW_TYPE,
        );
    }
    c.one_of("tableClass", req.table_class.as_deref(), enums::TABLE_CLASS);
    c.finish()
}

fn nothing_to_update(req: &UpdateTableInput) -> Result<()> {
    let members = [
        (
            "ProvisionedThroughput",
            req.provisioned_throughput.is_some(),
            true,
        ),
        ("BillingMode", req.billing_mode.is_some(), true),
        (
            "UpdateStreamEnabled",
            req.stream_specification.is_some(),
            true,
        ),
        (
            "GlobalSecondaryIndexUpdates",
            req.global_secondary_index_updates
                .as_ref()
                .is_some_and(|u| !u.is_empty()),
            true,
        ),
        ("SSESpecification", req.sse_specification.is_some(), true),
        ("ReplicaUpdates", req.replica_updates.is_some(), false),
        ("MultiAccountReplicaReady", false, false),
        ("ReplicaTransitRoleArn", false, false),
        (
            "MultiRegionConsistency",
            req.multi_region_consistency.is_some(),
            false,
        ),
        (
            "DeletionProtectionEnabled",
            req.deletion_protection_enabled.is_some(),
            true,
        ),
        (
            "OnDemandThroughput",
            req.on_demand_throughput.is_some(),
            true,
        ),
        ("WarmThroughput", req.warm_throughput.is_some(), true),
        ("TableClass", req.table_class.is_some(), true),
    ];
    if members
        .iter()
        .any(|(_, present, counts)| *present && *counts)
    {
        return Ok(());
    }
    let listed: Vec<&str> = members
        .iter()
        .filter(|(_, present, _)| !present)
        .map(|(n, _, _)| *n)
        .collect();
    let Some((last, rest)) = listed.split_last() else {
        return Ok(());
    };
    Err(Error::validation(format!(
        "At least one of {} or {last} is required",
        rest.join(", ")
    )))
}

fn check_update_list(req: &UpdateTableInput, updates: &[GlobalSecondaryIndexUpdate]) -> Result<()> {
    if req
        .global_secondary_index_updates
        .as_ref()
        .is_some_and(Vec::is_empty)
    {
        return Err(Error::invalid_param(
            "List of GlobalSecondaryIndexUpdates is empty",
        ));
    }
    let mut seen = HashSet::new();
    for u in updates {
        let n = [u.update.is_some(), u.create.is_some(), u.delete.is_some()]
            .iter()
            .filter(|x| **x)
            .count();
        if n == 0 {
            return Err(Error::invalid_param(
                "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null",
            ));
        }
        if n > 1 {
            return Err(Error::invalid_param(
                "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object",
            ));
        }
        let iname = u
            .update
            .as_ref()
            .and_then(|x| x.index_name.clone())
            .or_else(|| u.create.as_ref().and_then(|x| x.index_name.clone()))
            .or_else(|| u.delete.as_ref().and_then(|x| x.index_name.clone()))
            .unwrap_or_default();
        if !seen.insert(iname.clone()) {
            return Err(Error::invalid_param(format!(
                "Only one global secondary index update per index is allowed simultaneously. Index: {iname}"
            )));
        }
    }
    Ok(())
}
