#!/usr/bin/env python3
"""Writes the claims of this folder from the published outputs of the Timeloop/Accelergy exercises.

Run it after fetch.sh: it reads the exercises in third_party/timeloop-accelergy-exercises (the
published stats.txt, map+stats.xml and file list of each run) and writes one claim per published
figure, each citing the file and line it comes from. The claims measure with claimcheck's native
model on the exercise's own input files; claimcheck never reads this script.

    python3 claims/timeloop/published/generate.py
"""

import json
import os
import re
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
EXERCISES = os.path.join(ROOT, "third_party", "timeloop-accelergy-exercises")
COMMIT = "2ffec693ced8e60a46c1131e9e4a387ac007d410"
REPO_URL = "https://github.com/Accelergy-Project/timeloop-accelergy-exercises"
PAPER = ("Timeloop/Accelergy exercises (ISPASS 2020 tutorial and example designs), reference outputs of "
         "Timeloop v4 (through its Python front end) published in Accelergy-Project/timeloop-accelergy-exercises "
         "at commit 2ffec693ced8 (29 May 2024)")

TUTORIAL = "workspace/tutorial_exercises/01_accelergy_timeloop_2020_ispass/timeloop/"
DESIGNS = "workspace/example_designs/example_designs/"


def run(name, folder, files, ref, prefix, workload, hardware, group):
    return dict(name=name, folder=folder, files=files, ref=ref, prefix=prefix, workload=workload,
                hardware=hardware, group=group)


