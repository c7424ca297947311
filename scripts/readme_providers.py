#!/usr/bin/env python3
"""Regenerate README.md's providers section from `keyhound rules list --format json`.

    python3 scripts/readme_providers.py [path/to/keyhound]   (default target/release/keyhound)

The section sits between `<!-- providers:start ... -->` and `<!-- providers:end -->`; the
integration test `readme_lists_every_provider_and_the_rule_count` checks it is current.
"""
import collections
import json
import os
import subprocess
import sys

FAMILIES = [
    ("ai", "AI and ML"),
    ("cloud", "Cloud and infrastructure"),
    ("code", "Code, CI and packages"),
    ("data", "Data and messaging"),
    ("saas", "SaaS, payments, observability and identity"),
    ("shape", "Keys and tokens by shape"),
    ("generic", "Generic"),
]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    exe = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "target/release/keyhound")
    rules = json.loads(subprocess.run([exe, "rules", "list", "--format", "json"], check=True,
                                      capture_output=True, text=True).stdout)
    by_family = collections.defaultdict(collections.Counter)
    for r in rules:
        by_family[r.get("family") or "generic"][r["provider"]] += 1
    providers = {r["provider"] for r in rules}
    lines = [f"{len(rules)} rules for {len(providers)} providers:", "", "| family | rules | providers |",
             "|---|---:|---|"]
    for key, title in FAMILIES:
        counts = by_family.get(key)
        if not counts:
            continue
        names = ", ".join(p if n == 1 else f"{p} ({n})" for p, n in sorted(counts.items(), key=lambda x: x[0].lower()))
        lines.append(f"| {title} | {sum(counts.values())} | {names} |")
    readme_path = os.path.join(root, "README.md")
    text = open(readme_path, encoding="utf-8").read()
    start = text.index("<!-- providers:start")
    start = text.index("\n", start) + 1
    end = text.index("<!-- providers:end -->")
    text = text[:start] + "\n" + "\n".join(lines) + "\n\n" + text[end:]
    open(readme_path, "w", encoding="utf-8").write(text)
    print(f"README.md: {len(rules)} rules for {len(providers)} providers")


if __name__ == "__main__":
    main()
