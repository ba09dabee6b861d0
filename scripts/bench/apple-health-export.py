#!/usr/bin/env python3
"""Prints a synthetic Health Auto Export upload (`{"data": {"metrics": [...], "workouts": [...]}}`) of about POINTS
metric points: series of step counts, distances and heart rates (Min/Avg/Max) a minute apart, with sources, in
the shapes of fixtures/apple-health/metrics.json; plus three workouts.

usage: apple-health-export.py POINTS [SERIES]
"""
import json
import random
import sys

points, series = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 20
rng = random.Random(11)
kinds = [("step_count", "count"), ("walking_running_distance", "km"), ("heart_rate", "count/min"),
         ("active_energy", "kcal"), ("basal_energy_burned", "kcal")]
metrics = []
per = points // series
for s in range(series):
    name, units = kinds[s % len(kinds)]
    data = []
    for i in range(per if s < series - 1 else points - per * (series - 1)):
        minute = i
        date = "2025-08-%02d %02d:%02d:00 +0100" % (1 + minute // 1440 % 28, minute // 60 % 24, minute % 60)
        if name == "heart_rate":
            avg = rng.uniform(50, 150)
            data.append({"Min": round(avg - rng.uniform(0, 10)), "Avg": avg, "Max": round(avg + rng.uniform(0, 10)), "date": date,
                         "source": "Bench Watch"})
        else:
            data.append({"qty": rng.uniform(0, 500) if s % 2 else rng.randint(0, 500), "date": date, "source": "Bench Watch|iPhone"})
    metrics.append({"name": "%s_%02d" % (name, s), "units": units, "data": data})
workouts = [{"id": "BENCH-%d" % w, "name": "Outdoor Walk", "start": "2025-08-1%d 07:00:00 +0100" % w,
             "end": "2025-08-1%d 07:30:00 +0100" % w, "duration": 1800.5, "distance": {"qty": 2.5, "units": "km"},
             "activeEnergyBurned": {"qty": 120.25, "units": "kcal"}, "location": "Outdoor", "metadata": {}} for w in range(3)]
json.dump({"data": {"metrics": metrics, "workouts": workouts}}, sys.stdout, separators=(",", ":"))
