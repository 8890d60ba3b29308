"""Vector topics about the evaluation steps: flag state, overrides, rollout
condition, rules, context handling, value types and errors."""

from vectorlib import (audience, case, cond, ctx, datafile, expect, flag, ms, override, rule,
                       variations, vector_file)

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