RUNS = [
    run("ex00", TUTORIAL + "00-model-conv1d-1level",
        ["arch/1level.arch.yaml", "map/conv1d-1level.map.yaml", "prob/conv1d.prob.yaml"], "ref-output",
        "timeloop-model", "Conv1D R=3 P=16", "Buffer (regfile 64 x 8 b) -> 1 MACC", "tutorial"),
    run("ex01-ws", TUTORIAL + "01-model-conv1d-2level",
        ["arch/2level.arch.yaml", "map/conv1d-2level-ws.map.yaml", "prob/conv1d.prob.yaml"], "ref-output/ws",
        "timeloop-model", "Conv1D R=3 P=16, weight-stationary mapping",
        "MainMemory (SRAM 32768 x 64 b) -> Buffer (regfile 64 x 8 b) -> 1 MACC", "tutorial"),
    run("ex01-os", TUTORIAL + "01-model-conv1d-2level",
        ["arch/2level.arch.yaml", "map/conv1d-2level-os.map.yaml", "prob/conv1d.prob.yaml"], "ref-output/os",
        "timeloop-model", "Conv1D R=3 P=16, output-stationary mapping",
        "MainMemory (SRAM 32768 x 64 b) -> Buffer (regfile 64 x 8 b) -> 1 MACC", "tutorial"),
    run("ex02-untiled", TUTORIAL + "02-model-conv1d+oc-2level",
        ["arch/2level.arch.yaml", "map/conv1d+oc-2level-os.map.yaml", "prob/conv1d+oc.prob.yaml"],
        "ref-output/no-tiling", "timeloop-model", "Conv1D+OC K=32 R=3 P=16, untiled",
        "MainMemory (SRAM 32768 x 64 b) -> Buffer (regfile 64 x 8 b) -> 1 MACC", "tutorial"),
    run("ex02-tiled", TUTORIAL + "02-model-conv1d+oc-2level",
        ["arch/2level.arch.yaml", "map/conv1d+oc-2level-os-tiled.map.yaml", "prob/conv1d+oc.prob.yaml"],
        "ref-output/tiling", "timeloop-model", "Conv1D+OC K=32 R=3 P=16, tiled",
        "MainMemory (SRAM 32768 x 64 b) -> Buffer (regfile 64 x 8 b) -> 1 MACC", "tutorial"),
    run("ex03-no-bypass", TUTORIAL + "03-model-conv1d+oc-3level",
        ["arch/3level.arch.yaml", "map/conv1d+oc-3level.map.yaml", "prob/conv1d+oc.prob.yaml"],
        "ref-output/no-bypass", "timeloop-model", "Conv1D+OC K=32 R=3 P=16",
        "MainMemory (DRAM) -> GlobalBuffer (SRAM 32768 x 64 b) -> RegisterFile (64 x 8 b) -> 1 MACC", "tutorial"),
    run("ex03-bypass", TUTORIAL + "03-model-conv1d+oc-3level",
        ["arch/3level.arch.yaml", "map/conv1d+oc-3level-bypass.map.yaml", "prob/conv1d+oc.prob.yaml"],
        "ref-output/bypass", "timeloop-model", "Conv1D+OC K=32 R=3 P=16, with bypass",
        "MainMemory (DRAM) -> GlobalBuffer (SRAM 32768 x 64 b) -> RegisterFile (64 x 8 b) -> 1 MACC", "tutorial"),
    run("ex04-cp", TUTORIAL + "04-model-conv1d+oc-3levelspatial",
        ["arch/3levelspatial.arch.yaml", "map/conv1d+oc+ic-3levelspatial-cp-ws.map.yaml",
         "prob/conv1d+oc+ic.prob.yaml"], "ref-output/cp", "timeloop-model",
        "Conv1D+OC+IC C=32 K=32 R=3 P=16, C across the PEs",
        "MainMemory (DRAM) -> 16 PEs x {GlobalBuffer (SRAM) -> RegisterFile (64 x 8 b) -> MACC}", "tutorial"),
    run("ex04-kp", TUTORIAL + "04-model-conv1d+oc-3levelspatial",
        ["arch/3levelspatial.arch.yaml", "map/conv1d+oc+ic-3levelspatial-kp-ws.map.yaml",
         "prob/conv1d+oc+ic.prob.yaml"], "ref-output/kp", "timeloop-model",
        "Conv1D+OC+IC C=32 K=32 R=3 P=16, K across the PEs",
        "MainMemory (DRAM) -> 16 PEs x {GlobalBuffer (SRAM) -> RegisterFile (64 x 8 b) -> MACC}", "tutorial"),
]
for variant, constraints in (("baked", "conv1d+oc-3level-1mapping"), ("freebypass", "conv1d+oc-3level-freebypass"),
                             ("null", "null")):
    RUNS.append(run("ex05-" + variant, TUTORIAL + "05-mapper-conv1d+oc-3level",
                    ["arch/3level.arch.yaml", "constraints/%s.constraints.yaml" % constraints,
                     "prob/conv1d+oc.prob.yaml", "mapper/exhaustive.mapper.yaml"],
                    "ref-output/" + variant, "timeloop-mapper",
                    "Conv1D+OC K=32 R=3 P=16, mapper result (%s constraints)" % variant,
                    "MainMemory (DRAM) -> GlobalBuffer (SRAM) -> RegisterFile -> 1 MACC", "tutorial-mapper"))
RUNS.append(run("ex06", TUTORIAL + "06-mapper-convlayer-eyeriss",
                ["arch/eyeriss_like.yaml", "arch/components/intmac.yaml", "arch/components/regfile.yaml",
                 "arch/components/smartbuffer_RF.yaml", "arch/components/smartbuffer_SRAM.yaml",
                 "prob/VGG02_layer5.yaml", "mapper/mapper.yaml"], "ref-output", "timeloop-mapper",
                "VGG02 layer 5, mapper result", "Eyeriss-like, 14 x 12 PEs", "tutorial-mapper"))
for design, hw in (("eyeriss_like", "Eyeriss-like, 14 x 12 PEs"), ("simba_like", "Simba-like"),
                   ("simple_output_stationary", "simple output-stationary array"),
                   ("simple_weight_stationary", "simple weight-stationary array")):
    RUNS.append(run(design.replace("_", "-"), DESIGNS.rstrip("/"),
                    [design + "/arch.yaml", "_include/default_problem.yaml", "_include/mapper.yaml"],
                    design + "/ref_outputs/default_problem", "timeloop-mapper",
                    "CNN layer C3 M32 R3 S3 P112 Q112, stride 2 (default_problem), mapper result", hw, "design"))


def number(text):
    return float(text) if re.search(r"[.eE]", text) else int(text)


def fmt(x):
    """A published number as the claim states it."""
    return x if isinstance(x, int) else float(repr(x))


