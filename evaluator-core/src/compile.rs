//! Compilation: the wire [`Datafile`] becomes an indexed [`CompiledDatafile`]
//! that evaluation reads without lookups by name, parsing or allocation.
//!
//! Compiling is also the datafile's semantic validation: every check that
//! needs a parse (semver, dates, regexes) happens exactly once, here.

use crate::bucket::{build_slices, to_units, BucketPurpose, Salt, Slice};
use crate::condition::{compile_condition, Node, Test};
use crate::context::{AttrId, AttributeTable, Interner};
use crate::datafile::{Audience, Datafile, Flag, FlagStatus, MemberLists, Rule, RuleType};
use crate::error::DatafileError;
use crate::evaluate::Reason;
use crate::text::{field_at, TextIndex, ValueSet};
use crate::validate::{
    check_datafile_header, check_share, check_split_sum, check_unique, check_variations,
    resolve_variation,
};
use crate::version::{parse_strict_semver, Version};
use alloc::{boxed::Box, format, string::String, vec::Vec};

/// A validated datafile indexed for evaluation. Build it once per datafile
/// revision and share it; evaluation only reads it.
#[derive(Debug)]
pub struct CompiledDatafile {
    pub(crate) datafile: Datafile,
    pub(crate) flags: Vec<CompiledFlag>,
    pub(crate) audiences: Vec<CompiledAudience>,
    pub(crate) attributes: AttributeTable,
    /// Flag keys.
    index: TextIndex,
}

/// One flag, with variation keys resolved to indices into its `variations`.
#[derive(Debug)]
pub(crate) struct CompiledFlag {
    /// Enabled and not archived.
    pub serving: bool,
    pub off: u32,
    pub default: u32,
    pub scheduled_enable_at: Option<i64>,
    /// Minimum version and the id of `appVersion`.
    pub min_version: Option<(Version, AttrId)>,
    pub activation_date: Option<i64>,
    pub overrides: Box<[CompiledOverride]>,
    /// AB_TEST rules first, then TARGETED_DELIVERY, each in datafile order.
    pub rules: Box<[CompiledRule]>,
}

#[derive(Debug)]
pub(crate) struct CompiledOverride {
    pub attr: AttrId,
    pub values: ValueSet,
    pub variation: u32,
}

#[derive(Debug)]
pub(crate) struct CompiledRule {
    /// Position in the datafile's `rules`.
    pub index: u32,
    pub reason: Reason,
    /// Indices into [`CompiledDatafile::audiences`]; empty matches everyone.
    pub audiences: Box<[u32]>,
    pub hash_attr: AttrId,
    /// Traffic allocation in units of 1/100,000.
    pub allocation: u32,
    /// The rule's salt for each purpose (BUCKETING.md §2).
    pub traffic_salt: Salt,
    pub variation_salt: Salt,
    pub slices: Box<[Slice]>,
}

/// An audience: member lists and conditions, with attributes resolved.
#[derive(Debug)]
pub(crate) struct CompiledAudience {
    pub excluded: Box<[(AttrId, ValueSet)]>,
    pub included: Box<[(AttrId, ValueSet)]>,
    pub conditions: Option<Node>,
}

impl CompiledDatafile {
    /// Validates `datafile` and indexes it for evaluation.
    pub fn compile(datafile: Datafile) -> Result<Self, DatafileError> {
        let Parts {
            flags,
            audiences,
            attributes,
            index,
        } = build(&datafile)?;
        Ok(CompiledDatafile {
            datafile,
            flags,
            audiences,
            attributes,
            index,
        })
    }

    /// Parses, validates and compiles a datafile in one pass.
    pub fn from_json(json: &str) -> Result<Self, DatafileError> {
        Self::compile(crate::decode::datafile_from_json(json)?)
    }

    /// The datafile this was compiled from.
    pub fn datafile(&self) -> &Datafile {
        &self.datafile
    }

    /// Position of flag `key` in the datafile's `flags`.
    pub fn flag_index(&self, key: &str) -> Option<usize> {
        let flags = &self.datafile.flags;
        let at = self
            .index
            .find(key.as_bytes(), &|i| field_at(flags, i, |f| &f.key))?;
        Some(at as usize)
    }

    /// Number of flags.
    pub fn flag_count(&self) -> usize {
        self.flags.len()
    }

    /// Every attribute the datafile reads (conditions, member lists,
    /// overrides, hash attributes, `appVersion` for minimum versions), indexed
    /// by [`AttrId`]. When `userId` is read, `key` is listed too, because
    /// evaluation falls back to it.
    pub fn attribute_names(&self) -> &[String] {
        self.attributes.names()
    }

    /// The [`AttrId`] of attribute `name`, if the datafile reads it.
    pub fn attribute_id(&self, name: &str) -> Option<AttrId> {
        let position = self.attributes.names().iter().position(|n| n == name)?;
        AttrId::try_from(position).ok()
    }
}

