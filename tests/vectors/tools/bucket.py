#!/usr/bin/env python3
"""Independent implementation of Halyard's bucketing, used to compute the
expected variations of the shared vectors (so they test the Rust core
instead of copying it).

Spec (evaluator-core/BUCKETING.md), every hash XXH64 with seed 0:
  value_hash  = XXH64(UTF-8 of the hash attribute as a string)
                (numbers in shortest JS form, booleans true/false)
  salt_hash   = XXH64(UTF-8 of "{flagKey}/{ruleId}/{purpose}"), purpose "traffic" or "variation"
  bucket_hash = XXH64(salt_hash as 8 bytes little-endian + value_hash as 8 bytes little-endian)
  bucket      = (bucket_hash * 100_000) >> 64          -> 0..99_999
  units  = round(p * 100_000)
  in allocation  <=> bucket(traffic) < allocation units
  variation      = first split whose cumulative units exceed bucket(variation)

Usage:
  bucket.py --self-test                       check XXH64 against published values
  bucket.py FLAG RULE VALUE [ALLOC [V:P ...]]  print buckets (and the outcome)
"""

import ctypes
import ctypes.util
import json
import math
import random
import shutil
import struct
import subprocess
import sys

MASK = (1 << 64) - 1
P1 = 0x9E3779B185EBCA87
P2 = 0xC2B2AE3D27D4EB4F
P3 = 0x165667B19E3779F9
P4 = 0x85EBCA77C2B2AE63
P5 = 0x27D4EB2F165667C5
SCALE = 100_000


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & MASK


def _round(acc, lane):
    acc = (acc + lane * P2) & MASK
    return (_rotl(acc, 31) * P1) & MASK


def _merge(acc, val):
    acc ^= _round(0, val)
    return (acc * P1 + P4) & MASK


def xxh64(data: bytes, seed: int = 0) -> int:
    """XXH64 as specified in xxHash's doc/xxhash_spec.md."""
    n = len(data)
    i = 0
    if n >= 32:
        v = [(seed + P1 + P2) & MASK, (seed + P2) & MASK, seed & MASK, (seed - P1) & MASK]
        while i + 32 <= n:
            for k in range(4):
                v[k] = _round(v[k], int.from_bytes(data[i + 8 * k:i + 8 * k + 8], "little"))
            i += 32
        acc = (_rotl(v[0], 1) + _rotl(v[1], 7) + _rotl(v[2], 12) + _rotl(v[3], 18)) & MASK
        for lane in v:
            acc = _merge(acc, lane)
    else:
        acc = (seed + P5) & MASK
    acc = (acc + n) & MASK
    while i + 8 <= n:
        acc ^= _round(0, int.from_bytes(data[i:i + 8], "little"))
        acc = (_rotl(acc, 27) * P1 + P4) & MASK
        i += 8
    if i + 4 <= n:
        acc ^= (int.from_bytes(data[i:i + 4], "little") * P1) & MASK
        acc = (_rotl(acc, 23) * P2 + P3) & MASK
        i += 4
    while i < n:
        acc ^= (data[i] * P5) & MASK
        acc = (_rotl(acc, 11) * P1) & MASK
        i += 1
    acc ^= acc >> 33
    acc = (acc * P2) & MASK
    acc ^= acc >> 29
    acc = (acc * P3) & MASK
    acc ^= acc >> 32
    return acc


def js_string(value) -> str:
    """The hash attribute as a string, numbers as JavaScript's String(n) writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        # JSON integers become doubles in JavaScript; small ones print as they are.
        return str(value) if abs(value) < 2**53 else js_number(float(value))
    if isinstance(value, float):
        return js_number(value)
    return value


def js_number(x: float) -> str:
    """ECMAScript Number::toString(x) (radix 10) from Python's shortest round-trip digits."""
    if x != x:
        return "NaN"
    if x == 0:
        return "0"
    if x < 0:
        return "-" + js_number(-x)
    if x == float("inf"):
        return "Infinity"
    mantissa, _, exp = repr(x).partition("e")
    whole, _, frac = mantissa.partition(".")
    raw = (whole + frac).lstrip("0")
    # x = 0.DIGITS × 10^n, as ECMA-262 states the cases
    n = int(exp or 0) + (len(whole) if whole != "0" else -(len(frac) - len(frac.lstrip("0"))))
    digits = raw.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    sign = "+" if n - 1 >= 0 else "-"
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{head}e{sign}{abs(n - 1)}"


