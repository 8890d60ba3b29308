"""Vector topics about condition operators: one audience and one flag per
condition (see vectorlib.condition_file)."""

from vectorlib import cond, condition_file, ctx, ms


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
