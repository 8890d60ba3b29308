"""Builders for the shared vector files: datafiles, flags, rules and cases.

Kept apart from generate.py so each topic there reads as data.
"""

from datetime import datetime

NOW = "2026-06-15T12:00:00Z"


def ms(rfc3339: str) -> int:
    """Epoch milliseconds of an RFC 3339 instant."""
    return round(datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp() * 1000)


def datafile(flags, audiences=()):
    return {
        "schemaVersion": 1,
        "revision": 1,
        "publishedAt": "2026-06-01T00:00:00Z",
        "environment": {"id": "env_vectors", "key": "production", "production": True},
        # the datafile lists flags by key
        "flags": sorted(flags, key=lambda f: f["key"]),
        "audiences": list(audiences),
        "events": [],
    }


BOOL_VARIATIONS = [{"key": "on", "value": True}, {"key": "off", "value": False}]


def flag(key, variations=None, flag_type="BOOLEAN", off="off", default="off", **config):
    """A flag; config takes the optional camelCase fields (rules, overrides, …)."""
    body = {
        "key": key,
        "type": flag_type,
        "status": config.pop("status", "ACTIVE"),
        "variations": variations or BOOL_VARIATIONS,
        "offVariation": off,
        "enabled": config.pop("enabled", True),
        "defaultVariation": default,
    }
    body.update(config)
    body.setdefault("overrides", [])
    body.setdefault("rules", [])
    return body


def variations(*pairs):
    """variations(("a", 1), ("b", 2)) -> [{"key": "a", "value": 1}, …]"""
    return [{"key": k, "value": v} for k, v in pairs]


def rule(rule_id, rule_type="TARGETED_DELIVERY", audiences=(), allocation=1.0,
         splits=(("on", 1.0),), hash_attribute=None):
    body = {
        "id": rule_id,
        "type": rule_type,
        "audiences": list(audiences),
        "trafficAllocation": allocation,
        "variations": [{"variation": v, "percentage": p} for v, p in splits],
    }
    if hash_attribute is not None:
        body["hashAttribute"] = hash_attribute
    return body


def audience(audience_id, conditions=None, included=None, excluded=None):
    body = {"id": audience_id, "name": audience_id.replace("-", " ").title()}
    if included:
        body["included"] = included
    if excluded:
        body["excluded"] = excluded
    if conditions is not None:
        body["conditions"] = conditions
    return body


def override(attribute, values, variation="on"):
    return {"attribute": attribute, "values": list(values), "variation": variation}


def cond(attribute, op, value=None, values=None, ci=False):
    body = {"attribute": attribute, "op": op}
    if value is not None:
        body["value"] = value
    if values is not None:
        body["values"] = list(values)
    if ci:
        body["caseInsensitive"] = True
    return body


def ctx(key="user-1", /, *, app_version=None, **attributes):
    """A context; `key` is positional so an attribute may be named `key` too."""
    body = {}
    if key is not None:
        body["key"] = key
    if app_version is not None:
        body["appVersion"] = app_version
    if attributes:
        body["attributes"] = attributes
    return body


def expect(value, reason, variation=None, rule_id=None, error_code=None, **rollout):
    """Expected result; versionSufficient/dateReached only when given (None = must be null)."""
    body = {"value": value, "reason": reason}
    if variation is not None:
        body["variation"] = variation
    if rule_id is not None:
        body["ruleId"] = rule_id
    if error_code is not None:
        body["errorCode"] = error_code
    for name, field in (("version_sufficient", "versionSufficient"), ("date_reached", "dateReached")):
        if name in rollout:
            body[field] = rollout[name]
    return body


def case(description, flag_key, context, expected, now=NOW, default_value=None,
         value_type=None, has_default=False):
    body = {"description": description, "flagKey": flag_key, "context": context, "now": now}
    if has_default or default_value is not None:
        body["defaultValue"] = default_value
    if value_type is not None:
        body["valueType"] = value_type
    body["expected"] = expected
    return body


def vector_file(description, datafile_body, cases):
    return {"description": description, "datafile": datafile_body, "cases": cases}


def condition_file(description, groups):
    """One audience + one flag per condition; each flag serves `on` through a
    TARGETED_DELIVERY rule over that audience, so a match reads TARGETING_MATCH/true
    and a miss DEFAULT/false.

    groups: [(flag_key, condition, [(description, context, matches)])]
    """
    flags, audiences, cases = [], [], []
    for flag_key, condition, checks in groups:
        audience_id = f"aud-{flag_key}"
        rule_id = f"r-{flag_key}"
        audiences.append(audience(audience_id, conditions=condition))
        flags.append(flag(flag_key, rules=[rule(rule_id, audiences=[audience_id])]))
        for text, context, matches in checks:
            expected = (expect(True, "TARGETING_MATCH", "on", rule_id) if matches
                        else expect(False, "DEFAULT", "off"))
            cases.append(case(f"{flag_key}: {text}", flag_key, context, expected))
    return vector_file(description, datafile(flags, audiences), cases)
