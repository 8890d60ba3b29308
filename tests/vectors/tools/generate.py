#!/usr/bin/env python3
"""Writes the shared vectors tests/vectors/NNN-topic.json.

Every expectation is written here by hand from the brief's evaluation semantics,
except the percentage splits, which bucket.py (an independent implementation of
the bucketing spec) computes. The JSON files are committed; edit this script and
run it again rather than editing them.

  generate.py          write the files
  generate.py --check  exit 1 when a committed file differs from what this writes
"""

import json
import pathlib
import sys

import bucket
from vectorlib import (NOW, case, cond, condition_file, ctx, datafile, expect, flag,
                       ms, override, rule, variations, vector_file, audience)

OUT = pathlib.Path(__file__).resolve().parent.parent

T1 = "2026-07-01T00:00:00Z"  # a date after NOW used by schedules and activation dates
BEFORE_T1, AFTER_T1 = "2026-06-30T23:59:59.999Z", "2026-07-02T08:00:00Z"

ON_RULE = expect(True, "TARGETING_MATCH", "on", "r-everyone")
MODES = variations(("off", "off"), ("standard", "standard"), ("express", "express"))


def flag_state():
    flags = [
        flag("checkout", MODES, "STRING", default="standard"),
        flag("archived-flag", MODES, "STRING", default="standard", status="ARCHIVED"),
        flag("disabled-flag", MODES, "STRING", default="standard", enabled=False,
             overrides=[override("key", ["vip"], "express")],
             rules=[rule("r-all", splits=[("express", 1.0)])]),
        flag("draft-flag", MODES, "STRING", default="standard", status="DRAFT", enabled=False),
        flag("draft-enabled", MODES, "STRING", default="standard", status="DRAFT"),
        flag("scheduled-flag", MODES, "STRING", default="standard", scheduledEnableAt=ms(T1),
             overrides=[override("key", ["vip"], "express")]),
        flag("disabled-scheduled", MODES, "STRING", default="standard", enabled=False,
             scheduledEnableAt=ms("2026-01-01T00:00:00Z")),
        flag("scheduled-rule", default="off", scheduledEnableAt=ms(T1),
             rules=[rule("r-everyone")]),
    ]
    u = ctx()
    cases = [
        case("enabled flag without overrides or rules serves its default variation",
             "checkout", u, expect("standard", "DEFAULT", "standard")),
        case("unknown flag key answers FLAG_NOT_FOUND with a null value", "no-such-flag", u,
             expect(None, "ERROR", error_code="FLAG_NOT_FOUND")),
        case("flag keys are case-sensitive", "Checkout", u,
             expect(None, "ERROR", error_code="FLAG_NOT_FOUND")),
        case("archived flag serves the off variation even though enabled", "archived-flag", u,
             expect("off", "DISABLED", "off")),
        case("disabled flag serves the off variation", "disabled-flag", u,
             expect("off", "DISABLED", "off")),
        case("a disabled flag ignores an override that matches", "disabled-flag", ctx("vip"),
             expect("off", "DISABLED", "off")),
        case("a draft flag that is not enabled is DISABLED", "draft-flag", u,
             expect("off", "DISABLED", "off")),
        case("only ARCHIVED or disabled switch a flag off: an enabled DRAFT evaluates",
             "draft-enabled", u, expect("standard", "DEFAULT", "standard")),
        case("enabled flag before its scheduled enable time is SCHEDULED", "scheduled-flag", u,
             expect("off", "SCHEDULED", "off"), now=BEFORE_T1),
        case("the schedule is checked before overrides", "scheduled-flag", ctx("vip"),
             expect("off", "SCHEDULED", "off"), now=BEFORE_T1),
        case("at exactly the scheduled time the flag is on", "scheduled-flag", u,
             expect("standard", "DEFAULT", "standard"), now=T1),
        case("after the scheduled time overrides apply", "scheduled-flag", ctx("vip"),
             expect("express", "OVERRIDE", "express"), now=AFTER_T1),
        case("disabled wins over a schedule in the past", "disabled-scheduled", u,
             expect("off", "DISABLED", "off")),
        case("scheduled flag: rules are not reached before the time", "scheduled-rule", u,
             expect(False, "SCHEDULED", "off"), now=BEFORE_T1),
        case("scheduled flag: rules apply after the time", "scheduled-rule", u,
             ON_RULE, now=AFTER_T1),
    ]
    return vector_file("Flag state: not found, archived, disabled, draft, scheduled",
                       datafile(flags), cases)


