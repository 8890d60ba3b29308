//! Each wire struct, in schema order: its blank value, its fields by key
//! (a repeated key reads its field again), required ones checked after the
//! object, defaults filled in. Conditions are in `condition.rs`.

use super::read::{object, Fields, Variants, Wire};
use super::{unexpected, Read};
use crate::datafile::*;
use crate::json::Reader;
use alloc::{borrow::ToOwned, string::String, vec::Vec};
use serde_json::Value;

const DATAFILE: Fields = Fields {
    expected: "struct Datafile",
    names: &[
        "schemaVersion",
        "revision",
        "publishedAt",
        "environment",
        "flags",
        "audiences",
        "events",
    ],
    required: 0b1_1111,
};

impl Wire for Datafile {
    fn blank() -> Self {
        Datafile {
            schema_version: 0,
            revision: 0,
            published_at: String::new(),
            environment: EnvironmentRef::blank(),
            flags: Vec::new(),
            audiences: Vec::new(),
            events: Vec::new(),
        }
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        object(r, &DATAFILE, &mut |r, i| match i {
            0 => self.schema_version.fill(r),
            1 => self.revision.fill(r),
            2 => self.published_at.fill(r),
            3 => {
                // A struct is read into a blank one: a repeated key starts over.
                self.environment = EnvironmentRef::blank();
                self.environment.fill(r)
            }
            4 => self.flags.fill(r),
            5 => self.audiences.fill(r),
            _ => self.events.fill(r),
        })?;
        Ok(())
    }
}

const ENVIRONMENT: Fields = Fields {
    expected: "struct EnvironmentRef",
    names: &["id", "key", "production"],
    required: 0b011,
};

impl Wire for EnvironmentRef {
    fn blank() -> Self {
        EnvironmentRef {
            id: String::new(),
            key: String::new(),
            production: false,
        }
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        object(r, &ENVIRONMENT, &mut |r, i| match i {
            0 => self.id.fill(r),
            1 => self.key.fill(r),
            _ => self.production.fill(r),
        })?;
        Ok(())
    }
}

// The names are `FlagType::as_str`'s (the binding's metadata and validation
// speak them too): one spelling.
impl Variants for FlagType {
    const NAMES: &'static [&'static str] = &[
        FlagType::Boolean.as_str(),
        FlagType::String.as_str(),
        FlagType::Number.as_str(),
        FlagType::Json.as_str(),
    ];
    const VALUES: &'static [Self] = &[
        FlagType::Boolean,
        FlagType::String,
        FlagType::Number,
        FlagType::Json,
    ];
}

impl Variants for FlagStatus {
    const NAMES: &'static [&'static str] = &["DRAFT", "ACTIVE", "ARCHIVED"];
    const VALUES: &'static [Self] = &[FlagStatus::Draft, FlagStatus::Active, FlagStatus::Archived];
}

const FLAG: Fields = Fields {
    expected: "struct Flag",
    names: &[
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
    ],
    required: 0b000_0111_1111,
};

impl Wire for Flag {
    fn blank() -> Self {
        Flag {
            key: String::new(),
            flag_type: FlagType::blank(),
            status: FlagStatus::blank(),
            variations: Vec::new(),
            off_variation: String::new(),
            enabled: false,
            default_variation: String::new(),
            scheduled_enable_at: None,
            rollout_condition: None,
            overrides: Vec::new(),
            rules: Vec::new(),
        }
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        object(r, &FLAG, &mut |r, i| match i {
            0 => self.key.fill(r),
            1 => self.flag_type.fill(r),
            2 => self.status.fill(r),
            3 => self.variations.fill(r),
            4 => self.off_variation.fill(r),
            5 => self.enabled.fill(r),
            6 => self.default_variation.fill(r),
            7 => self.scheduled_enable_at.fill(r),
            8 => self.rollout_condition.fill(r),
            9 => self.overrides.fill(r),
            _ => self.rules.fill(r),
        })?;
        Ok(())
    }
}

const VARIATION: Fields = Fields {
    expected: "struct Variation",
    names: &["key", "value"],
    required: 0b01,
};

impl Wire for Variation {
    fn blank() -> Self {
        Variation {
            key: String::new(),
            value: Value::Null,
        }
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        object(r, &VARIATION, &mut |r, i| match i {
            0 => self.key.fill(r),
            _ => self.value.fill(r),
        })?;
        Ok(())
    }
}

