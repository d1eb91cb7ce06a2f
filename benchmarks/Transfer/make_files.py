#!/usr/bin/env python3
"""Writes import files for the throughput measurement in benchmarks/RESULTS.md (import/export):
videos.csv (N videos), users.csv (U users) and events.csv (N events over them), columns as docs/api.md lists them."""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
users = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
out = sys.argv[3] if len(sys.argv) > 3 else "."
rng = random.Random(7)
categories = ["music", "gaming", "news", "sports", "pets", "cooking", "science", "travel"]
with open(f"{out}/videos.csv", "w") as f:
    f.write("id,title,category,tags,creator_id,duration_seconds,uploaded_at,available\n")
    for i in range(n):
        c = categories[i % len(categories)]
        f.write(f"v{i},Video {i},{c},{c}|t{i % 97},c{i % 5000},{60 + i % 1200},2026-01-{1 + i % 28:02d}T12:00:00Z,true\n")
with open(f"{out}/users.csv", "w") as f:
    f.write("id,country,device,signed_up_at,age_bucket\n")
    for u in range(users):
        f.write(f"u{u},US,mobile,2025-06-01T00:00:00Z,25-34\n")
with open(f"{out}/events.csv", "w") as f:
    f.write("event_id,user_id,video_id,type,watch_seconds,timestamp\n")
    for e in range(n):
        f.write(f"e{e},u{rng.randrange(users)},v{rng.randrange(n)},watch,{rng.randrange(1, 60)},2026-02-{1 + e * 27 // n:02d}T{e % 24:02d}:00:00Z\n")