def overrides():
    flags = [
        flag("beta-access", overrides=[
            override("key", ["k-alice", "k-bob"]),
            override("companyId", ["blocked-co"], "off"),
            override("userId", ["u-carol"]),
            override("companyId", ["acme", "globex"]),
            override("accountNumber", ["1234", "42", "1.5"]),
            override("internal", ["true"]),
        ]),
        flag("everyone-on", overrides=[override("key", ["k-opt-out"], "off")],
             rules=[rule("r-everyone")]),
        flag("plan", variations(("free", "free"), ("pro", "pro"), ("enterprise", "enterprise")),
             "STRING", off="free", default="free",
             overrides=[override("companyId", ["acme"], "enterprise"),
                        override("companyId", ["acme", "initech"], "pro")]),
        flag("gated", default="on", rolloutCondition={"minVersion": "3.0.0"},
             overrides=[override("key", ["k-alice"])]),
    ]
    on = expect(True, "OVERRIDE", "on")
    miss = expect(False, "DEFAULT", "off")
    cases = [
        case("override on key", "beta-access", ctx("k-alice"), on),
        case("second value of the same override", "beta-access", ctx("k-bob"), on),
        case("override values are exact: case differs", "beta-access", ctx("K-ALICE"), miss),
        case("override on userId", "beta-access", ctx("anon", userId="u-carol"), on),
        case("userId falls back to key for overrides", "beta-access", ctx("u-carol"), on),
        case("an explicit userId is used instead of key", "beta-access",
             ctx("u-carol", userId="u-dave"), miss),
        case("override on companyId", "beta-access", ctx("anon", companyId="globex"), on),
        case("overrides are tried in order: the first match wins", "beta-access",
             ctx("anon", userId="u-carol", companyId="blocked-co"),
             expect(False, "OVERRIDE", "off")),
        case("numeric attribute matches its stringified value", "beta-access",
             ctx("anon", accountNumber=1234), on),
        case("a number written 42.0 stringifies as 42", "beta-access",
             ctx("anon", accountNumber=42.0), on),
        case("a fractional number stringifies as 1.5", "beta-access",
             ctx("anon", accountNumber=1.5), on),
        case("a numeric string matches too", "beta-access", ctx("anon", accountNumber="1234"), on),
        case("a different number does not match", "beta-access",
             ctx("anon", accountNumber=12345), miss),
        case("boolean attribute true matches the value 'true'", "beta-access",
             ctx("anon", internal=True), on),
        case("boolean attribute false does not match 'true'", "beta-access",
             ctx("anon", internal=False), miss),
        case("an array attribute counts as missing", "beta-access",
             ctx("anon", companyId=["acme"]), miss),
        case("no override matches: fallthrough", "beta-access", ctx("k-zed"), miss),
        case("override wins over a rule that would match", "everyone-on", ctx("k-opt-out"),
             expect(False, "OVERRIDE", "off")),
        case("without an override the rule applies", "everyone-on", ctx("k-other"), ON_RULE),
        case("override can serve any variation", "plan", ctx("anon", companyId="acme"),
             expect("enterprise", "OVERRIDE", "enterprise")),
        case("a later override applies when earlier ones miss", "plan",
             ctx("anon", companyId="initech"), expect("pro", "OVERRIDE", "pro")),
        case("override wins over the rollout condition; the condition is not reported",
             "gated", ctx("k-alice", app_version="1.0.0"),
             expect(True, "OVERRIDE", "on", version_sufficient=None, date_reached=None)),
        case("without the override the rollout condition applies", "gated", ctx("k-zed", app_version="1.0.0"),
             expect(False, "ROLLOUT_CONDITION", "off", version_sufficient=False,
                    date_reached=None)),
    ]
    return vector_file("Overrides: key, userId (falling back to key), companyId, numeric and "
                       "boolean attributes, order, precedence", datafile(flags), cases)


def rollout_condition():
    launch = ms(T1)
    nordic = audience("nordics", cond("country", "in", values=["NO", "SE", "DK", "FI", "IS"]))
    flags = [
        flag("min-version", default="on", rolloutCondition={"minVersion": "2.0.0"}),
        flag("launch-date", default="on", rolloutCondition={"activationDate": launch}),
        flag("both", default="on",
             rolloutCondition={"minVersion": "2.0.0", "activationDate": launch}),
        flag("gated-rule", rolloutCondition={"minVersion": "2.0.0"},
             rules=[rule("r-nordics", audiences=["nordics"])]),
        flag("gated-disabled", enabled=False, rolloutCondition={"minVersion": "2.0.0"}),
        flag("gated-scheduled", default="on", scheduledEnableAt=launch,
             rolloutCondition={"activationDate": launch}),
        flag("new-ui", variations(("legacy", "legacy"), ("new", "new")), "STRING",
             off="legacy", default="new", rolloutCondition={"minVersion": "2.0.0"}),
        flag("plain", default="on"),
    ]

    def version(app_version, sufficient, text):
        result = (expect(True, "DEFAULT", "on", version_sufficient=True, date_reached=None)
                  if sufficient else
                  expect(False, "ROLLOUT_CONDITION", "off", version_sufficient=False,
                         date_reached=None))
        return case(f"minVersion 2.0.0, appVersion {app_version!r}: {text}", "min-version",
                    ctx(app_version=app_version), result)

    def dated(now, reached, text):
        result = (expect(True, "DEFAULT", "on", date_reached=True, version_sufficient=None)
                  if reached else
                  expect(False, "ROLLOUT_CONDITION", "off", date_reached=False,
                         version_sufficient=None))
        return case(f"activationDate {T1}: {text}", "launch-date", ctx(), result, now=now)

    def both(now, app_version, sufficient, reached):
        if sufficient and reached:
            result = expect(True, "DEFAULT", "on", version_sufficient=True, date_reached=True)
        else:
            result = expect(False, "ROLLOUT_CONDITION", "off", version_sufficient=sufficient,
                            date_reached=reached)
        return case(f"both parts are reported: appVersion {app_version!r}, now {now}", "both",
                    ctx(app_version=app_version), result, now=now)

    cases = [
        version("2.1.0", True, "above"),
        version("2.0.0", True, "equal counts as sufficient"),
        version("10.0.0", True, "versions compare numerically, not as text"),
        version("v2.4", True, "lenient: v prefix and missing patch"),
        version("2.4", True, "lenient: missing patch"),
        version("1.9.9", False, "below"),
        version("v1.9", False, "lenient and below"),
        version("2.0.0-beta.1", False, "a pre-release is below its release"),
        version("latest", False, "unparseable counts as below"),
        case("minVersion 2.0.0, no appVersion: missing counts as below", "min-version", ctx(),
             expect(False, "ROLLOUT_CONDITION", "off", version_sufficient=False,
                    date_reached=None)),
        case("appVersion may come from attributes", "min-version",
             ctx(appVersion="3.0.0"), expect(True, "DEFAULT", "on", version_sufficient=True)),
        case("top-level appVersion shadows attributes.appVersion", "min-version",
             ctx(app_version="1.0.0", appVersion="3.0.0"),
             expect(False, "ROLLOUT_CONDITION", "off", version_sufficient=False)),
        dated(BEFORE_T1, False, "not reached a millisecond before"),
        dated(T1, True, "reached at exactly the activation date"),
        dated(AFTER_T1, True, "reached after"),
        both(BEFORE_T1, "2.5.0", True, False),
        both(AFTER_T1, "1.0.0", False, True),
        both(AFTER_T1, "2.5.0", True, True),
        both(BEFORE_T1, None, False, False),
        case("passing the condition continues to the rules", "gated-rule",
             ctx(app_version="2.5.0", country="NO"),
             expect(True, "TARGETING_MATCH", "on", "r-nordics", version_sufficient=True,
                    date_reached=None)),
        case("passing the condition, no rule matches: DEFAULT still reports it", "gated-rule",
             ctx(app_version="2.5.0", country="US"),
             expect(False, "DEFAULT", "off", version_sufficient=True, date_reached=None)),
        case("the condition is checked before rules", "gated-rule",
             ctx(app_version="1.0.0", country="NO"),
             expect(False, "ROLLOUT_CONDITION", "off", version_sufficient=False)),
        case("a disabled flag does not reach the condition: nothing is reported",
             "gated-disabled", ctx(app_version="1.0.0"),
             expect(False, "DISABLED", "off", version_sufficient=None, date_reached=None)),
        case("a scheduled flag does not reach the condition", "gated-scheduled", ctx(),
             expect(False, "SCHEDULED", "off", version_sufficient=None, date_reached=None),
             now=BEFORE_T1),
        case("a failed condition serves the off variation, not the default", "new-ui",
             ctx(app_version="1.0.0"),
             expect("legacy", "ROLLOUT_CONDITION", "legacy", version_sufficient=False)),
        case("a flag without a rollout condition reports neither part", "plain",
             ctx(app_version="1.0.0"),
             expect(True, "DEFAULT", "on", version_sufficient=None, date_reached=None)),
    ]
    return vector_file("Rollout condition: minVersion and activationDate, versionSufficient "
                       "and dateReached", datafile(flags, [nordic]), cases)


