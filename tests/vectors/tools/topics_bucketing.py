"""Percentage splits with concrete users; tools/bucket.py computes every expectation."""

import bucket
from vectorlib import case, ctx, datafile, expect, flag, rule, variations, vector_file


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
    # Thirds round to 33333 units each: bucket 99999 falls in the gap, which the last
    # non-zero share absorbs (BUCKETING.md §4), never the trailing 0 % variation.
    thirds = [("red", 1 / 3), ("green", 1 / 3), ("blue", 1 / 3), ("gray", 0.0)]
    flags.append(flag("thirds", colors, "STRING", rules=[rule("split", "AB_TEST", splits=thirds)]))
    gap_user = "user-9448"
    assert bucket.bucket("thirds", "split", "variation", gap_user) == 99999
    for user, got in [(gap_user, "blue")] + pick_users("thirds", "split", 1.0, thirds,
                                                        ["red", "green", "blue"]):
        assert bucket.assign("thirds", "split", user, 1.0, thirds) == got
        cases.append(case(f"thirds: {user} gets {got} ({bucket_note('thirds', 'split', user)})",
                          "thirds", ctx(user), expect(got, "SPLIT", got, "split")))
    user_in_key = bucket.assign("ab-50", "exp-1", "user-7", 1.0, specs[0][4])
    cases.append(case(f"ab-50: userId 'user-7' buckets like key 'user-7' -> {user_in_key}",
                      "ab-50", ctx("someone-else", userId="user-7"),
                      expect(user_in_key, "SPLIT", user_in_key, "exp-1")))
    return vector_file("Bucketing with concrete users: 50/50 and 25/75 AB tests, a 3-way split "
                       "inside 50 % allocation, a 25 % rollout, hash values of every type "
                       "(expectations computed by tools/bucket.py)", datafile(flags), cases)
