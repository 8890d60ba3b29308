//! The decoder of each wire struct, in schema order: fields matched by key,
//! required ones checked after the object, defaults filled in.

use super::{
    boolean, epoch_ms, error, float, integer, list, missing, need, object, optional, string,
    strings, unexpected, variant, Read,
};
use crate::datafile::*;
use crate::json::Reader;
use serde_json::Value;
use std::collections::BTreeMap;

pub(super) fn datafile(r: &mut Reader) -> Read<Datafile> {
    let (mut version, mut revision, mut published_at, mut environment) = (None, None, None, None);
    let (mut flags, mut audiences, mut events) = (None, None, None);
    let names = [
        "schemaVersion",
        "revision",
        "publishedAt",
        "environment",
        "flags",
        "audiences",
        "events",
    ];
    object(r, "struct Datafile", &names, &mut |r, i| {
        match i {
            0 => version = Some(integer(r, "u32", 0, u32::MAX.into())? as u32),
            1 => revision = Some(integer(r, "u64", 0, u64::MAX.into())? as u64),
            2 => published_at = Some(string(r)?),
            3 => environment = Some(environment_ref(r)?),
            4 => flags = Some(list(r, flag)?),
            5 => audiences = Some(list(r, audience)?),
            _ => events = Some(list(r, event)?),
        }
        Ok(())
    })?;
    let present = [
        ("schemaVersion", version.is_some()),
        ("revision", revision.is_some()),
        ("publishedAt", published_at.is_some()),
        ("environment", environment.is_some()),
        ("flags", flags.is_some()),
    ];
    let (Some(schema_version), Some(revision), Some(published_at), Some(environment), Some(flags)) =
        (version, revision, published_at, environment, flags)
    else {
        return Err(missing(&present));
    };
    Ok(Datafile {
        schema_version,
        revision,
        published_at,
        environment,
        flags,
        audiences: audiences.unwrap_or_default(),
        events: events.unwrap_or_default(),
    })
}

fn environment_ref(r: &mut Reader) -> Read<EnvironmentRef> {
    let (mut id, mut key, mut production) = (None, None, false);
    object(
        r,
        "struct EnvironmentRef",
        &["id", "key", "production"],
        &mut |r, i| {
            match i {
                0 => id = Some(string(r)?),
                1 => key = Some(string(r)?),
                _ => production = boolean(r)?,
            }
            Ok(())
        },
    )?;
    Ok(EnvironmentRef {
        id: need(id, "id")?,
        key: need(key, "key")?,
        production,
    })
}

const FLAG_TYPES: [(&str, FlagType); 4] = [
    ("BOOLEAN", FlagType::Boolean),
    ("STRING", FlagType::String),
    ("NUMBER", FlagType::Number),
    ("JSON", FlagType::Json),
];

const FLAG_STATUSES: [(&str, FlagStatus); 3] = [
    ("DRAFT", FlagStatus::Draft),
    ("ACTIVE", FlagStatus::Active),
    ("ARCHIVED", FlagStatus::Archived),
];

fn flag(r: &mut Reader) -> Read<Flag> {
    let (mut key, mut flag_type, mut status, mut variations) = (None, None, None, None);
    let (mut off, mut enabled, mut default) = (None, None, None);
    let (mut scheduled, mut rollout, mut overrides, mut rules) = (None, None, None, None);
    let names = [
        "key",
        "type",
        "status",
        "variations",
        "offVariation",
        "enabled",
        "defaultVariation",
        "scheduledEnableAt",
        "rolloutCondition",
        "overrides",
        "rules",
    ];
    object(r, "struct Flag", &names, &mut |r, i| {
        match i {
            0 => key = Some(string(r)?),
            1 => flag_type = Some(variant(r, &FLAG_TYPES)?),
            2 => status = Some(variant(r, &FLAG_STATUSES)?),
            3 => variations = Some(list(r, variation)?),
            4 => off = Some(string(r)?),
            5 => enabled = Some(boolean(r)?),
            6 => default = Some(string(r)?),
            7 => scheduled = optional(r, epoch_ms)?,
            8 => rollout = optional(r, rollout_condition)?,
            9 => overrides = Some(list(r, override_)?),
            _ => rules = Some(list(r, rule)?),
        }
        Ok(())
    })?;
    let present = [
        ("key", key.is_some()),
        ("type", flag_type.is_some()),
        ("status", status.is_some()),
        ("variations", variations.is_some()),
        ("offVariation", off.is_some()),
        ("enabled", enabled.is_some()),
        ("defaultVariation", default.is_some()),
    ];
    let (
        Some(key),
        Some(flag_type),
        Some(status),
        Some(variations),
        Some(off),
        Some(enabled),
        Some(default),
    ) = (key, flag_type, status, variations, off, enabled, default)
    else {
        return Err(missing(&present));
    };
    Ok(Flag {
        key,
        flag_type,
        status,
        variations,
        off_variation: off,
        enabled,
        default_variation: default,
        scheduled_enable_at: scheduled,
        rollout_condition: rollout,
        overrides: overrides.unwrap_or_default(),
        rules: rules.unwrap_or_default(),
    })
}