def rules():
    audiences = [
        audience("nordics", cond("country", "in", values=["NO", "SE", "DK", "FI", "IS"])),
        audience("staff", cond("email", "endsWith", ".halyard.dev")),
        audience("members", cond("plan", "eq", "pro"),
                 included={"userId": ["u-1", "u-4"]},
                 excluded={"userId": ["u-3", "u-4"], "country": ["XX"]}),
        audience("vip", included={"companyId": ["acme"]}),
    ]
    letters = variations(("off", "off"), ("a", "a"), ("b", "b"), ("c", "c"))
    flags = [
        flag("ab-first", letters, "STRING", rules=[
            rule("td-everyone", splits=[("b", 1.0)]),
            rule("ab-nordics", "AB_TEST", ["nordics"], splits=[("a", 1.0)]),
        ]),
        flag("td-order", letters, "STRING", rules=[
            rule("td-staff", audiences=["staff"], splits=[("a", 1.0)]),
            rule("td-all", splits=[("b", 1.0)]),
        ]),
        flag("ab-order", letters, "STRING", rules=[
            rule("ab-nordics", "AB_TEST", ["nordics"], splits=[("a", 1.0)]),
            rule("td-all", splits=[("c", 1.0)]),
            rule("ab-all", "AB_TEST", splits=[("b", 1.0)]),
        ]),
        flag("any-of", rules=[rule("r-any", audiences=["nordics", "staff"])]),
        flag("members", rules=[rule("r-members", audiences=["members"])]),
        flag("included-only", rules=[rule("r-vip", audiences=["vip"])]),
        flag("zero-allocation", letters, "STRING", rules=[
            rule("td-zero", allocation=0.0, splits=[("a", 1.0)]),
            rule("td-rest", splits=[("b", 1.0)]),
        ]),
        flag("hash-attribute", letters, "STRING", rules=[
            rule("td-device", splits=[("a", 1.0)], hash_attribute="deviceId"),
            rule("td-user", splits=[("b", 1.0)]),
        ]),
    ]

    def letter(value, reason, rule_id):
        return expect(value, reason, value, rule_id)

    member = expect(True, "TARGETING_MATCH", "on", "r-members")
    outside = expect(False, "DEFAULT", "off")
    cases = [
        case("AB_TEST rules run before TARGETED_DELIVERY whatever the array order", "ab-first",
             ctx(country="NO"), letter("a", "SPLIT", "ab-nordics")),
        case("AB_TEST rule does not apply: the TARGETED_DELIVERY rule does", "ab-first",
             ctx(country="US"), letter("b", "TARGETING_MATCH", "td-everyone")),
        case("TARGETED_DELIVERY rules run in array order: first match", "td-order",
             ctx(email="ops@eu.halyard.dev"), letter("a", "TARGETING_MATCH", "td-staff")),
        case("TARGETED_DELIVERY rules in order: the second when the first misses", "td-order",
             ctx(email="someone@example.com"), letter("b", "TARGETING_MATCH", "td-all")),
        case("AB_TEST rules in array order", "ab-order", ctx(country="SE"),
             letter("a", "SPLIT", "ab-nordics")),
        case("a later AB_TEST rule still runs before an earlier TARGETED_DELIVERY", "ab-order",
             ctx(country="US"), letter("b", "SPLIT", "ab-all")),
        case("audiences are any-of: the first audience", "any-of", ctx(country="FI"),
             expect(True, "TARGETING_MATCH", "on", "r-any")),
        case("audiences are any-of: the second audience", "any-of",
             ctx(email="dev@x.halyard.dev", country="US"),
             expect(True, "TARGETING_MATCH", "on", "r-any")),
        case("audiences are any-of: in none", "any-of", ctx(country="US"), outside),
        case("included member is in the audience whatever the conditions", "members",
             ctx(userId="u-1", plan="free"), member),
        case("conditions put a non-member in the audience", "members",
             ctx(userId="u-9", plan="pro"), member),
        case("neither included nor matching the conditions", "members",
             ctx(userId="u-9", plan="free"), outside),
        case("excluded wins over matching conditions", "members",
             ctx(userId="u-3", plan="pro"), outside),
        case("excluded wins over included", "members", ctx(userId="u-4", plan="pro"), outside),
        case("excluded on another attribute wins over included", "members",
             ctx(userId="u-1", country="XX"), outside),
        case("included list uses userId's fallback to key", "members", ctx("u-1", plan="free"),
             member),
        case("audience without conditions: included member", "included-only",
             ctx(companyId="acme"), expect(True, "TARGETING_MATCH", "on", "r-vip")),
        case("audience without conditions matches nobody else", "included-only",
             ctx(companyId="globex"), outside),
        case("a rule with 0 traffic allocation never applies", "zero-allocation", ctx(),
             letter("b", "TARGETING_MATCH", "td-rest")),
        case("a rule hashing another attribute applies when it is present", "hash-attribute",
             ctx(deviceId="dev-77"), letter("a", "TARGETING_MATCH", "td-device")),
        case("a context without the hash attribute skips the rule", "hash-attribute", ctx(),
             letter("b", "TARGETING_MATCH", "td-user")),
        case("no key and no userId: rules hashing userId are skipped", "hash-attribute",
             ctx(None, plan="pro"), expect("off", "DEFAULT", "off")),
    ]
    return vector_file("Rules: AB_TEST before TARGETED_DELIVERY, order within a type, "
                       "audiences any-of, included/excluded members, hash attribute, fallthrough",
                       datafile(flags, audiences), cases)


