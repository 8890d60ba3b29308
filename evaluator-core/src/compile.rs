//! Compilation: the wire [`Datafile`] becomes an indexed [`CompiledDatafile`]
//! that evaluation reads without lookups by name, parsing or allocation.
//!
//! Compiling is also the datafile's semantic validation: every check that
//! needs a parse (semver, dates, regexes) happens exactly once, here.

use crate::bucket::{build_slices, hash_prefix, to_units, BucketPurpose, Slice};
use crate::condition::{compile_condition, Node, ValueSet};
use crate::context::{AttrId, AttrValue, Attributes};
use crate::datafile::{Audience, Datafile, Flag, FlagStatus, Rule, RuleType};
use crate::error::DatafileError;
use crate::evaluate::Reason;
use crate::validate::{
    check_datafile_header, check_share, check_split_sum, check_unique, check_variations,
    resolve_variation,
};
use crate::version::parse_strict_semver;
use crate::xxh64::Xxh64;
use semver::Version;
use std::collections::{BTreeMap, HashMap};

/// A validated datafile indexed for evaluation. Build it once per datafile
/// revision and share it; evaluation only reads it.
#[derive(Debug)]
pub struct CompiledDatafile {
    pub(crate) datafile: Datafile,
    pub(crate) flags: Vec<CompiledFlag>,
    pub(crate) audiences: Vec<CompiledAudience>,
    pub(crate) attributes: AttributeTable,
    index: HashMap<String, usize>,
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
    pub traffic_prefix: Xxh64,
    pub variation_prefix: Xxh64,
    pub slices: Box<[Slice]>,
}

/// An audience: member lists and conditions, with attributes resolved.
#[derive(Debug)]
pub(crate) struct CompiledAudience {
    pub excluded: Box<[(AttrId, ValueSet)]>,
    pub included: Box<[(AttrId, ValueSet)]>,
    pub conditions: Option<Node>,
}

/// Attribute names by [`AttrId`], plus the `userId` → `key` fallback.
#[derive(Debug, Default)]
pub(crate) struct AttributeTable {
    names: Vec<String>,
    /// (`userId`, `key`) when the datafile reads `userId`.
    user_id_fallback: Option<(AttrId, AttrId)>,
}

/// Reads a context's attributes by id, applying the `userId` fallback.
pub(crate) struct Reader<'a, C: ?Sized> {
    ctx: &'a C,
    table: &'a AttributeTable,
}

impl<'a, C: Attributes + ?Sized> Reader<'a, C> {
    pub(crate) fn new(ctx: &'a C, table: &'a AttributeTable) -> Self {
        Reader { ctx, table }
    }

    pub(crate) fn read(&self, id: AttrId) -> Option<AttrValue<'a>> {
        let name = self.table.names.get(usize::from(id))?;
        let value = self.ctx.get(id, name);
        match self.table.user_id_fallback {
            Some((user_id, key)) if value.is_none() && id == user_id => self.ctx.get(key, "key"),
            _ => value,
        }
    }
}

/// Assigns [`AttrId`]s while compiling.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    ids: HashMap<String, AttrId>,
    names: Vec<String>,
}

impl Interner {
    /// The id of `name`; `path` locates the reader for the too-many error.
    pub(crate) fn intern(&mut self, name: &str, path: &str) -> Result<AttrId, DatafileError> {
        if let Some(&id) = self.ids.get(name) {
            return Ok(id);
        }
        let id = AttrId::try_from(self.names.len())
            .map_err(|_| DatafileError::new(path, "more than 65536 distinct attributes"))?;
        self.ids.insert(name.to_owned(), id);
        self.names.push(name.to_owned());
        Ok(id)
    }