def salt_hash(flag_key: str, rule_id: str, purpose: str) -> int:
    return xxh64(f"{flag_key}/{rule_id}/{purpose}".encode("utf-8"))


def value_hash(value) -> int:
    return xxh64(js_string(value).encode("utf-8"))


def bucket_hash(flag_key: str, rule_id: str, purpose: str, value) -> int:
    salt = salt_hash(flag_key, rule_id, purpose)
    return xxh64(struct.pack("<QQ", salt, value_hash(value)))


def bucket(flag_key: str, rule_id: str, purpose: str, value) -> int:
    return (bucket_hash(flag_key, rule_id, purpose, value) * SCALE) >> 64


def units(p: float) -> int:
    # round half away from zero, like Rust's f64::round (Python's round is banker's)
    return int(math.floor(p * SCALE + 0.5))


def in_allocation(flag_key, rule_id, value, allocation) -> bool:
    return bucket(flag_key, rule_id, "traffic", value) < units(allocation)


def variation_bounds(splits):
    """Cumulative bounds; the last non-zero share's bound (and later ones) is 100 000,
    so a total rounded short (3 x 33333) still covers every bucket (BUCKETING.md §4)."""
    bounds, total = [], 0
    for _, pct in splits:
        total += units(pct)
        bounds.append(min(SCALE, total))
    last = max((i for i, (_, pct) in enumerate(splits) if units(pct) > 0), default=None)
    if last is not None:
        bounds[last:] = [SCALE] * (len(bounds) - last)
    return bounds


def pick_variation(flag_key, rule_id, value, splits):
    """splits: [(variation_key, percentage)] in rule order -> variation key or None."""
    b = bucket(flag_key, rule_id, "variation", value)
    for (key, _), bound in zip(splits, variation_bounds(splits)):
        if b < bound:
            return key
    return None


def assign(flag_key, rule_id, value, allocation, splits):
    """Variation the rule serves to this value, or None when outside the allocation."""
    if not in_allocation(flag_key, rule_id, value, allocation):
        return None
    return pick_variation(flag_key, rule_id, value, splits)


# Published XXH64 (seed 0) digests, from xxHash's README/CLI (`xxhsum -H1`)
# and python-xxhash's documentation.
PUBLISHED = [
    (b"", 0xEF46DB3751D8E999),
    (b"a", 0xD24EC4F1A98C6E5B),
    (b"abc", 0x44BC2CF5AD770999),
    (b"Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1),
]


def _reference_library():
    """The system's libxxhash (the reference C implementation), if installed."""
    name = ctypes.util.find_library("xxhash") or "libxxhash.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.XXH64.restype = ctypes.c_uint64
    lib.XXH64.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint64]
    return lambda data, seed: lib.XXH64(data, len(data), seed)