def string_operators():
    def c(**attributes):
        return ctx(**attributes)

    return condition_file("String operators: eq neq in notIn contains startsWith endsWith, "
                          "case-sensitive and caseInsensitive, unicode", [
        ("eq", cond("country", "eq", "NO"), [
            ("equal", c(country="NO"), True),
            ("case differs", c(country="no"), False),
            ("longer", c(country="NOR"), False)]),
        ("eq-ci", cond("country", "eq", "NO", ci=True), [
            ("case differs", c(country="no"), True),
            ("different", c(country="SE"), False)]),
        ("eq-number", cond("age", "eq", 30), [
            ("equal number", c(age=30), True),
            ("other number", c(age=31), False)]),
        ("eq-bool", cond("beta", "eq", True), [
            ("true", c(beta=True), True),
            ("false", c(beta=False), False)]),
        ("neq", cond("country", "neq", "NO"), [
            ("different", c(country="SE"), True),
            ("equal", c(country="NO"), False),
            ("case differs counts as different", c(country="no"), True)]),
        ("neq-ci", cond("country", "neq", "no", ci=True), [
            ("equal ignoring case", c(country="NO"), False),
            ("different", c(country="DK"), True)]),
        ("in", cond("country", "in", values=["NO", "SE"]), [
            ("listed", c(country="SE"), True),
            ("not listed", c(country="DK"), False),
            ("case differs", c(country="se"), False)]),
        ("in-ci", cond("country", "in", values=["NO", "SE"], ci=True), [
            ("case differs", c(country="se"), True)]),
        ("in-number", cond("tier", "in", values=[1, 2, 3]), [
            ("listed number", c(tier=2), True),
            ("unlisted number", c(tier=4), False)]),
        ("not-in", cond("country", "notIn", values=["NO", "SE"]), [
            ("not listed", c(country="DK"), True),
            ("listed", c(country="NO"), False)]),
        ("not-in-ci", cond("country", "notIn", values=["NO", "SE"], ci=True), [
            ("listed ignoring case", c(country="no"), False),
            ("not listed", c(country="dk"), True)]),
        ("contains", cond("email", "contains", "@halyard"), [
            ("contains", c(email="ana@halyard.dev"), True),
            ("case differs", c(email="ana@HALYARD.dev"), False),
            ("absent substring", c(email="ana@example.com"), False)]),
        ("contains-ci", cond("email", "contains", "@HALYARD", ci=True), [
            ("contains ignoring case", c(email="ana@halyard.dev"), True)]),
        ("starts-with", cond("plan", "startsWith", "pro"), [
            ("prefix", c(plan="pro-annual"), True),
            ("case differs", c(plan="Pro-annual"), False),
            ("suffix only", c(plan="team-pro"), False)]),
        ("starts-with-ci", cond("plan", "startsWith", "pro", ci=True), [
            ("prefix ignoring case", c(plan="PRO-annual"), True)]),
        ("ends-with", cond("email", "endsWith", ".dev"), [
            ("suffix", c(email="ana@halyard.dev"), True),
            ("case differs", c(email="ana@halyard.DEV"), False)]),
        ("ends-with-ci", cond("email", "endsWith", ".dev", ci=True), [
            ("suffix ignoring case", c(email="ana@halyard.DEV"), True)]),
        ("city", cond("city", "eq", "Zürich"), [
            ("Zürich equals itself", c(city="Zürich"), True),
            ("Zurich without umlaut is different", c(city="Zurich"), False),
            ("no unicode normalisation: u + combining diaeresis differs",
             c(city="Zu\u0308rich"), False)]),
        ("city-ci", cond("city", "eq", "zürich", ci=True), [
            ("ZÜRICH lowercases to zürich", c(city="ZÜRICH"), True)]),
        ("name-ci", cond("name", "eq", "åse", ci=True), [
            ("ÅSE equals åse ignoring case", c(name="ÅSE"), True)]),
        ("name", cond("name", "eq", "åse"), [
            ("ÅSE differs from åse when case-sensitive", c(name="ÅSE"), False)]),
        ("name-in-ci", cond("name", "in", values=["ÅSE", "Øystein"], ci=True), [
            ("åse is listed ignoring case", c(name="åse"), True)]),
        ("tokyo", cond("city", "eq", "東京"), [
            ("東京 equals itself", c(city="東京"), True),
            ("京都 is different", c(city="京都"), False)]),
        ("tokyo-contains", cond("city", "contains", "京"), [
            ("東京都 contains 京", c(city="東京都"), True)]),
        ("tokyo-prefix", cond("city", "startsWith", "東"), [
            ("東京 starts with 東", c(city="東京"), True),
            ("京都 does not", c(city="京都"), False)]),
        ("tokyo-suffix", cond("city", "endsWith", "都"), [
            ("東京都 ends with 都", c(city="東京都"), True)]),
        ("emoji", cond("mood", "eq", "🚀"), [
            ("rocket equals rocket", c(mood="🚀"), True),
            ("another emoji", c(mood="🛸"), False)]),
        ("emoji-contains", cond("status", "contains", "🚀"), [
            ("text with a rocket inside", c(status="launch 🚀 now"), True)]),
        ("emoji-prefix", cond("status", "startsWith", "🚀"), [
            ("starts with the rocket", c(status="🚀 ready"), True)]),
    ])


