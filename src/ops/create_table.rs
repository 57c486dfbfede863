//! CreateTable.

use super::key_schema::{
    check_key_schema, check_projection, hash_name, shape_key_schema, shape_projection,
};
use crate::engine::handle::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::types::*;
use crate::validate::{enums, present, require_table_name, Constraints};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

const MAX_LSIS: usize = 5;
const MAX_GSIS: usize = 20;
const MAX_PROJECTED: usize = 100;
const MAX_CAPACITY: i64 = 1_000_000_000_000;

pub(crate) fn run(db: &Engine, req: CreateTableInput) -> Result<CreateTableOutput> {
    let name = require_table_name(&req.table_name)?;
    // A bad table name is reported alone.
    let mut c = Constraints::default();
    c.name("tableName", name);
    c.finish()?;

    // An unknown mode is a constraint error, reported later in DynamoDB's order.
    let mode = req.billing_mode.as_deref().map(BillingMode::parse);
    let pay_per_request = mode == Some(Some(BillingMode::PayPerRequest));
    if matches!(mode, None | Some(Some(BillingMode::Provisioned)))
        && req.provisioned_throughput.is_none()
    {
        return Err(Error::invalid_param(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
        ));
    }

    shape(&req)?;
    semantics(&req, pay_per_request)?;

    let desc = describe_new(db, &req, name, pay_per_request)?;
    let mut state = db.lock();
    if state.table(name).is_some() {
        return Err(Error::new(
            ErrorCode::ResourceInUseException,
            format!("Table already exists: {name}"),
        ));
    }
    let mut desc = desc;
    if desc.latest_stream_label.is_some() {
        // A deleted table of this name may have left a stream with this label.
        let label = super::streams::fresh_label(&state, name, desc.creation_date_time);
        desc.latest_stream_arn = Some(format!("{}/stream/{label}", desc.table_arn));
        desc.latest_stream_label = Some(label);
    }
    let tags = super::tags::parse_tags(req.tags.as_deref().unwrap_or_default())?;
    let t = state.create_table(desc, tags)?;
    Ok(CreateTableOutput {
        table_description: t.describe(),
    })
}