JS_NUMBERS = [
    (1.5, "1.5"), (42.0, "42"), (1e21, "1e+21"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"),
    (0.000001, "0.000001"), (-0.0, "0"), (100.0, "100"), (0.1 + 0.2, "0.30000000000000004"),
    (123456789012345680000, "123456789012345680000"), (9007199254740993, "9007199254740992"),
    (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"), (-2.5, "-2.5"),
]


def _check_js_numbers() -> int:
    """Known String(n) outputs, plus node's own String(n) for random doubles when node exists."""
    failures = 0
    samples = list(JS_NUMBERS)
    node = shutil.which("node")
    if node:
        rng = random.Random(7)
        doubles = [struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
                   for _ in range(3000)]
        doubles += [rng.randint(-10**22, 10**22) / 10 ** rng.randint(0, 25) for _ in range(3000)]
        doubles = [d for d in doubles if math.isfinite(d)]
        script = "process.stdout.write(JSON.stringify(JSON.parse(require('fs')" \
                 ".readFileSync(0, 'utf8')).map(String)))"
        out = subprocess.run([node, "-e", script], input=json.dumps(doubles), text=True,
                             capture_output=True, check=True).stdout
        samples += list(zip(doubles, json.loads(out)))
    for value, want in samples:
        if js_string(value) != want:
            print(f"FAIL js_string({value!r}) = {js_string(value)!r}, JavaScript says {want!r}")
            failures += 1
    print(f"bucket.py self-test: {len(samples)} numbers formatted as JavaScript does"
          f"{'' if node else ' (node not found: known values only)'}")
    return failures


# evaluator-core/BUCKETING.md §6: (user, traffic bucket, variation bucket) for
# flag checkout_v2, rule rollout.
WORKED_EXAMPLE = [("user-43", 18299, 16731), ("user-4", 389, 76987),
                  ("user-42", 42953, 23803), ("user-7", 81331, 5417)]
# and its intermediate hashes: the two salts, and user-42's value and bucket hashes
WORKED_HASHES = [
    (lambda: salt_hash("checkout_v2", "rollout", "traffic"), 0xE1347DB8A8556382),
    (lambda: salt_hash("checkout_v2", "rollout", "variation"), 0x170983CF14B4ACED),
    (lambda: value_hash("user-42"), 0x397E9D3A76AF7C81),
    (lambda: bucket_hash("checkout_v2", "rollout", "traffic", "user-42"), 0x6DF5CE03B2A5E44B),
]


def self_test() -> int:
    failures = 0
    for user, traffic, variation in WORKED_EXAMPLE:
        got = (bucket("checkout_v2", "rollout", "traffic", user),
               bucket("checkout_v2", "rollout", "variation", user))
        if got != (traffic, variation):
            print(f"FAIL worked example {user}: {got}, BUCKETING.md says {(traffic, variation)}")
            failures += 1
    for compute, want in WORKED_HASHES:
        if compute() != want:
            print(f"FAIL worked example hash {compute():016x}, BUCKETING.md says {want:016x}")
            failures += 1
    if variation_bounds([("a", 1 / 3), ("b", 1 / 3), ("c", 1 / 3), ("z", 0.0)]) != \
            [33333, 66666, 100000, 100000]:
        print("FAIL variation bounds for thirds")
        failures += 1
    for data, digest in PUBLISHED:
        got = xxh64(data)
        if got != digest:
            print(f"FAIL xxh64({data!r}) = {got:016x}, published {digest:016x}")
            failures += 1
    reference = _reference_library()
    checked = 0
    if reference is not None:
        # Every length 0..200 exercises each tail path and the 32-byte stripes.
        corpus = bytes((i * 131 + 7) % 256 for i in range(200))
        for n in range(len(corpus) + 1):
            for seed in (0, 1, 0x9E3779B97F4A7C15):
                data = corpus[:n]
                if xxh64(data, seed) != reference(data, seed):
                    print(f"FAIL xxh64(len {n}, seed {seed}) differs from libxxhash")
                    failures += 1
                checked += 1
    failures += _check_js_numbers()
    source = f"libxxhash: {checked} inputs" if reference else "libxxhash not found, skipped"
    print(f"bucket.py self-test: {len(PUBLISHED)} published digests, {source}, {failures} failed")
    return 1 if failures else 0


def main(argv) -> int:
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) < 4:
        print(__doc__)
        return 2
    flag, rule, value = argv[1:4]
    print(f"traffic bucket   {bucket(flag, rule, 'traffic', value)}")
    print(f"variation bucket {bucket(flag, rule, 'variation', value)}")
    if len(argv) > 4:
        splits = [(s.split(":")[0], float(s.split(":")[1])) for s in argv[5:]]
        print(f"serves           {assign(flag, rule, value, float(argv[4]), splits)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