def numeric_operators():
    c = ctx
    return condition_file("Numeric operators lt lte gt gte on numbers and numeric strings", [
        ("gt", cond("age", "gt", 18), [
            ("30 > 18", c(age=30), True),
            ("18 is not > 18", c(age=18), False),
            ("18.5 > 18", c(age=18.5), True),
            ("-1 is not > 18", c(age=-1), False),
            ("numeric string '30' > 18", c(age="30"), True),
            ("non-numeric string", c(age="thirty"), False),
            ("empty string is not a number", c(age=""), False),
            ("a boolean is not a number", c(age=True), False)]),
        ("gte", cond("age", "gte", 18), [
            ("18 >= 18", c(age=18), True),
            ("numeric string '18' >= 18", c(age="18"), True),
            ("17.999 is not >= 18", c(age=17.999), False)]),
        ("lt", cond("items", "lt", 100), [
            ("99 < 100", c(items=99), True),
            ("100 is not < 100", c(items=100), False),
            ("negative numeric string", c(items="-5"), True)]),
        ("lte", cond("items", "lte", 100), [
            ("100 <= 100", c(items=100), True),
            ("numeric string '100.0' <= 100", c(items="100.0"), True),
            ("100.01 is not <= 100", c(items=100.01), False)]),
        ("fraction", cond("score", "gte", 0.5), [
            ("0.5 >= 0.5", c(score=0.5), True),
            ("numeric string '0.49'", c(score="0.49"), False)]),
        ("large", cond("bytes", "gt", 100000000000000), [
            ("1e15 > 1e14", c(bytes=1000000000000000), True)]),
    ])


def semver_operators():
    c = ctx
    return condition_file("Semver operators, lenient on the attribute (v prefix, missing patch)", [
        ("semver-eq", cond("sdkVersion", "semverEq", "2.4.0"), [
            ("2.4.0", c(sdkVersion="2.4.0"), True),
            ("v2.4.0", c(sdkVersion="v2.4.0"), True),
            ("v2.4 = 2.4.0", c(sdkVersion="v2.4"), True),
            ("2.4 = 2.4.0", c(sdkVersion="2.4"), True),
            ("2.4.1", c(sdkVersion="2.4.1"), False),
            ("unparseable", c(sdkVersion="banana"), False)]),
        ("semver-gt", cond("sdkVersion", "semverGt", "2.4.0"), [
            ("2.10.0 > 2.4.0 (numeric, not text)", c(sdkVersion="2.10.0"), True),
            ("2.4.1 > 2.4.0", c(sdkVersion="2.4.1"), True),
            ("2.4.0 is not > 2.4.0", c(sdkVersion="2.4.0"), False),
            ("2.4.0-rc.1 is below 2.4.0", c(sdkVersion="2.4.0-rc.1"), False)]),
        ("semver-gte", cond("sdkVersion", "semverGte", "2.4.0"), [
            ("2.4 >= 2.4.0", c(sdkVersion="2.4"), True),
            ("2.3.9 is not", c(sdkVersion="2.3.9"), False)]),
        ("semver-lt", cond("sdkVersion", "semverLt", "2.4.0"), [
            ("2.4.0-rc.1 < 2.4.0", c(sdkVersion="2.4.0-rc.1"), True),
            ("2.3 < 2.4.0", c(sdkVersion="2.3"), True),
            ("v2.4 is not < 2.4.0", c(sdkVersion="v2.4"), False),
            ("unparseable is false, even for lt", c(sdkVersion="garbage"), False)]),
        ("semver-lte", cond("sdkVersion", "semverLte", "2.4.0"), [
            ("2.4.0 <= 2.4.0", c(sdkVersion="2.4.0"), True),
            ("2.4.0-rc.1 <= 2.4.0", c(sdkVersion="2.4.0-rc.1"), True),
            ("2.4.1 is not", c(sdkVersion="2.4.1"), False)]),
        ("semver-prerelease", cond("sdkVersion", "semverLt", "3.0.0-beta.2"), [
            ("3.0.0-beta.1 < 3.0.0-beta.2", c(sdkVersion="3.0.0-beta.1"), True),
            ("3.0.0-alpha < 3.0.0-beta.2", c(sdkVersion="3.0.0-alpha"), True),
            ("3.0.0 is not", c(sdkVersion="3.0.0"), False)]),
        ("semver-app-version", cond("appVersion", "semverGte", "3.0.0"), [
            ("top-level appVersion is the attribute appVersion", ctx(app_version="3.1"), True),
            ("below", ctx(app_version="2.9.9"), False)]),
    ])


