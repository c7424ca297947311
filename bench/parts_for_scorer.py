#!/usr/bin/env python3
"""Rewrites a keyhound JSON report into the shape score-synth.py reads multi-part findings from.

    parts_for_scorer.py IN.json OUT.json

keyhound reports an AWS access key id and its secret access key as one finding with `parts`.
score-synth.py's generic reader ignores parts; it credits secondary parts only in the
betterleaks shape (`component_sets`). This keeps every finding and its values, and only moves
each part into that shape, so the secret access key that keyhound reports is scored where it
is. Nothing is added that the report does not say.
"""

import json
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src) as f:
        report = json.load(f)
    out = []
    for x in report.get("findings", []):
        comps = [{"location": {"start_line": p["line"]}, "match": {"value": p["secret"]}} for p in x.get("parts", [])]
        out.append({
            "rule_id": x["rule"],
            "match": {"value": x["secret"]},
            "location": {"path": x["path"], "start_line": x["line"], "end_line": x["end_line"]},
            "component_sets": [{"components": comps}] if comps else [],
        })
    with open(dst, "w") as f:
        json.dump({"findings": out}, f)


if __name__ == "__main__":
    main()
