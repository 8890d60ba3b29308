#!/usr/bin/env python3
"""Independent implementation of Halyard's bucketing, used to compute the
expected variations of the shared vectors (so they test the Rust core
instead of copying it).

Spec (brief, evaluator-core/BUCKETING.md):
  hash   = XXH64(seed 0) over UTF-8 of "{flagKey}/{ruleId}/{purpose}/{value}",
           purpose "traffic" or "variation", value = the hash attribute as a string
           (numbers in shortest JS form, booleans true/false)
  bucket = (hash * 100_000) >> 64                      -> 0..99_999
  units  = round(p * 100_000)
  in allocation  <=> bucket(traffic) < allocation units
  variation      = first split whose cumulative units exceed bucket(variation)

Usage:
  bucket.py --self-test                       check XXH64 against published values
  bucket.py FLAG RULE VALUE [ALLOC [V:P ...]]  print buckets (and the outcome)
"""

import ctypes
import ctypes.util
import math
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
    """The hash attribute as a string, numbers in JavaScript's String(n) form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        # Python's repr is also the shortest round-trip form; only exponents differ.
        text = repr(value)
        if "e" in text:
            mantissa, exp = text.split("e")
            text = f"{mantissa}e{'+' if int(exp) > 0 else '-'}{abs(int(exp))}"
        return text
    return value


def bucket(flag_key: str, rule_id: str, purpose: str, value) -> int:
    seed = f"{flag_key}/{rule_id}/{purpose}/{js_string(value)}".encode("utf-8")
    return (xxh64(seed) * SCALE) >> 64


def units(p: float) -> int:
    # round half away from zero, like Rust's f64::round (Python's round is banker's)
    return int(math.floor(p * SCALE + 0.5))


def in_allocation(flag_key, rule_id, value, allocation) -> bool:
    return bucket(flag_key, rule_id, "traffic", value) < units(allocation)


def pick_variation(flag_key, rule_id, value, splits):
    """splits: [(variation_key, percentage)] in rule order -> variation key or None."""
    b = bucket(flag_key, rule_id, "variation", value)
    cumulative = 0
    for key, pct in splits:
        cumulative += units(pct)
        if b < cumulative:
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


def self_test() -> int:
    failures = 0
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
    assert js_string(1.5) == "1.5" and js_string(42.0) == "42" and js_string(1e21) == "1e+21"
    assert js_string(1e-7) == "1e-7" and js_string(True) == "true"
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