/// Everything compiled from a datafile, without the datafile itself.
pub(crate) struct Parts {
    flags: Vec<CompiledFlag>,
    audiences: Vec<CompiledAudience>,
    attributes: AttributeTable,
    index: TextIndex,
}

/// Validates and compiles; borrowing lets [`Datafile::validate`] share it.
/// Error paths are formatted only when there is an error.
pub(crate) fn build(datafile: &Datafile) -> Result<Parts, DatafileError> {
    let mut interner = Interner::default();
    check_datafile_header(datafile)?;
    let audiences = &datafile.audiences;
    let audience_at = |i| field_at(audiences, i, |a| &a.id);
    let audience_ids = check_unique(audiences.len(), &audience_at)
        .map_err(|(i, m)| element_error("audiences", i, "id", m))?;
    let find_audience = |id: &str| audience_ids.find(id.as_bytes(), &audience_at);
    let audiences = try_map(audiences, |i, audience| {
        compile_audience(audience, i, &mut interner)
    })?;
    let flags = &datafile.flags;
    let index = check_unique(flags.len(), &|i| field_at(flags, i, |f| &f.key))
        .map_err(|(i, m)| element_error("flags", i, "key", m))?;
    let flags = try_map(flags, |i, flag| {
        compile_flag(flag, i, &find_audience, &mut interner)
    })?;
    Ok(Parts {
        flags,
        audiences,
        attributes: interner.finish()?,
        index,
    })
}

fn compile_audience(
    audience: &Audience,
    i: usize,
    interner: &mut Interner,
) -> Result<CompiledAudience, DatafileError> {
    let mut members = |lists: &MemberLists, field: &str| {
        let lists = lists.iter();
        let mut compiled = Vec::with_capacity(lists.len());
        for (attribute, values) in lists {
            if attribute.is_empty() {
                let m = "attribute names must not be empty";
                return Err(element_error("audiences", i, field, m.into()));
            }
            let set = ValueSet::new(values.iter().map(|v| v.as_str().into()));
            compiled.push((interner.intern(attribute), set));
        }
        Ok(compiled)
    };
    let excluded = members(&audience.excluded, "excluded")?;
    let mut included = members(&audience.included, "included")?;
    let mut conditions = audience
        .conditions
        .as_ref()
        .map(|c| compile_condition(c, &format!("audiences[{i}].conditions"), interner))
        .transpose()?;
    // A lone case-sensitive `in` means what an included list means (the
    // attribute's text is one of the values): as one, membership skips the
    // condition tree's dispatch (the most common audience, `country in [...]`).
    if let Some(Node::Test(
        attr,
        Test::OneOf {
            set,
            ci: false,
            negate: false,
        },
    )) = conditions
    {
        included.push((attr, set));
        conditions = None;
    }
    Ok(CompiledAudience {
        excluded: excluded.into_boxed_slice(),
        included: included.into_boxed_slice(),
        conditions,
    })
}

fn compile_flag(
    flag: &Flag,
    f: usize,
    find_audience: &dyn Fn(&str) -> Option<u32>,
    interner: &mut Interner,
) -> Result<CompiledFlag, DatafileError> {
    // Errors within the flag, seen from the datafile.
    let at = |e: DatafileError| e.in_element(f).in_field("flags");
    check_variations(flag).map_err(at)?;
    let variation = |key: &str| resolve_variation(flag, key);
    let min_version = flag
        .rollout_condition
        .as_ref()
        .and_then(|rollout| rollout.min_version.as_deref())
        .map(|text| match parse_strict_semver(text) {
            Ok(version) => Ok((version, interner.intern("appVersion"))),
            Err(e) => Err(at(DatafileError::new(
                "rolloutCondition.minVersion",
                format_args!("not a semantic version: {e}"),
            ))),
        })
        .transpose()?;
    let overrides = try_map(&flag.overrides, |i, o| {
        if o.attribute.is_empty() {
            let m = "must not be empty".into();
            return Err(at(element_error("overrides", i, "attribute", m)));
        }
        Ok(CompiledOverride {
            attr: interner.intern(&o.attribute),
            values: ValueSet::new(o.values.iter().map(|v| v.as_str().into())),
            variation: variation(&o.variation)
                .map_err(|m| at(element_error("overrides", i, "variation", m)))?,
        })
    })?;
    let rule_ids = &flag.rules;
    check_unique(rule_ids.len(), &|i| field_at(rule_ids, i, |r| &r.id))
        .map_err(|(i, m)| at(element_error("rules", i, "id", m)))?;
    let mut rules = Vec::with_capacity(flag.rules.len());
    // AB tests first, then targeted deliveries, each group in datafile order.
    for group in [RuleType::AbTest, RuleType::TargetedDelivery] {
        for (r, rule) in flag.rules.iter().enumerate() {
            if rule.rule_type == group {
                let compiled = compile_rule(flag, rule, r, find_audience, interner)
                    .map_err(|e| at(e.in_element(r).in_field("rules")))?;
                rules.push(compiled);
            }
        }
    }
    Ok(CompiledFlag {
        serving: flag.enabled && flag.status != FlagStatus::Archived,
        off: variation(&flag.off_variation)
            .map_err(|m| at(DatafileError::new("offVariation", m)))?,
        default: variation(&flag.default_variation)
            .map_err(|m| at(DatafileError::new("defaultVariation", m)))?,
        scheduled_enable_at: flag.scheduled_enable_at,
        min_version,
        activation_date: flag
            .rollout_condition
            .as_ref()
            .and_then(|r| r.activation_date),
        overrides: overrides.into_boxed_slice(),
        rules: rules.into_boxed_slice(),
    })
}

