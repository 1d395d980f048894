#!/usr/bin/env python3
"""ROAD's imputation as its authors compute it, timed on images and masks that `tokentm bench-road` wrote.

The authors' NoisyLinearImputer (tleemann/road_evaluation, road/imputations.py) builds, per image and
mask, the sparse system over the removed pixels (8 neighbours, 1/6 edge and 1/12 corner weights, kept
neighbours on the right-hand side) and solves it with scipy's direct sparse solver, one image at a
time. This re-expresses that computation (noise 0) with numpy and scipy only, since their module needs
PyTorch. Two times per imputation: as published (the matrix assembled by fancy-index assignments into
a scipy lil_matrix, converted to CSC, solved) and the solve alone (spsolve on the CSC matrix, which
any faster assembly would leave). Usage: road-reference.py DIR; prints one JSON object.
"""
import json
import sys
import time

import numpy as np
from scipy.sparse import lil_matrix
from scipy.sparse.linalg import spsolve

OFFSETS = [(dy, dx, 1 / 12 if dy and dx else 1 / 6) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]


def impute(image, keep):
    """image [C,H,W] float64, keep [H,W] bool: the image with removed pixels solved, and the seconds spent
    in spsolve."""
    c, h, w = image.shape
    removed = np.flatnonzero(~keep.ravel())
    index = -np.ones(h * w, dtype=np.int64)
    index[removed] = np.arange(len(removed))
    ys, xs = np.divmod(removed, w)
    flat = image.reshape(c, -1)
    diagonal = np.zeros(len(removed))
    rows, cols, vals = [], [], []
    rhs = np.zeros((len(removed), c))
    for dy, dx, weight in OFFSETS:
        yy, xx = ys + dy, xs + dx
        inside = (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
        at = np.flatnonzero(inside)
        neighbour = yy[at] * w + xx[at]
        diagonal[at] += weight
        unknown = index[neighbour] >= 0
        rows.append(at[unknown])
        cols.append(index[neighbour[unknown]])
        vals.append(np.full(unknown.sum(), -weight))
        known = ~unknown
        rhs[at[known]] += weight * flat[:, neighbour[known]].T
    n = len(removed)
    rows.append(np.arange(n))
    cols.append(np.arange(n))
    vals.append(diagonal)
    matrix = lil_matrix((n, n))
    for at_rows, at_cols, values in zip(rows, cols, vals):
        matrix[at_rows, at_cols] = values
    matrix = matrix.tocsc()
    start = time.perf_counter()
    solution = spsolve(matrix, rhs)
    solving = time.perf_counter() - start
    out = flat.copy()
    out[:, removed] = np.asarray(solution).reshape(n, c).T
    return out.reshape(c, h, w), solving


def main(directory):
    with open(f"{directory}/shapes.json") as f:
        shapes = json.load(f)
    n, c, side, masks = shapes["images"], shapes["channels"], shapes["side"], shapes["masks"]
    images = np.fromfile(f"{directory}/images.f32", dtype="<f4").reshape(n, c, side, side).astype(np.float64)
    keep = np.fromfile(f"{directory}/keep.f32", dtype="<f4").reshape(n, masks, side, side) > 0.5
    ours = np.fromfile(f"{directory}/ours.f32", dtype="<f4").reshape(n, masks, c, side, side)
    seconds, solving = [], []
    worst = 0.0
    for i in range(n):
        for m in range(masks):
            start = time.perf_counter()
            result, spent = impute(images[i], keep[i, m])
            seconds.append(time.perf_counter() - start)
            solving.append(spent)
            worst = max(worst, float(np.linalg.norm(ours[i, m] - result) / np.linalg.norm(result)))
    print(json.dumps({"seconds": seconds, "solve_seconds": solving, "worst_relative_l2": worst}))


if __name__ == "__main__":
    main(sys.argv[1])