fn variation(r: &mut Reader) -> Read<Variation> {
    let (mut key, mut served) = (None, Value::Null);
    object(r, "struct Variation", &["key", "value"], &mut |r, i| {
        match i {
            0 => key = Some(string(r)?),
            _ => served = r.value()?,
        }
        Ok(())
    })?;
    Ok(Variation {
        key: need(key, "key")?,
        value: served,
    })
}

fn rollout_condition(r: &mut Reader) -> Read<RolloutCondition> {
    let (mut min_version, mut activation_date) = (None, None);
    let names = ["minVersion", "activationDate"];
    object(r, "struct RolloutCondition", &names, &mut |r, i| {
        match i {
            0 => min_version = optional(r, string)?,
            _ => activation_date = optional(r, epoch_ms)?,
        }
        Ok(())
    })?;
    Ok(RolloutCondition {
        min_version,
        activation_date,
    })
}

fn override_(r: &mut Reader) -> Read<Override> {
    let (mut attribute, mut values, mut variation) = (None, None, None);
    object(
        r,
        "struct Override",
        &["attribute", "values", "variation"],
        &mut |r, i| {
            match i {
                0 => attribute = Some(string(r)?),
                1 => values = Some(strings(r)?),
                _ => variation = Some(string(r)?),
            }
            Ok(())
        },
    )?;
    let present = [
        ("attribute", attribute.is_some()),
        ("values", values.is_some()),
        ("variation", variation.is_some()),
    ];
    let (Some(attribute), Some(values), Some(variation)) = (attribute, values, variation) else {
        return Err(missing(&present));
    };
    Ok(Override {
        attribute,
        values,
        variation,
    })
}

const RULE_TYPES: [(&str, RuleType); 2] = [
    ("AB_TEST", RuleType::AbTest),
    ("TARGETED_DELIVERY", RuleType::TargetedDelivery),
];

fn rule(r: &mut Reader) -> Read<Rule> {
    let (mut id, mut rule_type, mut audiences, mut allocation) = (None, None, None, None);
    let (mut variations, mut hash_attribute) = (None, None);
    let names = [
        "id",
        "type",
        "audiences",
        "trafficAllocation",
        "variations",
        "hashAttribute",
    ];
    object(r, "struct Rule", &names, &mut |r, i| {
        match i {
            0 => id = Some(string(r)?),
            1 => rule_type = Some(variant(r, &RULE_TYPES)?),
            2 => audiences = Some(strings(r)?),
            3 => allocation = Some(float(r)?),
            4 => variations = Some(list(r, split)?),
            _ => hash_attribute = Some(string(r)?),
        }
        Ok(())
    })?;
    let present = [
        ("id", id.is_some()),
        ("type", rule_type.is_some()),
        ("trafficAllocation", allocation.is_some()),
        ("variations", variations.is_some()),
    ];
    let (Some(id), Some(rule_type), Some(traffic_allocation), Some(variations)) =
        (id, rule_type, allocation, variations)
    else {
        return Err(missing(&present));
    };
    Ok(Rule {
        id,
        rule_type,
        audiences: audiences.unwrap_or_default(),
        traffic_allocation,
        variations,
        hash_attribute: hash_attribute.unwrap_or_else(|| "userId".to_owned()),
    })
}

fn split(r: &mut Reader) -> Read<Split> {
    let (mut variation, mut percentage) = (None, None);
    object(
        r,
        "struct Split",
        &["variation", "percentage"],
        &mut |r, i| {
            match i {
                0 => variation = Some(string(r)?),
                _ => percentage = Some(float(r)?),
            }
            Ok(())
        },
    )?;
    Ok(Split {
        variation: need(variation, "variation")?,
        percentage: need(percentage, "percentage")?,
    })
}

