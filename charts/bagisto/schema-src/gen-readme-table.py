#!/usr/bin/env python3
"""Prints the README parameter table from values.yaml (keys, defaults, the `# --` comments)."""
import json, pathlib, re, yaml

src = (pathlib.Path(__file__).resolve().parent.parent / "values.yaml").read_text()
lines = src.splitlines()
docs = {}  # "a.b.c" -> comment
stack, pending = [], []
for line in lines:
    m = re.match(r"^(\s*)# -- (.*)$", line)
    if m:
        pending = [m.group(2)]; continue
    m = re.match(r"^(\s*)# (.*)$", line)
    if m and pending:
        pending.append(m.group(2)); continue
    m = re.match(r"^(\s*)([A-Za-z0-9_.\-]+):", line)
    if m:
        depth = len(m.group(1)) // 2
        stack = stack[:depth] + [m.group(2)]
        if pending: docs[".".join(stack)] = " ".join(pending)
    pending = []

values = yaml.safe_load(src)
FREE = {"commonLabels", "podAnnotations", "podLabels", "nodeSelector", "affinity", "annotations", "extraEnv",
        "updateStrategy", "behavior", "resources", "initResources", "ini", "hard", "default", "defaultRequest", "max", "pm"}
rows = []
def walk(v, path):
    key = ".".join(path)
    if isinstance(v, dict) and v and path[-1] not in FREE - {"pm"}:
        if key in docs: rows.append((key, "", docs[key]))
        for k, c in v.items(): walk(c, path + [k])
        return
    rows.append((key, json.dumps(v, separators=(",", ":")), docs.get(key, "")))
for k, v in values.items(): walk(v, [k])
print("| Key | Default | Description |\n| --- | --- | --- |")
esc = lambda s: s.replace("|", "\\|")
for k, d, c in rows:
    default = "`" + esc(d) + "`" if d else ""
    print(f"| `{k}` | {default} | {esc(c)} |")
