#!/usr/bin/env python3
"""Prints, one per line, the rawData of N MonzoTransactionData jobs of K fixture-shaped transactions each
(fixtures/monzo/transactions.json cycled, every transaction with an id of its own), for dispatch-monzo.php.

usage: monzo-jobs.py JOBS PER_JOB
"""
import json
import os
import sys

jobs, per_job = int(sys.argv[1]), int(sys.argv[2])
root = os.path.join(os.path.dirname(__file__), "..", "..")
with open(os.path.join(root, "fixtures", "monzo", "transactions.json")) as f:
    fixture = json.load(f)["transactions"]
for j in range(jobs):
    txs = []
    for k in range(per_job):
        tx = dict(fixture[(j * per_job + k) % len(fixture)])
        tx["id"] = "tx_bench_%06d_%03d" % (j, k)
        txs.append(tx)
    print(json.dumps(txs))