fn audience(r: &mut Reader) -> Read<Audience> {
    let (mut id, mut name, mut conditions) = (None, String::new(), None);
    let (mut included, mut excluded) = (BTreeMap::new(), BTreeMap::new());
    let names = ["id", "name", "included", "excluded", "conditions"];
    object(r, "struct Audience", &names, &mut |r, i| {
        match i {
            0 => id = Some(string(r)?),
            1 => name = string(r)?,
            2 => included = member_lists(r)?,
            3 => excluded = member_lists(r)?,
            _ => conditions = optional(r, condition)?,
        }
        Ok(())
    })?;
    Ok(Audience {
        id: need(id, "id")?,
        name,
        included,
        excluded,
        conditions,
    })
}

/// `{ attribute: [values] }`.
fn member_lists(r: &mut Reader) -> Read<BTreeMap<String, Vec<String>>> {
    if r.peek() != Some(b'{') {
        return Err(unexpected(r, "a map"));
    }
    let mut lists = BTreeMap::new();
    r.members(&mut |r, key| {
        let values = strings(r).map_err(|e| e.in_field(key))?;
        lists.insert(key.to_owned(), values);
        Ok(())
    })?;
    Ok(lists)
}

const OPERATORS: [(&str, Operator); 20] = [
    ("eq", Operator::Eq),
    ("neq", Operator::Neq),
    ("in", Operator::In),
    ("notIn", Operator::NotIn),
    ("contains", Operator::Contains),
    ("startsWith", Operator::StartsWith),
    ("endsWith", Operator::EndsWith),
    ("lt", Operator::Lt),
    ("lte", Operator::Lte),
    ("gt", Operator::Gt),
    ("gte", Operator::Gte),
    ("semverEq", Operator::SemverEq),
    ("semverLt", Operator::SemverLt),
    ("semverLte", Operator::SemverLte),
    ("semverGt", Operator::SemverGt),
    ("semverGte", Operator::SemverGte),
    ("before", Operator::Before),
    ("after", Operator::After),
    ("exists", Operator::Exists),
    ("regex", Operator::Regex),
];

/// One of the four condition shapes; keys are read first, the shape decided after.
pub(super) fn condition(r: &mut Reader) -> Read<Condition> {
    let (mut all, mut any, mut not) = (None, None, None);
    let (mut attribute, mut op, mut operand, mut values, mut ci) = (None, None, None, None, None);
    let names = [
        "all",
        "any",
        "not",
        "attribute",
        "op",
        "value",
        "values",
        "caseInsensitive",
    ];
    let expected = "a condition: {all: […]}, {any: […]}, {not: …} or {attribute, op, …}";
    object(r, expected, &names, &mut |r, i| {
        match i {
            0 => all = Some(list(r, condition)?),
            1 => any = Some(list(r, condition)?),
            2 => not = Some(Box::new(condition(r)?)),
            3 => attribute = Some(string(r)?),
            4 => op = Some(variant(r, &OPERATORS)?),
            5 => operand = Some(r.value()?).filter(|v| !v.is_null()),
            6 => values = optional(r, |r| list(r, |r| r.value()))?,
            _ => ci = Some(boolean(r)?),
        }
        Ok(())
    })?;
    let is_comparison = attribute.is_some()
        || op.is_some()
        || operand.is_some()
        || values.is_some()
        || ci.is_some();
    match (all, any, not, is_comparison) {
        (Some(all), None, None, false) => Ok(Condition::All { all }),
        (None, Some(any), None, false) => Ok(Condition::Any { any }),
        (None, None, Some(not), false) => Ok(Condition::Not { not }),
        (None, None, None, _) => Ok(Condition::Compare(Comparison {
            attribute: need(attribute, "attribute")?,
            op: need(op, "op")?,
            value: operand,
            values,
            case_insensitive: ci.unwrap_or(false),
        })),
        _ => Err(error(
            "a condition has exactly one of `all`, `any`, `not` or `attribute`/`op`",
        )),
    }
}

fn event(r: &mut Reader) -> Read<EventDef> {
    let (mut key, mut event_type) = (None, None);
    const EVENT_TYPES: [(&str, EventType); 2] = [
        ("CONVERSION", EventType::Conversion),
        ("NUMERIC", EventType::Numeric),
    ];
    object(r, "struct EventDef", &["key", "type"], &mut |r, i| {
        match i {
            0 => key = Some(string(r)?),
            _ => event_type = Some(variant(r, &EVENT_TYPES)?),
        }
        Ok(())
    })?;
    Ok(EventDef {
        key: need(key, "key")?,
        event_type: need(event_type, "type")?,
    })
}
