#!/usr/bin/env python3
"""An independent check of a roofline bound: prints {"min_latency_us": ...} as JSON.

Usage: gemm_bound.py M N K PEAK_TFLOPS BANDWIDTH_GBPS BYTES_PER_ELEMENT
"""
import json
import sys


def main(argv):
    if len(argv) != 7:
        print(__doc__, file=sys.stderr)
        return 2
    m, n, k = (int(x) for x in argv[1:4])
    peak = float(argv[4]) * 1e12
    bandwidth = float(argv[5]) * 1e9
    element = float(argv[6])
    flops = 2 * m * n * k
    traffic = element * (m * k + k * n + m * n)
    seconds = max(flops / peak, traffic / bandwidth)
    print(json.dumps({"flops": flops, "bytes": traffic, "min_latency_us": seconds * 1e6}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
