#!/usr/bin/python3
"""Server CPU of one whole SCAN walk, three ways (issue 10: why discovery uses both TYPE filters
at the same cursor): SCAN ... TYPE list; SCAN ... TYPE stream; both filters pipelined at each
cursor; SCAN without a filter plus a pipelined TYPE per key. CPU from INFO cpu of the server.

    redis-server --port P --save '' --enable-debug-command yes &
    redis-cli -p P debug populate 1000000
    /usr/bin/python3 tests/bench/scan_cost.py --port P
"""
import argparse
import time

import redis


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=1000)
    a = ap.parse_args()
    r = redis.Redis(port=a.port)

    def cpu():
        i = r.info("cpu")
        return i["used_cpu_user"] + i["used_cpu_sys"]

    def walk(types, typed_per_key=False):
        c0, t0, cur, calls, found = cpu(), time.time(), 0, 0, 0
        while True:
            if typed_per_key:
                cur, keys = r.scan(cur, count=a.count)
                calls += 1
                p = r.pipeline(transaction=False)
                for k in keys:
                    p.type(k)
                found += sum(1 for t in p.execute() if t in (b"list", b"stream"))
            else:
                p = r.pipeline(transaction=False)
                for t in types:
                    p.execute_command("SCAN", cur, "COUNT", a.count, "TYPE", t)
                res = p.execute()
                calls += len(types)
                cur = int(res[0][0])
                found += sum(len(x[1]) for x in res)
            if cur == 0:
                return cpu() - c0, time.time() - t0, calls, found

    print("dbsize %d, COUNT %d" % (r.dbsize(), a.count))
    for name, args in (("SCAN TYPE list", (["list"],)), ("SCAN TYPE stream", (["stream"],)),
                       ("both TYPE filters, same cursor", (["list", "stream"],)),
                       ("SCAN + pipelined TYPE per key", ([], True))):
        s, w, calls, found = walk(*args)
        print("%-32s server cpu %5.0f ms, wall %6.0f ms, %5d SCANs, found %d"
              % (name, s * 1000, w * 1000, calls, found))


if __name__ == "__main__":
    main()