def parse_stats(path):
    """Line-numbered figures of a Timeloop v4 stats.txt."""
    lines = open(path).read().split("\n")
    out = {"levels": [], "access": [], "leak": {}, "per_compute": {}}
    level = ds = None
    in_stats = False
    section = "levels"
    for n, line in enumerate(lines, 1):
        t = line.strip()
        if t == "Networks":
            section = "other"
        if t == "Summary Stats":
            section = "summary"
        if section == "levels":
            m = re.match(r"^=== (.+) ===$", t)
            if m:
                level, ds, in_stats = m.group(1), None, False
                out["levels"].append(level)
                continue
            if t == "STATS":
                in_stats = True
                continue
            if t in ("SPECS", "MAPPING"):
                in_stats = False
                continue
            if level is None:
                continue
            m = re.match(r"^Leakage energy \(total\)\s*: ([\d.]+) pJ$", t)
            if m and not in_stats:
                out["leak"][level] = (float(m.group(1)), n, t)
            m = re.match(r"^    ([A-Za-z_][\w-]*):$", line)
            if m and in_stats:
                ds = m.group(1)
                continue
            m = re.match(r"^Scalar (reads|fills|updates) \(per-instance\)\s*: (\d+)$", t)
            if m and in_stats and ds:
                out["access"].append((level, ds, m.group(1), int(m.group(2)), n, t))
        elif section == "summary":
            m = re.match(r"^(Cycles|Utilization): ([\d.]+)(%?)$", t)
            if m:
                out[m.group(1).lower()] = (number(m.group(2)), n, t)
            m = re.match(r"^Computes = (\d+)$", t)
            if m:
                out["computes"] = (int(m.group(1)), n, t)
            m = re.match(r"^(\S+)\s+= ([\d.]+)$", t)
            if m and m.group(1) != "Computes":
                out["per_compute"][m.group(1)] = (float(m.group(2)), n, t)
    return out


def items(elem, name):
    e = elem.find(name)
    if e is None:
        return []
    holder = e.find("PerDataSpace")
    if holder is None:
        holder = e
    return [float(i.text) for i in holder.findall("item")]


def parse_xml(path):
    """Full-precision energies of a map+stats.xml: MAC energy, and per storage level the dynamic
    energy (sum over data spaces of energy x utilized instances, plus address generation)."""
    root = ET.parse(path).getroot()
    levels = next(root.iter("levels_"))
    out = []
    for item in levels.findall("item"):
        px = item.find("px")
        if px is None:
            continue
        if px.find("random_computes_") is not None:
            name = px.find("specs_/LevelSpecs/level_name").text.strip()
            out.append((name, float(px.find("energy_").text), "<energy_> of the arithmetic level %s" % name))
            continue
        name = px.find("specs_/LevelSpecs/level_name").text.strip()
        stats = px.find("stats_")
        inst = items(stats, "utilized_instances")
        clusters = items(stats, "utilized_clusters")
        energy = items(stats, "energy")
        red = items(stats, "temporal_reduction_energy")
        addr = items(stats, "addr_gen_energy")
        total = 0.0
        for p in range(len(energy)):
            total += energy[p] * inst[p] + red[p] * inst[p] + addr[p] * clusters[p]
        out.append((name, total, "sum over data spaces of <energy> x <utilized_instances> of level %s" % name))
    return out


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