def date_operators():
    c = ctx
    y2026 = "2026-01-01T00:00:00Z"
    return condition_file("Date operators before/after with RFC 3339 strings and epoch ms", [
        ("before", cond("signupDate", "before", y2026), [
            ("a second earlier", c(signupDate="2025-12-31T23:59:59Z"), True),
            ("equal is not before", c(signupDate=y2026), False),
            ("a millisecond later", c(signupDate="2026-01-01T00:00:00.001Z"), False),
            ("offset +02:00 is 2025-12-31T23:00Z", c(signupDate="2026-01-01T01:00:00+02:00"),
             True),
            ("epoch ms a millisecond earlier", c(signupDate=ms(y2026) - 1), True),
            ("epoch ms equal", c(signupDate=ms(y2026)), False),
            ("unparseable date", c(signupDate="last tuesday"), False)]),
        ("after", cond("signupDate", "after", y2026), [
            ("a millisecond later", c(signupDate="2026-01-01T00:00:00.001Z"), True),
            ("equal is not after", c(signupDate=y2026), False),
            ("epoch ms later", c(signupDate=ms(y2026) + 1), True),
            ("offset -02:00 is 2026-01-01T01:00Z", c(signupDate="2025-12-31T23:00:00-02:00"),
             True)]),
        ("after-epoch", cond("lastSeen", "after", ms(y2026)), [
            ("operand in epoch ms, attribute RFC 3339", c(lastSeen="2026-02-01T00:00:00Z"),
             True),
            ("operand in epoch ms, attribute epoch ms", c(lastSeen=ms(y2026) - 1000), False)]),
    ])


def logic_operators():
    c = ctx
    nordic = cond("country", "eq", "NO")
    return condition_file("exists, regex, all/any/not and empty combinators", [
        ("exists", cond("email", "exists"), [
            ("present", c(email="a@b.c"), True),
            ("an empty string is present", c(email=""), True),
            ("absent", c(), False)]),
        ("exists-true", cond("beta", "exists", True), [
            ("boolean false is present", c(beta=False), True),
            ("number 0 is present", c(beta=0), True),
            ("absent", c(), False)]),
        ("exists-false", cond("email", "exists", False), [
            ("absent", c(), True),
            ("present", c(email="a@b.c"), False)]),
        ("regex", cond("handle", "regex", "^user-[0-9]+$"), [
            ("matches", c(handle="user-42"), True),
            ("letters instead of digits", c(handle="user-x"), False),
            ("anchors hold", c(handle="xuser-42"), False)]),
        ("regex-search", cond("handle", "regex", "beta"), [
            ("an unanchored pattern matches anywhere", c(handle="my-beta-tester"), True)]),
        ("regex-alternation", cond("country", "regex", "^(NO|SE)$"), [
            ("alternative", c(country="SE"), True),
            ("other", c(country="DK"), False)]),
        ("regex-unicode", cond("city", "regex", "^東"), [
            ("unicode literal", c(city="東京"), True)]),
        ("all", {"all": [nordic, cond("age", "gte", 18)]}, [
            ("both hold", c(country="NO", age=30), True),
            ("one fails", c(country="NO", age=16), False)]),
        ("any", {"any": [nordic, cond("plan", "eq", "pro")]}, [
            ("the first holds", c(country="NO"), True),
            ("the second holds", c(plan="pro"), True),
            ("neither", c(country="SE", plan="free"), False)]),
        ("not", {"not": nordic}, [
            ("negates a false comparison", c(country="SE"), True),
            ("negates a true comparison", c(country="NO"), False),
            ("not of a comparison on a missing attribute is true", c(), True)]),
        ("nested", {"all": [{"any": [nordic, cond("country", "eq", "SE")]},
                            {"not": cond("plan", "eq", "free")}]}, [
            ("inner any holds and not holds", c(country="SE", plan="pro"), True),
            ("not fails", c(country="SE", plan="free"), False)]),
        ("empty-all", {"all": []}, [
            ("an empty all is true", c(), True)]),
        ("empty-any", {"any": []}, [
            ("an empty any is false", c(), False)]),
        ("not-empty-any", {"not": {"any": []}}, [
            ("not of an empty any is true", c(), True)]),
    ])


def missing_attributes():
    groups = []
    operators = [
        ("eq", "NO"), ("neq", "NO"), ("contains", "N"), ("startsWith", "N"),
        ("endsWith", "O"), ("lt", 5), ("lte", 5), ("gt", 5), ("gte", 5),
        ("semverEq", "1.0.0"), ("semverLt", "1.0.0"), ("semverLte", "1.0.0"),
        ("semverGt", "1.0.0"), ("semverGte", "1.0.0"), ("before", "2026-01-01T00:00:00Z"),
        ("after", "2026-01-01T00:00:00Z"), ("regex", ".*"),
    ]
    for op, value in operators:
        groups.append((f"missing-{op}", cond("absent", op, value), [
            (f"{op} on a missing attribute is false", ctx(other="NO"), False)]))
    for op in ("in", "notIn"):
        groups.append((f"missing-{op}", cond("absent", op, values=["NO"]), [
            (f"{op} on a missing attribute is false", ctx(other="NO"), False)]))
    groups.append(("missing-exists", cond("absent", "exists"), [
        ("exists on a missing attribute is false", ctx(), False)]))
    groups.append(("names-are-case-sensitive", cond("country", "eq", "NO"), [
        ("Country is not country", ctx(Country="NO"), False)]))
    non_scalar = [("null", None), ("an array", ["NO"]), ("an object", {"code": "NO"})]
    for op, value, values in (("eq", "NO", None), ("neq", "SE", None), ("notIn", None, ["SE"]),
                              ("gte", 0, None), ("semverGte", "0.0.0", None)):
        groups.append((f"non-scalar-{op}", cond("country", op, value, values), [
            (f"{label} counts as missing", ctx(country=v), False) for label, v in non_scalar]))
    groups.append(("non-scalar-exists", cond("country", "exists"), [
        ("null is not present", ctx(country=None), False),
        ("an array is not present", ctx(country=["NO"]), False)]))
    groups.append(("non-scalar-absent", cond("country", "exists", False), [
        ("an object counts as absent", ctx(country={"code": "NO"}), True)]))
    return condition_file("Missing and non-scalar attributes: every comparison is false "
                          "(neq and notIn included); exists:false is the way to ask", groups)


