#!/usr/bin/env python3
"""Writes a synthetic .orm schema for the generator benchmark: N entities, each with columns of
several types and up to three many-to-one relationships (to the three previous entities), each
backed by its own foreign key. Usage: gen_schema.py N OUT.orm"""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
lines = ["// Synthetic schema for the generator benchmark (bench/generator/gen_schema.py).", "schema synthetic;", ""]
for i in range(n):
    lines.append(f"entity E{i} {{")
    lines.append("    id: Integer primary_key;")
    lines.append("    name: String(80);")
    lines.append("    amount: Numeric(12, 2);")
    lines.append("    created: DateTime server_default(now());")
    lines.append("    note: Text?;")
    for k in range(1, 4):
        if i - k < 0:
            continue
        lines.append(f"    ref{k}_id: Integer? foreign_key(E{i - k}.id, ondelete = \"set null\");")
        lines.append(f"    ref{k}: E{i - k}? relationship(foreign_keys = [ref{k}_id]);")
    lines.append("}")
    lines.append("")
with open(out, "w") as f:
    f.write("\n".join(lines))
