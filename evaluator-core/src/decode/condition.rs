//! Conditions: the four shapes share one object's keys, so the keys are
//! read first and the shape decided after.

use super::read::{check_present, object, Fields, Variants, Wire};
use super::{error, Read};
use crate::datafile::{Comparison, Condition, Operator};
use crate::json::Reader;
use alloc::{boxed::Box, string::String, vec::Vec};

impl Variants for Operator {
    const NAMES: &'static [&'static str] = &[
        "eq",
        "neq",
        "in",
        "notIn",
        "contains",
        "startsWith",
        "endsWith",
        "lt",
        "lte",
        "gt",
        "gte",
        "semverEq",
        "semverLt",
        "semverLte",
        "semverGt",
        "semverGte",
        "before",
        "after",
        "exists",
        "regex",
    ];
    const VALUES: &'static [Self] = &[
        Operator::Eq,
        Operator::Neq,
        Operator::In,
        Operator::NotIn,
        Operator::Contains,
        Operator::StartsWith,
        Operator::EndsWith,
        Operator::Lt,
        Operator::Lte,
        Operator::Gt,
        Operator::Gte,
        Operator::SemverEq,
        Operator::SemverLt,
        Operator::SemverLte,
        Operator::SemverGt,
        Operator::SemverGte,
        Operator::Before,
        Operator::After,
        Operator::Exists,
        Operator::Regex,
    ];
}

const CONDITION: Fields = Fields {
    expected: "a condition: {all: […]}, {any: […]}, {not: …} or {attribute, op, …}",
    names: &[
        "all",
        "any",
        "not",
        "attribute",
        "op",
        "value",
        "values",
        "caseInsensitive",
    ],
    // Which fields a condition needs depends on its shape, decided after.
    required: 0,
};

/// Any of the four shapes.
impl Wire for Condition {
    fn blank() -> Self {
        Condition::All { all: Vec::new() }
    }

    fn fill(&mut self, r: &mut Reader) -> Read<()> {
        *self = condition(r)?;
        Ok(())
    }
}

fn condition(r: &mut Reader) -> Read<Condition> {
    // `all` and `any` share their list: a condition with both is an error.
    let (mut list, mut not) = (Vec::new(), None);
    let mut c = Comparison {
        attribute: String::new(),
        op: Operator::blank(),
        value: None,
        values: None,
        case_insensitive: false,
    };
    let seen = object(r, &CONDITION, &mut |r, i| match i {
        0 | 1 => list.fill(r),
        2 => condition(r).map(|n| not = Some(Box::new(n))),
        3 => c.attribute.fill(r),
        4 => c.op.fill(r),
        5 => c.value.fill(r),
        6 => c.values.fill(r),
        _ => c.case_insensitive.fill(r),
    })?;
    // `value` and `values` set to null do not make a comparison.
    let is_comparison = seen & 0b1001_1000 != 0 || c.value.is_some() || c.values.is_some();
    match (seen & 0b111, not, is_comparison) {
        (0b001, None, false) => Ok(Condition::All { all: list }),
        (0b010, None, false) => Ok(Condition::Any { any: list }),
        (0b100, Some(not), false) => Ok(Condition::Not { not }),
        (0, None, _) => {
            check_present(CONDITION.names, 0b1_1000, seen)?;
            Ok(Condition::Compare(c))
        }
        _ => Err(error(
            "a condition has exactly one of `all`, `any`, `not` or `attribute`/`op`",
        )),
    }
}