def context_rules():
    audiences = [
        audience("key-real", cond("key", "eq", "real")),
        audience("key-shadow", cond("key", "eq", "shadow")),
        audience("has-user-id", cond("userId", "exists")),
    ]
    flags = [
        flag("key-real", rules=[rule("r-real", audiences=["key-real"])]),
        flag("key-shadow", rules=[rule("r-shadow", audiences=["key-shadow"])]),
        flag("user-id-exists", rules=[rule("r-uid", audiences=["has-user-id"])]),
    ]
    cases = [
        case("the top-level key is the attribute key", "key-real", ctx("real"),
             expect(True, "TARGETING_MATCH", "on", "r-real")),
        case("top-level key shadows attributes.key", "key-real", ctx("real", key="shadow"),
             expect(True, "TARGETING_MATCH", "on", "r-real")),
        case("a shadowed attributes.key is not seen", "key-shadow", ctx("real", key="shadow"),
             expect(False, "DEFAULT", "off")),
        case("attributes.key is used when there is no top-level key", "key-shadow",
             ctx(None, key="shadow"), expect(True, "TARGETING_MATCH", "on", "r-shadow")),
        case("userId exists through the fallback to key", "user-id-exists", ctx("k-1"),
             expect(True, "TARGETING_MATCH", "on", "r-uid")),
        case("no key and no userId: userId is missing", "user-id-exists", ctx(None, plan="pro"),
             expect(False, "DEFAULT", "off")),
        case("an empty context evaluates", "user-id-exists", {}, expect(False, "DEFAULT", "off")),
    ]
    return vector_file("Context: key and appVersion as attributes, shadowing, userId falling "
                       "back to key", datafile(flags, audiences), cases)


def pick_users(flag_key, rule_id, allocation, splits, outcomes, count=40):
    """Concrete users, from user-1 up, until each outcome is covered; bucket.py decides."""
    chosen = {}
    for n in range(1, count + 1):
        user = f"user-{n}"
        got = bucket.assign(flag_key, rule_id, user, allocation, splits)
        if len(chosen.get(got, [])) < 2:
            chosen.setdefault(got, []).append(user)
    missing = [o for o in outcomes if o not in chosen]
    assert not missing, f"{flag_key}: no user among {count} gets {missing}"
    return [(u, o) for o in outcomes for u in chosen[o]]


def bucket_note(flag_key, rule_id, value):
    traffic = bucket.bucket(flag_key, rule_id, "traffic", value)
    var = bucket.bucket(flag_key, rule_id, "variation", value)
    return f"traffic bucket {traffic}, variation bucket {var}"


def bucketing():
    colors = variations(("off", "off"), ("control", "control"), ("treatment", "treatment"),
                        ("a", "a"), ("b", "b"), ("red", "red"), ("green", "green"),
                        ("blue", "blue"), ("gray", "gray"))
    specs = [
        # flag, rule, type, allocation, splits, fallback variation when outside
        ("ab-50", "exp-1", "AB_TEST", 1.0, [("control", 0.5), ("treatment", 0.5)], None),
        ("ab-25-75", "exp-2", "AB_TEST", 1.0, [("a", 0.25), ("b", 0.75)], None),
        ("ab-three", "exp-3", "AB_TEST", 0.5, [("red", 0.2), ("green", 0.3), ("blue", 0.5)],
         "gray"),
        ("rollout-25", "rollout", "TARGETED_DELIVERY", 0.25, [("treatment", 1.0)], None),
    ]
    flags, cases = [], []
    for flag_key, rule_id, rule_type, allocation, splits, fallback in specs:
        rules_ = [rule(rule_id, rule_type, allocation=allocation, splits=splits)]
        if fallback:
            rules_.append(rule("fallback", splits=[(fallback, 1.0)]))
        flags.append(flag(flag_key, colors, "STRING", default="off", rules=rules_))
        reason = "SPLIT" if rule_type == "AB_TEST" else "TARGETING_MATCH"
        outcomes = [v for v, _ in splits] + [None]
        if allocation == 1.0:
            outcomes.remove(None)
        for user, got in pick_users(flag_key, rule_id, allocation, splits, outcomes):
            note = bucket_note(flag_key, rule_id, user)
            if got is not None:
                expected = expect(got, reason, got, rule_id)
                text = f"{user} gets {got} ({note})"
            elif fallback:
                expected = expect(fallback, "TARGETING_MATCH", fallback, "fallback")
                text = f"{user} is outside the {allocation:.0%} allocation ({note})"
            else:
                expected = expect("off", "DEFAULT", "off")
                text = f"{user} is outside the {allocation:.0%} allocation ({note})"
            cases.append(case(f"{flag_key}: {text}", flag_key, ctx(user), expected))

    # The hashed value is the attribute as a string: numbers in JS form, booleans true/false.
    # The number is one whose "N" and "N.0" land in different variations, so a
    # formatting slip cannot pass by luck.
    company_splits = [("control", 0.25), ("treatment", 0.25), ("a", 0.25), ("b", 0.25)]
    flags.append(flag("company-split", colors, "STRING", rules=[
        rule("by-company", "AB_TEST", splits=company_splits, hash_attribute="companyId")]))
    n = next(n for n in range(1000, 2000)
             if bucket.assign("company-split", "by-company", str(n), 1.0, company_splits)
             != bucket.assign("company-split", "by-company", f"{n}.0", 1.0, company_splits))
    for label, value in ((f"string '{n}'", str(n)), (f"number {n}", n),
                         (f"number {n}.0", float(n)), ("number 2.5", 2.5),
                         # JSON.parse rounds this literal correctly to 1.2345678901234568e20;
                         # a parser that is one ulp off hashes "123456789012345670000"
                         ("number 123456789012345680000 (above 2^53)", 123456789012345680000),
                         ("string 'acme'", "acme"), ("boolean true", True)):
        got = bucket.assign("company-split", "by-company", value, 1.0, company_splits)
        cases.append(case(
            f"company-split: hashAttribute companyId, {label} hashes as "
            f"'{bucket.js_string(value)}' -> {got} "
            f"({bucket_note('company-split', 'by-company', value)})",
            "company-split", ctx("same-user", companyId=value),
            expect(got, "SPLIT", got, "by-company")))
    user_in_key = bucket.assign("ab-50", "exp-1", "user-7", 1.0, specs[0][4])
    cases.append(case(f"ab-50: userId 'user-7' buckets like key 'user-7' -> {user_in_key}",
                      "ab-50", ctx("someone-else", userId="user-7"),
                      expect(user_in_key, "SPLIT", user_in_key, "exp-1")))
    return vector_file("Bucketing with concrete users: 50/50 and 25/75 AB tests, a 3-way split "
                       "inside 50 % allocation, a 25 % rollout, hash values of every type "
                       "(expectations computed by tools/bucket.py)", datafile(flags), cases)


