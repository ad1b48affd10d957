#!/usr/bin/env python3
"""Validates a sigipc results.json against reports/schema/results.schema.json,
and checks that the summary counts agree with the results."""
import json
import sys

import jsonschema


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: validate_results.py SCHEMA RESULTS", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    with open(sys.argv[2]) as f:
        results = json.load(f)
    jsonschema.validate(results, schema, cls=jsonschema.Draft202012Validator)
    counts = {}
    for r in results["results"]:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    for status in ("PASS", "FAIL", "ERROR", "TIMEOUT", "UNSUPPORTED", "XFAIL", "XPASS", "SKIP"):
        if results["summary"][status] != counts.get(status, 0):
            print(f"summary {status}={results['summary'][status]} but {counts.get(status, 0)} results")
            return 1
    if results["summary"]["total"] != len(results["results"]):
        print("summary total disagrees with the results")
        return 1
    ids = [r["id"] for r in results["results"]]
    if len(set(ids)) != len(ids):
        print("a test id has two results")
        return 1
    if set(ids) & set(results["summary"]["not_run"]):
        print("a test is listed both with a result and as not run")
        return 1
    print(f"{sys.argv[2]}: valid ({len(results['results'])} results)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