/// Compiles rule `r`; error paths are within the rule.
fn compile_rule(
    flag: &Flag,
    rule: &Rule,
    r: usize,
    find_audience: &dyn Fn(&str) -> Option<u32>,
    interner: &mut Interner,
) -> Result<CompiledRule, DatafileError> {
    if rule.hash_attribute.is_empty() {
        return Err(DatafileError::new("hashAttribute", "must not be empty"));
    }
    let audiences = try_map(&rule.audiences, |a, id| {
        find_audience(id).ok_or_else(|| {
            let m = format!("unknown audience \"{id}\"");
            element_error("audiences", a, "", m)
        })
    })?;
    let allocation = check_share(rule.traffic_allocation)
        .map_err(|m| DatafileError::new("trafficAllocation", m))?;
    if rule.variations.is_empty() {
        return Err(DatafileError::new("variations", "must not be empty"));
    }
    let shares = try_map(&rule.variations, |v, split| {
        let index = resolve_variation(flag, &split.variation)
            .map_err(|m| element_error("variations", v, "variation", m))?;
        let share = check_share(split.percentage)
            .map_err(|m| element_error("variations", v, "percentage", m))?;
        Ok((index, to_units(share)))
    })?;
    check_split_sum(rule.variations.iter().map(|s| s.percentage))
        .map_err(|m| DatafileError::new("variations", m))?;
    Ok(CompiledRule {
        index: r as u32,
        reason: match rule.rule_type {
            RuleType::AbTest => Reason::Split,
            RuleType::TargetedDelivery => Reason::TargetingMatch,
        },
        audiences: audiences.into_boxed_slice(),
        hash_attr: interner.intern(&rule.hash_attribute),
        allocation: to_units(allocation),
        traffic_salt: Salt::new(&flag.key, &rule.id, BucketPurpose::Traffic),
        variation_salt: Salt::new(&flag.key, &rule.id, BucketPurpose::Variation),
        slices: build_slices(shares),
    })
}

/// `f` over `items` and their positions, up to the first error. A plain loop:
/// `collect::<Result<…>>` builds an iterator adapter per use around the
/// inlined closure, each a few KB of WebAssembly.
pub(crate) fn try_map<T, U, E>(
    items: &[T],
    mut f: impl FnMut(usize, &T) -> Result<U, E>,
) -> Result<Vec<U>, E> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(f(i, item)?);
    }
    Ok(out)
}

/// An error at `field` of element `i` of `list` (`overrides[2].attribute`;
/// the element itself when `field` is empty), its path built without
/// formatting (a `format!` per error site was kilobytes of WebAssembly).
pub(crate) fn element_error(list: &str, i: usize, field: &str, message: String) -> DatafileError {
    DatafileError::new(field, message)
        .in_element(i)
        .in_field(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datafile::{EnvironmentRef, FlagType, Override, Variation};
    use serde_json::json;

    fn datafile_with_overrides(attributes: usize) -> Datafile {
        let overrides = (0..attributes)
            .map(|i| Override {
                attribute: format!("a{i}"),
                values: vec!["x".into()],
                variation: "on".into(),
            })
            .collect();
        Datafile {
            schema_version: 1,
            revision: 1,
            published_at: "2026-01-15T00:00:00Z".into(),
            environment: EnvironmentRef {
                id: "e".into(),
                key: "production".into(),
                production: true,
            },
            flags: vec![Flag {
                key: "f".into(),
                flag_type: FlagType::Json,
                status: FlagStatus::Active,
                variations: vec![Variation {
                    key: "on".into(),
                    value: json!({ "on": true }),
                }],
                off_variation: "on".into(),
                enabled: true,
                default_variation: "on".into(),
                scheduled_enable_at: None,
                rollout_condition: None,
                overrides,
                rules: vec![],
            }],
            audiences: vec![],
            events: vec![],
        }
    }

    #[test]
    fn attribute_ids_are_bounded() {
        let limit = usize::from(AttrId::MAX) + 1;
        let at_limit = CompiledDatafile::compile(datafile_with_overrides(limit)).unwrap();
        assert_eq!(at_limit.attribute_names().len(), limit);
        assert_eq!(at_limit.attribute_id("a65535"), Some(AttrId::MAX));
        let err = CompiledDatafile::compile(datafile_with_overrides(limit + 1)).unwrap_err();
        assert_eq!(err.to_string(), "more than 65536 distinct attribute names");
    }
}