    pub(crate) fn finish(mut self) -> Result<AttributeTable, DatafileError> {
        // A slot-based `Attributes` needs `key` in the table to fall back to.
        let user_id_fallback = match self.ids.get("userId").copied() {
            Some(user_id) => Some((user_id, self.intern("key", "")?)),
            None => None,
        };
        Ok(AttributeTable {
            names: self.names,
            user_id_fallback,
        })
    }
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
        Self::compile(crate::validate::deserialize(json)?)
    }

    /// The datafile this was compiled from.
    pub fn datafile(&self) -> &Datafile {
        &self.datafile
    }

    /// Position of flag `key` in the datafile's `flags`.
    pub fn flag_index(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
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
        &self.attributes.names
    }

    /// The [`AttrId`] of attribute `name`, if the datafile reads it.
    pub fn attribute_id(&self, name: &str) -> Option<AttrId> {
        let position = self.attributes.names.iter().position(|n| n == name)?;
        AttrId::try_from(position).ok()
    }
}

/// Everything compiled from a datafile, without the datafile itself.
pub(crate) struct Parts {
    flags: Vec<CompiledFlag>,
    audiences: Vec<CompiledAudience>,
    attributes: AttributeTable,
    index: HashMap<String, usize>,
}

/// Validates and compiles; borrowing lets [`Datafile::validate`] share it.
pub(crate) fn build(datafile: &Datafile) -> Result<Parts, DatafileError> {
    let mut interner = Interner::default();
    check_datafile_header(datafile)?;
    let audience_ids = check_unique(datafile.audiences.iter().map(|a| a.id.as_str()), |i| {
        format!("audiences[{i}].id")
    })?;
    let audiences = datafile
        .audiences
        .iter()
        .enumerate()
        .map(|(i, audience)| compile_audience(audience, i, &mut interner))
        .collect::<Result<Vec<_>, _>>()?;
    let index = check_unique(datafile.flags.iter().map(|f| f.key.as_str()), |i| {
        format!("flags[{i}].key")
    })?;
    let flags = datafile
        .flags
        .iter()
        .enumerate()
        .map(|(i, flag)| compile_flag(flag, &format!("flags[{i}]"), &audience_ids, &mut interner))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Parts {
        flags,
        audiences,
        attributes: interner.finish()?,
        index: index.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    })
}

fn compile_audience(
    audience: &Audience,
    i: usize,
    interner: &mut Interner,
) -> Result<CompiledAudience, DatafileError> {
    let path = format!("audiences[{i}]");
    let mut members = |lists: &BTreeMap<String, Vec<String>>, field: &str| {
        lists
            .iter()
            .map(|(attribute, values)| {
                let at = format!("{path}.{field}.{attribute}");
                if attribute.is_empty() {
                    return Err(DatafileError::new(at, "attribute name must not be empty"));
                }
                let set = ValueSet::new(values.iter().map(|v| v.as_str().into()));
                Ok((interner.intern(attribute, &at)?, set))
            })
            .collect::<Result<Box<[_]>, DatafileError>>()
    };
    let excluded = members(&audience.excluded, "excluded")?;
    let included = members(&audience.included, "included")?;
    let conditions = audience
        .conditions
        .as_ref()
        .map(|c| compile_condition(c, &format!("{path}.conditions"), interner))
        .transpose()?;
    Ok(CompiledAudience {
        excluded,
        included,
        conditions,
    })
}

