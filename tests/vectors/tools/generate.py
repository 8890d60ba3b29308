#!/usr/bin/env python3
"""Writes the shared vectors tests/vectors/NNN-topic.json.

Every expectation is written by hand (topics_*.py) from the brief's evaluation semantics,
except the percentage splits, which bucket.py (an independent implementation of
the bucketing spec) computes. The JSON files are committed; edit this script and
run it again rather than editing them.

  generate.py          write the files
  generate.py --check  exit 1 when a committed file differs from what this writes
"""

import json
import pathlib
import re
import sys

from topics_bucketing import bucketing
from topics_evaluation import (context_rules, flag_state, overrides, rollout_condition, rules,
                               types_and_errors)
from topics_operators import (date_operators, logic_operators, missing_attributes,
                              numeric_operators, semver_operators, string_operators)

OUT = pathlib.Path(__file__).resolve().parent.parent


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


def render_readme(readme: str, counts: dict) -> str:
    """README.md with the table's case counts and the total line brought up to date."""
    lines = []
    for line in readme.split("\n"):
        name = line[3:].split("`")[0] if line.startswith("| `") else None
        if name in counts:
            line = line[:line.rstrip(" |").rfind("|")] + f"| {counts[name]} |"
        elif re.fullmatch(r"\d+ cases in \d+ files\..*", line):
            line = re.sub(r"^\d+ cases in \d+ files",
                          f"{sum(counts.values())} cases in {len(counts)} files", line)
        lines.append(line)
    return "\n".join(lines)


def main(argv) -> int:
    check = argv[1:] == ["--check"]
    texts = {name: render(build) for name, build in FILES.items()}
    counts = {name: len(json.loads(text)["cases"]) for name, text in texts.items()}
    readme = (OUT / "README.md").read_text(encoding="utf-8")
    outputs = dict(texts, **{"README.md": render_readme(readme, counts)})
    stale = []
    for name, text in outputs.items():
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
    if stale or invalid:
        return 1
    print(f"{'checked' if check else 'wrote'} {len(FILES)} vector files, "
          f"{sum(counts.values())} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
