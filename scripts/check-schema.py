#!/usr/bin/env python3
"""Validate pipeline files against schemas/pipeline.schema.json.

Usage:
  scripts/check-schema.py [FILE ...] [--expect-invalid FILE ...] [--schema SCHEMA]

With no FILE (and no --expect-invalid), every .yaml, .yml and .json file in pipelines/ is checked.
Files given with --expect-invalid must be rejected by the schema (or fail to parse).
YAML is read the way flow reads it: the YAML 1.2 core schema (yes/no/on/off and dates stay strings),
and a duplicate key is an error. Exits 1 when any check fails, 2 on usage errors.
"""
import argparse
import json
import os
import re
import sys

try:
    import jsonschema
    import yaml
except ImportError as missing:  # pragma: no cover
    sys.exit(f"check-schema: needs the python packages jsonschema and PyYAML ({missing})")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class CoreSchemaLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core schema scalars and duplicate-key detection."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is not a string", key_node.start_mark)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", seen[key], f"found duplicate key {key!r}", key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


# Replace the YAML 1.1 implicit resolvers with the core schema's (as Yams is configured in FlowDefinition).
CoreSchemaLoader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     list("-+0123456789.")),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", ["<"]),
]:
    CoreSchemaLoader.add_implicit_resolver(tag, re.compile(pattern), first)


def _construct_core_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


CoreSchemaLoader.add_constructor("tag:yaml.org,2002:int", _construct_core_int)


def load(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.lower().endswith(".json"):
        def no_duplicates(pairs):
            keys = [k for k, _ in pairs]
            duplicates = sorted({k for k in keys if keys.count(k) > 1})
            if duplicates:
                raise ValueError(f"duplicate key {duplicates[0]!r}")
            return dict(pairs)
        return json.loads(text, object_pairs_hook=no_duplicates)
    return yaml.load(text, Loader=CoreSchemaLoader)


def problems(validator, path):
    """Every problem with the file, as printable lines (empty when it is valid)."""
    try:
        document = load(path)
    except (OSError, ValueError, yaml.YAMLError) as error:
        return [f"{path}: cannot read: {error}".replace("\n", " ")]
    found = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        found.append(f"{path}: {where}: {error.message}")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help="pipeline files that must be valid (default: pipelines/*)")
    parser.add_argument("--expect-invalid", nargs="+", default=[], metavar="FILE", help="files the schema must reject")
    parser.add_argument("--schema", default=os.path.join(ROOT, "schemas", "pipeline.schema.json"))
    parser.add_argument("--quiet", action="store_true", help="print failures and the summary only")
    args = parser.parse_args()

    with open(args.schema, encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    valid = args.files
    if not valid and not args.expect_invalid:
        directory = os.path.join(ROOT, "pipelines")
        names = sorted(os.listdir(directory)) if os.path.isdir(directory) else []
        valid = [os.path.join(directory, n) for n in names if n.endswith((".yaml", ".yml", ".json"))]
        if not valid:
            print("schema: no pipeline files to check")
            return 0

    passed = failed = 0
    for path in valid:
        found = problems(validator, path)
        if found:
            failed += 1
            print("\n".join(found))
        else:
            passed += 1
            if not args.quiet:
                print(f"{path}: valid")
    for path in args.expect_invalid:
        found = problems(validator, path)
        if found:
            passed += 1
            if not args.quiet:
                print(f"{path}: rejected as expected ({found[0].split(': ', 1)[1]})")
        else:
            failed += 1
            print(f"{path}: expected to be rejected, but the schema accepts it")
    print(f"schema: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