/// The aggregated "N validation errors detected" checks, in request-member order.
fn shape(req: &CreateTableInput) -> Result<()> {
    let mut c = Constraints::default();
    if let Some(defs) = c.not_null("attributeDefinitions", &req.attribute_definitions) {
        for (i, d) in defs.iter().enumerate() {
            let p = format!("attributeDefinitions.{}.member", i + 1);
            if let Some(n) = c.not_null(&format!("{p}.attributeName"), &d.attribute_name) {
                c.length(&format!("{p}.attributeName"), n, n.chars().count(), 1, 255);
            }
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
    shape_key_schema(&mut c, "keySchema", &req.key_schema, true);
    for (i, ix) in req.local_secondary_indexes.iter().flatten().enumerate() {
        let p = format!("localSecondaryIndexes.{}.member", i + 1);
        index_name_shape(&mut c, &p, &ix.index_name);
        shape_key_schema(&mut c, &format!("{p}.keySchema"), &ix.key_schema, false);
        shape_projection(&mut c, &format!("{p}.projection"), &ix.projection);
    }
    for (i, ix) in req.global_secondary_indexes.iter().flatten().enumerate() {
        let p = format!("globalSecondaryIndexes.{}.member", i + 1);
        index_name_shape(&mut c, &p, &ix.index_name);
        shape_key_schema(&mut c, &format!("{p}.keySchema"), &ix.key_schema, false);
        shape_projection(&mut c, &format!("{p}.projection"), &ix.projection);
        throughput_shape(
            &mut c,
            &format!("{p}.provisionedThroughput"),
            ix.provisioned_throughput.as_ref(),
        );
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

pub(crate) fn index_name_shape(c: &mut Constraints, path: &str, name: &Option<String>) {
    if let Some(n) = c.not_null(&format!("{path}.indexName"), name) {
        c.name(&format!("{path}.indexName"), n);
    }
}

pub(crate) fn throughput_shape(
    c: &mut Constraints,
    path: &str,
    pt: Option<&ProvisionedThroughput>,
) {
    let Some(pt) = pt else { return };
    for (field, v) in [
        ("writeCapacityUnits", pt.write_capacity_units),
        ("readCapacityUnits", pt.read_capacity_units),
    ] {
        let p = format!("{path}.{field}");
        if let Some(v) = c.not_null(&p, &v) {
            c.range(&p, *v, 1, None);
        }
    }
}

/// DynamoDB's upper bound on one capacity value.
pub(crate) fn check_capacity_bounds(pt: &ProvisionedThroughput) -> Result<()> {
    for (field, v) in [
        ("ReadCapacityUnits", pt.read_capacity_units),
        ("WriteCapacityUnits", pt.write_capacity_units),
    ] {
        if let Some(v) = v.filter(|v| *v > MAX_CAPACITY) {
            return Err(Error::validation(format!(
                "Given value {v} for {field} is out of bounds"
            )));
        }
    }
    Ok(())
}

/// The one-message checks that follow the shape checks, first failure wins.
fn semantics(req: &CreateTableInput, pay_per_request: bool) -> Result<()> {
    if pay_per_request && req.provisioned_throughput.is_some() {
        return Err(Error::invalid_param(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        ));
    }
    if let Some(pt) = &req.provisioned_throughput {
        check_capacity_bounds(pt)?;
    }
    let defs = req.attribute_definitions.as_deref().unwrap_or_default();
    let ks = req.key_schema.as_deref().unwrap_or_default();
    let mut seen = HashSet::new();
    for d in defs {
        let n = d.attribute_name.as_deref().unwrap_or_default();
        if !seen.insert(n) {
            return Err(Error::validation(format!(
                "Attribute Name is duplicated: {n}"
            )));
        }
    }
    check_key_schema(ks, defs, true)?;
    let lsis = req.local_secondary_indexes.as_deref();
    let gsis = req.global_secondary_indexes.as_deref();

    // Every definition must be used by some key.
    let mut used: Vec<&str> = Vec::new();
    let all_schemas = std::iter::once(ks)
        .chain(
            lsis.into_iter()
                .flatten()
                .filter_map(|i| i.key_schema.as_deref()),
        )
        .chain(
            gsis.into_iter()
                .flatten()
                .filter_map(|i| i.key_schema.as_deref()),
        );
    for schema in all_schemas {
        for e in schema {
            let n = e.attribute_name.as_deref().unwrap_or_default();
            if !used.contains(&n) {
                used.push(n);
            }
        }
    }
    if lsis.is_none() && gsis.is_none() {
        if defs.len() != ks.len() {
            return Err(Error::invalid_param(
                "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
            ));
        }
    } else if defs
        .iter()
        .any(|d| !used.contains(&d.attribute_name.as_deref().unwrap_or_default()))
    {
        let names: Vec<&str> = defs
            .iter()
            .filter_map(|d| d.attribute_name.as_deref())
            .collect();
        return Err(Error::invalid_param(format!(
            "Some AttributeDefinitions are not used. AttributeDefinitions: [{}], keys used: [{}]",
            names.join(", "),
            used.join(", ")
        )));
    }

    let mut index_names = HashSet::new();
    let mut projected = 0usize;
    if let Some(lsis) = lsis {
        if lsis.is_empty() {
            return Err(Error::invalid_param(
                "List of LocalSecondaryIndexes is empty",
            ));
        }
        if ks.len() < 2 {
            return Err(Error::invalid_param(
                "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex",
            ));
        }
        for ix in lsis {
            let iname = ix.index_name.as_deref().unwrap_or_default();
            let iks = ix.key_schema.as_deref().unwrap_or_default();
            check_key_schema(iks, defs, false)?;
            if iks.len() < 2 {
                return Err(Error::invalid_param(format!(
                    "Index KeySchema does not have a range key for index: {iname}"
                )));
            }
            if hash_name(iks) != hash_name(ks) {
                return Err(Error::invalid_param(format!(
                    "Index KeySchema does not have the same leading hash key as table KeySchema for index: {iname}. index hash key: {}, table hash key: {}",
                    hash_name(iks),
                    hash_name(ks)
                )));
            }
            let p = present(&ix.projection, "projection")?;
            check_projection(p)?;
            projected += p.non_key_attributes.as_ref().map_or(0, Vec::len);
            if !index_names.insert(iname) {
                return Err(Error::invalid_param(format!(
                    "Duplicate index name: {iname}"
                )));
            }
        }
        if lsis.len() > MAX_LSIS {
            return Err(Error::invalid_param(format!(
                "Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LSIS}"
            )));
        }
    }
    if let Some(gsis) = gsis {
        if gsis.is_empty() {
            return Err(Error::invalid_param(
                "List of GlobalSecondaryIndexes is empty",
            ));
        }
        for ix in gsis {
            let iname = ix.index_name.as_deref().unwrap_or_default();
            check_gsi(ix, defs, pay_per_request, GsiContext::CreateTable)?;
            projected += ix
                .projection
                .as_ref()
                .and_then(|p| p.non_key_attributes.as_ref())
                .map_or(0, Vec::len);
            if !index_names.insert(iname) {
                return Err(Error::invalid_param(format!(
                    "Duplicate index name: {iname}"
                )));
            }
        }
        if gsis.len() > MAX_GSIS {
            return Err(Error::invalid_param(format!(
                "GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GSIS}"
            )));
        }
    }
    if projected > MAX_PROJECTED {
        return Err(Error::invalid_param(format!(
            "Number of projected attributes in all indexes exceeds limit of {MAX_PROJECTED}"
        )));
    }
    if let Some(s) = &req.stream_specification {
        check_stream(
            s,
            "Table is being created with a stream enabled, UpdateViewType is required",
            "Table is being created with a stream disabled, UpdateViewType should not be specified",
        )?;
    }
    if let Some(tags) = &req.tags {
        if tags.len() > super::tags::MAX_TAGS {
            return Err(super::tags::too_many_tags());
        }
        super::tags::parse_tags(tags)?;
    }
    Ok(())
}

/// Which operation a GSI definition arrives in; they word throughput errors differently.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum GsiContext {
    CreateTable,
    UpdateTable,
}

/// Checks one GSI definition (CreateTable, or a Create in UpdateTable).
pub(crate) fn check_gsi(
    ix: &GlobalSecondaryIndex,
    defs: &[AttributeDefinition],
    pay_per_request: bool,
    context: GsiContext,
) -> Result<()> {
    let iname = ix.index_name.as_deref().unwrap_or_default();
    check_key_schema(ix.key_schema.as_deref().unwrap_or_default(), defs, false)?;
    check_projection(present(&ix.projection, "projection")?)?;
    let update = context == GsiContext::UpdateTable;
    match (pay_per_request, &ix.provisioned_throughput) {
        (true, Some(_)) if update => Err(Error::invalid_param(format!(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: {iname} when BillingMode is PAY_PER_REQUEST"
        ))),
        (true, Some(_)) => Err(Error::invalid_param(format!(
            "ProvisionedThroughput should not be specified for index: {iname} when BillingMode is PAY_PER_REQUEST"
        ))),
        (false, None) if update => Err(Error::invalid_param(format!(
            "Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: {iname}"
        ))),
        (false, None) => Err(Error::invalid_param(format!(
            "ProvisionedThroughput is not specified for index: {iname}"
        ))),
        (false, Some(pt)) => check_capacity_bounds(pt),
        (true, None) => Ok(()),
    }
}

pub(crate) fn check_stream(
    s: &StreamSpecification,
    enable_msg: &str,
    disable_msg: &str,
) -> Result<()> {
    match (s.stream_enabled, &s.stream_view_type) {
        (Some(true), None) => Err(Error::invalid_param(enable_msg)),
        (Some(false), Some(_)) => Err(Error::invalid_param(disable_msg)),
        _ => Ok(()),
    }
}

fn sorted_projection(p: &Projection) -> Projection {
    let mut p = p.clone();
    if let Some(n) = &mut p.non_key_attributes {
        n.sort();
    }
    p
}

pub(crate) fn throughput_desc(
    pt: Option<&ProvisionedThroughput>,
) -> ProvisionedThroughputDescription {
    ProvisionedThroughputDescription {
        read_capacity_units: pt.and_then(|p| p.read_capacity_units).unwrap_or(0),
        write_capacity_units: pt.and_then(|p| p.write_capacity_units).unwrap_or(0),
        ..Default::default()
    }
}

/// What an LSI's and a GSI's description share: name, ARN, key schema, projection.
fn index_description(
    name: &Option<String>,
    key_schema: &Option<Vec<KeySchemaElement>>,
    projection: &Option<Projection>,
    table_arn: &str,
) -> Result<IndexDescription> {
    let iname = name.clone().unwrap_or_default();
    Ok(IndexDescription {
        index_arn: format!("{table_arn}/index/{iname}"),
        index_name: iname,
        key_schema: key_schema.clone().unwrap_or_default(),
        projection: sorted_projection(present(projection, "projection")?),
        ..Default::default()
    })
}

/// A GSI's description as created.
pub(crate) fn gsi_description(
    ix: &GlobalSecondaryIndex,
    table_arn: &str,
) -> Result<IndexDescription> {
    let common = index_description(&ix.index_name, &ix.key_schema, &ix.projection, table_arn)?;
    Ok(IndexDescription {
        index_status: Some("ACTIVE".into()),
        provisioned_throughput: Some(throughput_desc(ix.provisioned_throughput.as_ref())),
        on_demand_throughput: ix.on_demand_throughput.clone(),
        ..common
    })
}

/// A fresh UUID v4 string, from a hash of the name, the time and a counter.
pub(crate) fn new_table_id(name: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let h = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update(t.to_le_bytes())
        .chain_update(n.to_le_bytes())
        .chain_update(std::process::id().to_le_bytes())
        .finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn describe_new(
    db: &Engine,
    req: &CreateTableInput,
    name: &str,
    pay_per_request: bool,
) -> Result<TableDescription> {
    let table_arn = format!("arn:aws:dynamodb:{}:000000000000:table/{name}", db.region());
    let created = db.now();
    let mut defs = req.attribute_definitions.clone().unwrap_or_default();
    defs.sort_by(|a, b| a.attribute_name.cmp(&b.attribute_name));
    let lsis = req
        .local_secondary_indexes
        .as_ref()
        .map(|l| {
            l.iter()
                .map(|ix| {
                    index_description(&ix.index_name, &ix.key_schema, &ix.projection, &table_arn)
                })
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?;
    let gsis = req
        .global_secondary_indexes
        .as_ref()
        .map(|g| {
            g.iter()
                .map(|ix| gsi_description(ix, &table_arn))
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?;
    let stream_on = req
        .stream_specification
        .as_ref()
        .and_then(|s| s.stream_enabled)
        == Some(true);
    let label = stream_on.then(|| stream_label(created));
    Ok(TableDescription {
        attribute_definitions: defs,
        table_name: name.to_string(),
        key_schema: req.key_schema.clone().unwrap_or_default(),
        table_status: "ACTIVE".into(),
        creation_date_time: created,
        provisioned_throughput: throughput_desc(req.provisioned_throughput.as_ref()),
        table_size_bytes: 0,
        item_count: 0,
        latest_stream_arn: label.as_ref().map(|l| format!("{table_arn}/stream/{l}")),
        latest_stream_label: label,
        table_arn,
        table_id: new_table_id(name),
        billing_mode_summary: req.billing_mode.as_ref().map(|m| BillingModeSummary {
            billing_mode: m.clone(),
            last_update_to_pay_per_request_date_time: pay_per_request.then_some(created),
        }),
        local_secondary_indexes: lsis,
        global_secondary_indexes: gsis,
        stream_specification: req.stream_specification.clone().filter(|_| stream_on),
        sse_description: req
            .sse_specification
            .as_ref()
            .and_then(|s| sse_description(s, db.region())),
        table_class_summary: req.table_class.as_ref().map(|c| TableClassSummary {
            table_class: c.clone(),
            last_update_date_time: None,
        }),
        deletion_protection_enabled: req.deletion_protection_enabled.unwrap_or(false),
        on_demand_throughput: req.on_demand_throughput.clone(),
        warm_throughput: None,
    })
}

/// SSEDescription for an SSESpecification that enables KMS encryption.
pub(crate) fn sse_description(spec: &SseSpecification, region: &str) -> Option<SseDescription> {
    if spec.enabled != Some(true) {
        return None;
    }
    let key = spec
        .kms_master_key_id
        .as_deref()
        .unwrap_or("alias/aws/dynamodb");
    Some(SseDescription {
        status: "ENABLED".into(),
        sse_type: "KMS".into(),
        kms_master_key_arn: format!("arn:aws:kms:{region}:000000000000:key/{key}"),
    })
}

/// A stream label: the creation time as ISO 8601 with milliseconds.
pub(crate) fn stream_label(epoch: f64) -> String {
    let ms = (epoch * 1000.0) as i64;
    let (secs, millis) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn stream_label_is_iso() {
        assert_eq!(super::stream_label(0.0), "1970-01-01T00:00:00.000");
        assert_eq!(
            super::stream_label(1_700_000_000.123),
            "2023-11-14T22:13:20.123"
        );
    }
}
