#!/usr/bin/env python3
"""Per-day session figures of `simulate --keep DIR` runs, from their exported events and videos.

How the 2026-12-07 20:00 entry of benchmarks/RESULTS.md (simulate) looked inside the retraining and static runs:

    dotnet RecEngine.dll simulate --seed 7 --keep runs7 --json s7.json
    for r in retraining static; do
      dotnet RecEngine.dll export events --out $r.events.csv --RecEngine:DataDir=runs7/$r
      dotnet RecEngine.dll export videos --out $r.videos.csv --RecEngine:DataDir=runs7/$r
    done
    benchmarks/simulate-sessions.py retraining static [--category fitness]

Each argument NAME reads NAME.events.csv and NAME.videos.csv. A session is one served slate (a request id); its
satisfaction is ln(1 + minutes watched), the simulator's (docs/simulation.md, Retention). Per day and run it prints the
slates, mean satisfaction, the share of slates with nothing watched, watch seconds per slate, total watch hours, and
for the first three positions: the share of videos over 20 minutes, their mean ln(duration in seconds), and the share
of the given category (the taste-shift scenario's is fitness). Standard library only.
"""
import argparse
import collections
import csv
import math
import sys


def load(name):
    videos = {}
    with open(f"{name}.videos.csv", newline="") as f:
        for row in csv.DictReader(f):
            videos[row["id"]] = (float(row["duration_seconds"]), row["category"])
    slates = collections.defaultdict(lambda: {"seconds": 0.0, "shown": [], "day": None})
    with open(f"{name}.events.csv", newline="") as f:
        for row in csv.DictReader(f):
            request = row["request_id"]
            if not request:
                continue
            slate = slates[request]
            if row["type"] == "impression":
                slate["shown"].append((int(row["position"]), row["video_id"]))
                slate["day"] = row["timestamp"][:10]
            elif row["type"] in ("watch", "skip"):
                slate["seconds"] += float(row["watch_seconds"])
    by_day = collections.defaultdict(list)
    for slate in slates.values():
        if slate["day"]:
            by_day[slate["day"]].append(slate)
    return videos, by_day


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="+", help="NAME for NAME.events.csv and NAME.videos.csv")
    parser.add_argument("--category", default="fitness", help="category whose share of the top three is shown")
    parser.add_argument("--days", type=int, default=11, help="the last N days with slates")
    args = parser.parse_args()
    data = {}
    for name in args.runs:
        try:
            data[name] = load(name)
        except FileNotFoundError as error:
            print(f"{error.filename}: not found (export events and videos first; see --help)", file=sys.stderr)
            return 2
    days = sorted(set().union(*(set(d[1]) for d in data.values())))[-args.days:]
    print(f"{'day':10} {'run':>12} {'slates':>6} {'satisf.':>7} {'empty':>6} {'s/slate':>7} {'hours':>6} "
          f"{'top3>20m':>8} {'top3 ln d':>9} {'top3 ' + args.category:>12}")
    for day in days:
        for name in args.runs:
            videos, by_day = data[name]
            slates = by_day.get(day, [])
            if not slates:
                continue
            n = len(slates)
            satisfaction = sum(math.log(1 + s["seconds"] / 60) for s in slates) / n
            empty = sum(s["seconds"] == 0 for s in slates) / n
            seconds = sum(s["seconds"] for s in slates) / n
            top = [videos[v] for s in slates for p, v in s["shown"] if p < 3 and v in videos]
            m = max(1, len(top))
            long_share = sum(d > 1200 for d, _ in top) / m
            log_duration = sum(math.log(max(d, 1)) for d, _ in top) / m
            category = sum(c == args.category for _, c in top) / m
            print(f"{day:10} {name[-12:]:>12} {n:6d} {satisfaction:7.3f} {empty:6.3f} {seconds:7.0f} {n * seconds / 3600:6.0f} "
                  f"{long_share:8.3f} {log_duration:9.3f} {category:12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
