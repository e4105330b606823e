#!/usr/bin/env python3
"""chamfer_scipy.py: the reference Chamfer distance (cadrille / CAD-Recode) timed with cKDTree.

    /usr/bin/python3 bench/chamfer_scipy.py A.bin B.bin [--runs 20]

A.bin and B.bin hold n x 3 little-endian float64 points. Each run builds two cKDTrees and
queries each with the other's points (k=1, workers=1), then computes
mean(d_ab^2) + mean(d_ba^2), exactly as cadrille's evaluate.py. Prints one JSON line:
{"cd", "median_s", "min_s", "runs", "scipy"}. Needs numpy and scipy (Debian's python3-scipy).
"""
import argparse
import json
import time

import numpy as np
import scipy
from scipy.spatial import cKDTree


def chamfer(a, b):
    a_distance, _ = cKDTree(a).query(b, k=1, workers=1)
    b_distance, _ = cKDTree(b).query(a, k=1, workers=1)
    return np.mean(np.square(a_distance)) + np.mean(np.square(b_distance))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('a')
    parser.add_argument('b')
    parser.add_argument('--runs', type=int, default=20)
    args = parser.parse_args()
    a = np.fromfile(args.a, dtype='<f8').reshape(-1, 3)
    b = np.fromfile(args.b, dtype='<f8').reshape(-1, 3)
    cd = chamfer(a, b)  # warm-up, not timed (as on the C++ side)
    seconds = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        cd = chamfer(a, b)
        seconds.append(time.perf_counter() - t0)
    print(json.dumps(dict(cd=float(cd), median_s=float(np.median(seconds)),
                          min_s=float(min(seconds)), runs=args.runs, scipy=scipy.__version__)))


if __name__ == '__main__':
    main()