const ROLLOUT_CONDITION: Fields = Fields {
    expected: "struct RolloutCondition",
    names: &["minVersion", "activationDate"],
    required: 0,
};

impl Wire for RolloutCondition {
    fn blank() -> Self {
        RolloutCondition {
            min_version: None,
            activation_date: None,
        }
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        object(r, &ROLLOUT_CONDITION, &mut |r, i| match i {
            0 => self.min_version.fill(r),
            _ => self.activation_date.fill(r),
        })?;
        Ok(())
    }
}

const OVERRIDE: Fields = Fields {
    expected: "struct Override",
    names: &["attribute", "values", "variation"],
    required: 0b111,
};

impl Wire for Override {
    fn blank() -> Self {
        Override {
            attribute: String::new(),
            values: Vec::new(),
            variation: String::new(),
        }
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        object(r, &OVERRIDE, &mut |r, i| match i {
            0 => self.attribute.fill(r),
            1 => self.values.fill(r),
            _ => self.variation.fill(r),
        })?;
        Ok(())
    }
}

impl Variants for RuleType {
    const NAMES: &'static [&'static str] = &["AB_TEST", "TARGETED_DELIVERY"];
    const VALUES: &'static [Self] = &[RuleType::AbTest, RuleType::TargetedDelivery];
}

const RULE: Fields = Fields {
    expected: "struct Rule",
    names: &[
        "id",
        "type",
        "audiences",
        "trafficAllocation",
        "variations",
        "hashAttribute",
    ],
    required: 0b01_1011,
};

impl Wire for Rule {
    fn blank() -> Self {
        Rule {
            id: String::new(),
            rule_type: RuleType::blank(),
            audiences: Vec::new(),
            traffic_allocation: 0.0,
            variations: Vec::new(),
            hash_attribute: String::new(),
        }
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        let seen = object(r, &RULE, &mut |r, i| match i {
            0 => self.id.fill(r),
            1 => self.rule_type.fill(r),
            2 => self.audiences.fill(r),
            3 => self.traffic_allocation.fill(r),
            4 => self.variations.fill(r),
            _ => self.hash_attribute.fill(r),
        })?;
        if seen & 1 << 5 == 0 {
            self.hash_attribute.push_str("userId");
        }
        Ok(())
    }
}

const SPLIT: Fields = Fields {
    expected: "struct Split",
    names: &["variation", "percentage"],
    required: 0b11,
};

impl Wire for Split {
    fn blank() -> Self {
        Split {
            variation: String::new(),
            percentage: 0.0,
        }
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        object(r, &SPLIT, &mut |r, i| match i {
            0 => self.variation.fill(r),
            _ => self.percentage.fill(r),
        })?;
        Ok(())
    }
}

const AUDIENCE: Fields = Fields {
    expected: "struct Audience",
    names: &["id", "name", "included", "excluded", "conditions"],
    required: 0b0_0001,
};

impl Wire for Audience {
    fn blank() -> Self {
        Audience {
            id: String::new(),
            name: String::new(),
            included: MemberLists::default(),
            excluded: MemberLists::default(),
            conditions: None,
        }
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        object(r, &AUDIENCE, &mut |r, i| match i {
            0 => self.id.fill(r),
            1 => self.name.fill(r),
            2 => self.included.fill(r),
            3 => self.excluded.fill(r),
            _ => self.conditions.fill(r),
        })?;
        Ok(())
    }
}

/// An audience's `{ attribute: [values] }`.
impl Wire for MemberLists {
    fn blank() -> Self {
        MemberLists::default()
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        if r.peek() != Some(b'{') {
            return Err(unexpected(r, "a map"));
        }
        *self = MemberLists::default();
        r.members(&mut |r, key| {
            let mut values = Vec::new();
            values.fill(r).map_err(|e| e.in_field(key))?;
            self.insert(key.to_owned(), values);
            Ok(())
        })
    }
}

impl Variants for EventType {
    const NAMES: &'static [&'static str] = &["CONVERSION", "NUMERIC"];
    const VALUES: &'static [Self] = &[EventType::Conversion, EventType::Numeric];
}

const EVENT: Fields = Fields {
    expected: "struct EventDef",
    names: &["key", "type"],
    required: 0b11,
};

impl Wire for EventDef {
    fn blank() -> Self {
        EventDef {
            key: String::new(),
            event_type: EventType::blank(),
        }
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        object(r, &EVENT, &mut |r, i| match i {
            0 => self.key.fill(r),
            _ => self.event_type.fill(r),
        })?;
        Ok(())
    }
}