def types_and_errors():
    flags = [
        flag("beta", default="on"),
        flag("banner-text", variations(("off", ""), ("hello", "Hallo, Zürich 👋")), "STRING",
             default="hello"),
        flag("max-items", variations(("off", 0), ("few", 25), ("many", 100.5)), "NUMBER",
             default="many"),
        flag("theme", variations(("off", {}), ("dark", {"mode": "dark", "sizes": [1, 2, 3],
                                                          "nested": {"a": None, "b": "東京"}})),
             "JSON", default="dark"),
        flag("theme-list", variations(("off", []), ("list", ["a", 1, True])), "JSON",
             default="list", enabled=False),
    ]
    u = ctx()
    dark = {"mode": "dark", "sizes": [1, 2, 3], "nested": {"a": None, "b": "東京"}}
    mismatch = "TYPE_MISMATCH"
    cases = [
        case("BOOLEAN flag asked as boolean", "beta", u, expect(True, "DEFAULT", "on"),
             value_type="boolean", default_value=False),
        case("BOOLEAN flag asked as string: TYPE_MISMATCH returns the caller's default", "beta",
             u, expect("nope", "ERROR", error_code=mismatch), value_type="string",
             default_value="nope"),
        case("STRING flag untyped", "banner-text", u,
             expect("Hallo, Zürich 👋", "DEFAULT", "hello")),
        case("STRING flag asked as string", "banner-text", u,
             expect("Hallo, Zürich 👋", "DEFAULT", "hello"), value_type="string"),
        case("STRING flag asked as number", "banner-text", u,
             expect(-1, "ERROR", error_code=mismatch), value_type="number", default_value=-1),
        case("NUMBER flag serves a fractional number", "max-items", u,
             expect(100.5, "DEFAULT", "many"), value_type="number", default_value=0),
        case("NUMBER flag asked as boolean", "max-items", u,
             expect(True, "ERROR", error_code=mismatch), value_type="boolean",
             default_value=True),
        case("JSON flag serves an object", "theme", u, expect(dark, "DEFAULT", "dark"),
             value_type="json"),
        case("JSON flag asked as string", "theme", u,
             expect("light", "ERROR", error_code=mismatch), value_type="string",
             default_value="light"),
        case("JSON flag with a JSON default value on mismatch", "theme", u,
             expect({"fallback": True}, "ERROR", error_code=mismatch), value_type="boolean",
             default_value={"fallback": True}),
        case("a disabled JSON flag serves its off variation, an empty array", "theme-list", u,
             expect([], "DISABLED", "off"), value_type="json"),
        case("TYPE_MISMATCH does not depend on the flag's state", "theme-list", u,
             expect(0, "ERROR", error_code=mismatch), value_type="number", default_value=0),
        case("FLAG_NOT_FOUND returns the caller's default", "missing", u,
             expect("fallback", "ERROR", error_code="FLAG_NOT_FOUND"), default_value="fallback"),
        case("FLAG_NOT_FOUND wins over the type check", "missing", u,
             expect(False, "ERROR", error_code="FLAG_NOT_FOUND"), value_type="boolean",
             default_value=False),
        case("FLAG_NOT_FOUND with an explicit null default", "missing", u,
             expect(None, "ERROR", error_code="FLAG_NOT_FOUND"), has_default=True),
    ]
    return vector_file("Value types (BOOLEAN, STRING, NUMBER, JSON), typed evaluation and "
                       "error codes FLAG_NOT_FOUND / TYPE_MISMATCH", datafile(flags), cases)


FILES = {
    "001-flag-state.json": flag_state,
    "002-overrides.json": overrides,
    "003-rollout-condition.json": rollout_condition,
    "004-rules.json": rules,
    "005-string-operators.json": string_operators,
    "006-numeric-operators.json": numeric_operators,
    "007-semver-operators.json": semver_operators,
    "008-date-operators.json": date_operators,
    "009-logic-operators.json": logic_operators,
    "010-missing-attributes.json": missing_attributes,
    "011-context.json": context_rules,
    "012-bucketing.json": bucketing,
    "013-types-and-errors.json": types_and_errors,
}


WIDTH = 100


def dump(value, indent=0) -> str:
    """JSON with two-space indentation, keeping any value that fits on one line inline."""
    flat = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if indent + len(flat) <= WIDTH or not isinstance(value, (dict, list)) or not value:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {dump(v, indent + 2)}"
                 for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + dump(v, indent + 2) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def render(build) -> str:
    return dump(build()) + "\n"


def validate_against_schema(texts) -> list:
    """Schema errors of the rendered files; skipped where jsonschema is not installed."""
    try:
        import jsonschema
    except ImportError:
        print("jsonschema not installed: schema.json check skipped")
        return []
    schema = json.loads((OUT / "schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{name}: {error.json_path}: {error.message}"
            for name, text in texts.items()
            for error in validator.iter_errors(json.loads(text))]


def main(argv) -> int:
    check = argv[1:] == ["--check"]
    stale, total = [], 0
    texts = {name: render(build) for name, build in FILES.items()}
    for name, text in texts.items():
        total += len(json.loads(text)["cases"])
        path = OUT / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    invalid = validate_against_schema(texts)
    for error in invalid:
        print(error)
    if stale:
        print(f"vectors out of date (run tests/vectors/tools/generate.py): {', '.join(stale)}")
        return 1
    if invalid:
        return 1
    print(f"{'checked' if check else 'wrote'} {len(FILES)} vector files, {total} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