def main():
    if not os.path.isdir(EXERCISES):
        sys.exit("generate.py: run fetch.sh first (no %s)" % EXERCISES)
    groups = {"tutorial": [], "tutorial-mapper": [], "design": [], "reread": []}
    for r in RUNS:
        ref_rel = os.path.join(r["folder"], r["ref"])
        stats_rel = os.path.join(ref_rel, r["prefix"] + ".stats.txt")
        xml_rel = os.path.join(ref_rel, r["prefix"] + ".map+stats.xml")
        st = parse_stats(os.path.join(EXERCISES, stats_rel))
        xml = parse_xml(os.path.join(EXERCISES, xml_rel))
        inputs = [os.path.join(r["folder"], f) for f in r["files"]]
        if r["prefix"] == "timeloop-mapper":
            inputs.append(os.path.join(ref_rel, "timeloop-mapper.map.yaml"))
        inputs.append(os.path.join(ref_rel, r["prefix"] + ".ERT.yaml"))
        rel = lambda p: os.path.relpath(os.path.join(EXERCISES, p), HERE)

        def claim(metric, value, unit, where_file, where, quote, tolerance, title, mode="run"):
            c = {
                "$schema": "../../claim.schema.json",
                "id": "timeloop-published-%s-%s" % (r["name"], slug(metric)),
                "title": "%s: %s" % (r["name"], title),
                "source": {"paper": PAPER, "where": "%s %s" % (where_file, where), "quote": quote,
                           "url": "%s/blob/%s/%s" % (REPO_URL, COMMIT, where_file)},
                "tool": "timeloop",
                "mode": mode,
                "workload": {"name": r["workload"]},
                "hardware": {"name": r["hardware"]},
            }
            if mode == "run":
                c["inputs"] = [rel(p) for p in inputs]
            else:
                c["artifact"] = rel(where_file)
                c["id"] += "-reread"
            c["metric"] = metric
            c["expected"] = {"value": fmt(value), "unit": unit}
            c["tolerance"] = tolerance
            c["tags"] = ["timeloop", "published", r["group"] if mode == "run" else "reread"]
            return c

        out = groups[r["group"]]
        v, n, t = st["cycles"]
        out.append(claim("cycles", v, "cycles", stats_rel, "line %d (Summary Stats)" % n, t, {"relative": 0},
                         "%d cycles" % v))
        v, n, t = st["computes"]
        out.append(claim("computes", v, "count", stats_rel, "line %d" % n, t, {"relative": 0}, "%d computes" % v))
        v, n, t = st["utilization"]
        out.append(claim("utilization", v, "%", stats_rel, "line %d (Summary Stats, printed to 0.01%%)" % n, t,
                         {"absolute": 0.005}, "utilization %.2f%%" % v))
        for level, ds, kind, value, n, t in st["access"]:
            if value == 0:
                continue
            out.append(claim("accesses.%s.%s.%s" % (level, ds, kind), value, "count", stats_rel,
                             "line %d (%s, %s)" % (n, level, ds), t, {"relative": 0},
                             "%s %s %s per instance %d" % (level, ds, kind, value)))
        for name, (value, n, t) in st["per_compute"].items():
            metric = "energy_per_compute" if name == "Total" else "energy_per_compute." + name
            out.append(claim(metric, value, "fJ/compute", stats_rel, "line %d (fJ/Compute)" % n, t,
                             {"absolute": 0.005}, "%s %.2f fJ/compute" % (name, value)))
        for level, (value, n, t) in st["leak"].items():
            if value == 0:
                continue
            out.append(claim("leakage_energy." + level, value, "pJ", stats_rel, "line %d (%s)" % (n, level), t,
                             {"absolute": 0.005}, "%s leakage %.2f pJ" % (level, value)))
        for i, (level, value, how) in enumerate(xml):
            metric = ("energy." if i == 0 else "dynamic_energy.") + level
            out.append(claim(metric, value, "pJ", xml_rel, "(%s)" % how, "%.17g pJ" % value,
                             {"relative": 1e-9}, "%s %s %.6g pJ" % (level, "energy" if i == 0 else
                                                                    "dynamic energy", value)))
        # The published total per compute, re-read from the stats text as printed.
        v, n, t = st["per_compute"]["Total"]
        groups["reread"].append(claim("energy_per_compute", v, "fJ/compute", stats_rel, "line %d (fJ/Compute)" % n, t,
                                      {"relative": 0}, "total %.2f fJ/compute as printed" % v, mode="reread"))
    names = {"tutorial": "tutorial_exercises", "tutorial-mapper": "tutorial_mapper_results",
             "design": "example_designs", "reread": "published_totals_reread"}
    for group, claims in groups.items():
        path = os.path.join(HERE, names[group] + ".claim.json")
        with open(path, "w") as f:
            json.dump(claims, f, indent=2)
            f.write("\n")
        print("%s: %d claims" % (os.path.relpath(path, ROOT), len(claims)))


if __name__ == "__main__":
    main()