fn compile_flag(
    flag: &Flag,
    path: &str,
    audience_ids: &HashMap<&str, usize>,
    interner: &mut Interner,
) -> Result<CompiledFlag, DatafileError> {
    check_variations(flag, path)?;
    let variation = |key: &str, field: &str| resolve_variation(flag, key, path, field);
    let (min_version, activation_date) = match &flag.rollout_condition {
        None => (None, None),
        Some(rollout) => {
            let min_version = rollout
                .min_version
                .as_deref()
                .map(|text| {
                    let at = format!("{path}.rolloutCondition.minVersion");
                    let version = parse_strict_semver(text).map_err(|e| {
                        DatafileError::new(&at, format_args!("not a semantic version: {e}"))
                    })?;
                    Ok((version, interner.intern("appVersion", &at)?))
                })
                .transpose()?;
            (min_version, rollout.activation_date)
        }
    };
    let overrides = flag
        .overrides
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let at = format!("{path}.overrides[{i}]");
            if o.attribute.is_empty() {
                return Err(DatafileError::new(
                    format!("{at}.attribute"),
                    "must not be empty",
                ));
            }
            Ok(CompiledOverride {
                attr: interner.intern(&o.attribute, &at)?,
                values: ValueSet::new(o.values.iter().map(|v| v.as_str().into())),
                variation: variation(&o.variation, &format!("overrides[{i}].variation"))?,
            })
        })
        .collect::<Result<Box<[_]>, DatafileError>>()?;
    check_unique(flag.rules.iter().map(|r| r.id.as_str()), |i| {
        format!("{path}.rules[{i}].id")
    })?;
    let mut rules = flag
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| compile_rule(flag, rule, i, path, audience_ids, interner))
        .collect::<Result<Vec<_>, _>>()?;
    // Stable sort: AB tests first, each group keeping datafile order.
    rules.sort_by_key(|r| r.reason != Reason::Split);
    Ok(CompiledFlag {
        serving: flag.enabled && flag.status != FlagStatus::Archived,
        off: variation(&flag.off_variation, "offVariation")?,
        default: variation(&flag.default_variation, "defaultVariation")?,
        scheduled_enable_at: flag.scheduled_enable_at,
        min_version,
        activation_date,
        overrides,
        rules: rules.into_boxed_slice(),
    })
}

fn compile_rule(
    flag: &Flag,
    rule: &Rule,
    i: usize,
    flag_path: &str,
    audience_ids: &HashMap<&str, usize>,
    interner: &mut Interner,
) -> Result<CompiledRule, DatafileError> {
    let path = format!("{flag_path}.rules[{i}]");
    if rule.hash_attribute.is_empty() {
        return Err(DatafileError::new(
            format!("{path}.hashAttribute"),
            "must not be empty",
        ));
    }
    let audiences = rule
        .audiences
        .iter()
        .enumerate()
        .map(|(a, id)| match audience_ids.get(id.as_str()) {
            Some(&index) => Ok(index as u32),
            None => Err(DatafileError::new(
                format!("{path}.audiences[{a}]"),
                format_args!("unknown audience {id:?}"),
            )),
        })
        .collect::<Result<Box<[_]>, _>>()?;
    let allocation = check_share(
        rule.traffic_allocation,
        &format!("{path}.trafficAllocation"),
    )?;
    if rule.variations.is_empty() {
        return Err(DatafileError::new(
            format!("{path}.variations"),
            "must not be empty",
        ));
    }
    let shares = rule
        .variations
        .iter()
        .enumerate()
        .map(|(v, split)| {
            let field = format!("rules[{i}].variations[{v}]");
            let index = resolve_variation(
                flag,
                &split.variation,
                flag_path,
                &format!("{field}.variation"),
            )?;
            let share = check_share(split.percentage, &format!("{flag_path}.{field}.percentage"))?;
            Ok((index, share))
        })
        .collect::<Result<Vec<_>, DatafileError>>()?;
    check_split_sum(
        rule.variations.iter().map(|s| s.percentage),
        &format!("{path}.variations"),
    )?;
    Ok(CompiledRule {
        index: i as u32,
        reason: match rule.rule_type {
            RuleType::AbTest => Reason::Split,
            RuleType::TargetedDelivery => Reason::TargetingMatch,
        },
        audiences,
        hash_attr: interner.intern(&rule.hash_attribute, &path)?,
        allocation: to_units(allocation),
        traffic_prefix: hash_prefix(&flag.key, &rule.id, BucketPurpose::Traffic),
        variation_prefix: hash_prefix(&flag.key, &rule.id, BucketPurpose::Variation),
        slices: build_slices(
            shares
                .into_iter()
                .map(|(index, share)| (index, to_units(share))),
        ),
    })
}
