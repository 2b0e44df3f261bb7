#!/usr/bin/python3
"""The reference consumer of issue 4: what a Python developer writes first.

redis-py (Debian's python3-redis) looping on BRPOP and counting, one message per round trip.
It drains COUNT messages that rqc-bench --scenario fill-list put in KEY, checks the sequence
numbers the payloads carry ("rqbench:<16 digits>:..."), and prints one JSON line:
{"rate": msgs_per_s, "messages": n, "seconds": s, "lost": n, "duplicated": n}.
"""
import argparse
import json
import sys
import time

import redis


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--idle", type=float, default=5.0, help="give up after this many idle seconds")
    args = ap.parse_args()

    r = redis.Redis(host=args.host, port=args.port)
    r.ping()
    seen = bytearray(args.count + 1)
    received = 0
    invalid = 0
    duplicates = 0
    start = time.perf_counter()
    end = start
    while received < args.count:
        item = r.brpop(args.key, timeout=args.idle)
        if item is None:
            break
        end = time.perf_counter()
        received += 1
        payload = item[1]
        try:
            seq = int(payload[8:24]) if payload.startswith(b"rqbench:") else 0
        except ValueError:
            seq = 0
        if seq < 1 or seq > args.count:
            invalid += 1
        elif seen[seq]:
            duplicates += 1
        else:
            seen[seq] = 1
    unique = received - duplicates - invalid
    seconds = end - start
    out = {
        "messages": args.count,
        "seconds": seconds,
        "rate": round(received / seconds) if seconds > 0 else 0,
        "lost": args.count - unique,
        "duplicated": duplicates + invalid,
    }
    print(json.dumps(out))
    return 0 if out["lost"] == 0 and out["duplicated"] == 0 else 2


if __name__ == "__main__":
    sys.exit(main())
