#!/usr/bin/env python3
"""Validates a sigipc kcidb.json against the KCIDB v5.0 test schema
(tests/kcidb_v5.schema.json) and checks it holds one test per result of the
run it came from, with unique ids and the documented status mapping.

usage: check_kcidb.py SCHEMA KCIDB_JSON RESULTS_JSON"""
import json
import sys

import jsonschema

MAPPING = {"PASS": "PASS", "FAIL": "FAIL", "ERROR": "ERROR", "TIMEOUT": "ERROR",
           "UNSUPPORTED": "SKIP", "XFAIL": "FAIL", "XPASS": "PASS"}


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    schema, kcidb, results = (json.load(open(p)) for p in sys.argv[1:])
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(kcidb)
    # The schema must be able to refuse: a status KCIDB does not know, a
    # missing required field and an unknown property each fail it.
    for spoil in (lambda t: t.update(status="XFAIL"), lambda t: t.pop("build_id"),
                  lambda t: t.update(verdict="PASS")):
        bad = json.loads(json.dumps(kcidb))
        spoil(bad["tests"][0])
        if validator.is_valid(bad):
            print("the schema accepts a spoiled test object: the check proves nothing")
            return 1
    tests = kcidb["tests"]
    if len(tests) != len(results["results"]):
        print(f"{len(tests)} KCIDB tests for {len(results['results'])} results")
        return 1
    ids = {t["id"] for t in tests}
    if len(ids) != len(tests):
        print("KCIDB test ids are not unique")
        return 1
    for t, r in zip(tests, results["results"]):
        if t["status"] != MAPPING[r["status"]] or t["waived"] != (r["status"] == "XFAIL"):
            print(f"{r['id']}: {r['status']} became {t['status']} (waived {t['waived']})")
            return 1
        if t["misc"]["clause"] != r["clause"]:
            print(f"{r['id']}: clause not carried over")
            return 1
    print(f"{sys.argv[2]}: valid KCIDB v5 ({len(tests)} tests)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
