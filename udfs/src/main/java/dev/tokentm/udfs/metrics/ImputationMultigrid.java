package dev.tokentm.udfs.metrics;

/**
 * The linear system of ROAD's imputation ({@link NoisyLinearImputer}) for one image and mask,
 * solved on the CPU with primitive arrays: conjugate gradient preconditioned by a Galerkin multigrid
 * V-cycle, all channels of the image in one pass over memory (they share the matrix).
 *
 * <p>The hierarchy is built once per mask: level 0 holds the removed pixels with the 8-neighbour
 * stencil (1/6 edge, 1/12 corner; kept and out-of-frame neighbours leave the stencil, kept ones go to
 * the right-hand side). Level l+1 has half the side (vertex-centred: coarse point I sits on fine point
 * 2I); prolongation P is bilinear interpolation (clamped at the frame's far edge) restricted to the
 * removed pixels, restriction is Pᵀ, and the coarse matrix is the Galerkin product PᵀAP, so the kept
 * pixels inside holes act at every level as they do on the fine one. Smoothing is one lexicographic
 * Gauss–Seidel sweep forward before the coarse correction and one backward after it, and the coarsest
 * level (≤ 64 points) is solved by a dense Cholesky factorization, so the V-cycle is a symmetric
 * positive definite operator, as conjugate gradient needs. (Trottenberg, Oosterlee and Schüller,
 * "Multigrid", 2001, Ch. 7 on Galerkin coarse operators; Tatebe 1993 on multigrid-preconditioned CG.)
 *
 * <p>Arrays are over the frame padded by one pixel (so every neighbour index is in range), one plane
 * per channel. Not thread-safe: one instance per image and thread.
 */
final class ImputationMultigrid {

    private static final double EDGE = 1.0 / 6;
    private static final double CORNER = 1.0 / 12;
    /** ROAD's weights by stencil position k = (dy + 1) * 3 + (dx + 1). */
    private static final double[] WEIGHTS = {CORNER, EDGE, CORNER, EDGE, 0, EDGE, CORNER, EDGE, CORNER};
    /** Coarsening stops at this many points; the level is then solved directly. */
    private static final int COARSEST_POINTS = 64;

    private final Level fine;
    private final int channels;
    private final int removed;

    /**
     * @param keep mask values, {@code keep[keepOffset + y * w + x]} non-zero where the pixel is kept
     * @param channels channels solved together
     */
    ImputationMultigrid(float[] keep, int keepOffset, int h, int w, int channels) {
        this.channels = channels;
        this.fine = Level.finest(keep, keepOffset, h, w, channels);
        this.removed = fine.points.length;
        Level level = fine;
        while (level.points.length > COARSEST_POINTS && Math.max(level.h, level.w) > 2) {
            level.coarser = level.coarsen();
            level = level.coarser;
        }
        level.factorize();
    }

    /**
     * Imputes the removed pixels of one planar image: {@code out} gets the kept pixels unchanged and
     * the solution on the removed ones.
     *
     * @param image {@code [C, H, W]} values from {@code offset}
     * @param tolerance stop when each channel's residual norm is below this times its right-hand
     *     side's norm (in double precision a dark region, right-hand side near 0, still gets there)
     */
    void impute(double[] image, int offset, double[] out, int outOffset, double tolerance, int maxIterations) {
        int h = fine.h;
        int w = fine.w;
        int plane = h * w;
        System.arraycopy(image, offset, out, outOffset, channels * plane);
        if (removed == 0 || removed == plane) {
            // Nothing to impute, or nothing to impute from (the system is singular): removed pixels become 0.
            if (removed == plane) {
                java.util.Arrays.fill(out, outOffset, outOffset + channels * plane, 0);
            }
            return;
        }
        double[] b = rightHandSide(image, offset);
        double[] x = conjugateGradient(b, tolerance, maxIterations);
        int[] points = fine.points;
        for (int i = 0; i < points.length; i++) {
            int p = points[i];
            int y = p / fine.stride - 1;
            int xx = p % fine.stride - 1;
            for (int c = 0; c < channels; c++) {
                out[outOffset + c * plane + y * w + xx] = x[c * fine.size + p];
            }
        }
    }

    /** Σ over kept in-frame neighbours of w · v, on the removed pixels (padded planes). */
    private double[] rightHandSide(double[] image, int offset) {
        int h = fine.h;
        int w = fine.w;
        int plane = h * w;
        double[] b = new double[fine.size * channels];
        int[] points = fine.points;
        for (int i = 0; i < points.length; i++) {
            int p = points[i];
            int y = p / fine.stride - 1;
            int x = p % fine.stride - 1;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int yy = y + dy;
                    int xx = x + dx;
                    if ((dy == 0 && dx == 0) || yy < 0 || yy >= h || xx < 0 || xx >= w) {
                        continue;
                    }
                    if (fine.order[p + dy * fine.stride + dx] >= 0) {
                        continue; // removed: an unknown, not data
                    }
                    double weight = dy != 0 && dx != 0 ? CORNER : EDGE;
                    for (int c = 0; c < channels; c++) {
                        b[c * fine.size + p] += weight * image[offset + c * plane + yy * w + xx];
                    }
                }
            }
        }
        return b;
    }

    private double[] conjugateGradient(double[] b, double tolerance, int maxIterations) {
        int n = fine.size * channels;
        double[] x = new double[n];
        double[] r = b; // b is not needed after this
        double[] z = new double[n];
        double[] ap = new double[n];
        double[] rz = fine.cycle(r, z);
        double[] p = z.clone();
        double[] rr = fine.dot(r, r); // updated in place by each step
        double[] limit = new double[channels];
        for (int c = 0; c < channels; c++) {
            limit[c] = tolerance * tolerance * rr[c];
        }
        double[] alpha = new double[channels];
        double[] beta = new double[channels];
        int k = 0;
        while (k < maxIterations && !below(rr, limit)) {
            double[] pap = fine.apply(p, ap);
            for (int c = 0; c < channels; c++) {
                alpha[c] = pap[c] > 0 ? rz[c] / pap[c] : 0;
            }
            fine.step(alpha, p, ap, x, r, rr);
            double[] next = fine.cycle(r, z);
            for (int c = 0; c < channels; c++) {
                beta[c] = rz[c] > 0 ? next[c] / rz[c] : 0;
            }
            fine.xpby(z, beta, p);
            rz = next;
            k++;
        }
        return x;
    }

    private static boolean below(double[] values, double[] limits) {
        for (int c = 0; c < values.length; c++) {
            if (values[c] > limits[c]) {
                return false;
            }
        }
        return true;
    }

    /** One grid: its points (the unknowns), their 3x3 stencils and the transfer to the next coarser grid. */
    private static final class Level {
        final int h;
        final int w;
        /** Row length of the padded grid. */
        final int stride;
        /** Points of the padded grid; channel c of a vector starts at c * size. */
        final int size;

        final int channels;
        /** Padded positions of the unknowns, ascending (lexicographic order). */
        final int[] points;
        /** Padded position → index in {@link #points}, or -1. */
        final int[] order;
        /**
         * 9 coefficients per point, k = (dy + 1) * 3 + (dx + 1), 0 where the neighbour is not an unknown;
         * null on the finest level, whose off-diagonal entries are ROAD's weights (vectors are 0 on kept
         * and padding pixels, so they need no mask) and whose diagonal is {@link #diagonal}.
         */
        final double[] stencil;
        /** The diagonal of the matrix at each point, and its inverse (Gauss–Seidel multiplies by it). */
        final double[] diagonal;

        final double[] inverse;
        /** Padded offsets of the 9 stencil entries. */
        final int[] offsets;

        /** 4 coarse point indices per point (-1 where unused) and their interpolation weights. */
        int[] parents;

        double[] parentWeights;

        Level coarser;
        /** Work arrays: right-hand side and correction of this level's cycle (null on the finest). */
        final double[] f;

        final double[] e;
        /** The coarsest level's dense Cholesky factor (row-major, lower), else null. */
        double[] cholesky;

        Level(int h, int w, int channels, int[] points, double[] stencil, double[] diagonal) {
            this.h = h;
            this.w = w;
            this.stride = w + 2;
            this.size = (h + 2) * stride;
            this.channels = channels;
            this.points = points;
            this.stencil = stencil;
            this.diagonal = diagonal;
            this.inverse = new double[diagonal.length];
            for (int i = 0; i < diagonal.length; i++) {
                inverse[i] = 1 / diagonal[i];
            }
            this.order = new int[size];
            java.util.Arrays.fill(order, -1);
            for (int i = 0; i < points.length; i++) {
                order[points[i]] = i;
            }
            this.offsets = new int[9];
            for (int k = 0; k < 9; k++) {
                offsets[k] = (k / 3 - 1) * stride + (k % 3 - 1);
            }
            // The finest level's cycle works on conjugate gradient's vectors.
            this.f = stencil == null ? null : new double[size * channels];
            this.e = stencil == null ? null : new double[size * channels];
        }

        /** The removed pixels of the mask with ROAD's stencil. */
        static Level finest(float[] keep, int keepOffset, int h, int w, int channels) {
            int stride = w + 2;
            int count = 0;
            for (int i = 0; i < h * w; i++) {
                if (keep[keepOffset + i] == 0) {
                    count++;
                }
            }
            int[] points = new int[count];
            double[] diagonal = new double[count];
            int n = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (keep[keepOffset + y * w + x] == 0) {
                        points[n] = (y + 1) * stride + x + 1;
                        // s_i: the weights of the in-frame neighbours, 1 inside the frame.
                        int rows = 1 + (y > 0 ? 1 : 0) + (y < h - 1 ? 1 : 0);
                        int cols = 1 + (x > 0 ? 1 : 0) + (x < w - 1 ? 1 : 0);
                        diagonal[n++] = EDGE * (rows + cols - 2) + CORNER * (rows - 1) * (cols - 1);
                    }
                }
            }
            return new Level(h, w, channels, points, null, diagonal);
        }

        /** The matrix entry between point i and its neighbour k (0 where that is not an unknown). */
        private double coefficient(int i, int k) {
            if (stencil != null) {
                return stencil[9 * i + k];
            }
            if (k == 4) {
                return diagonal[i];
            }
            return order[points[i] + offsets[k]] >= 0 ? -WEIGHTS[k] : 0;
        }

        /** The next coarser level: its points, this level's interpolation to them and PᵀAP. */
        Level coarsen() {
            int hc = (h + 1) / 2;
            int wc = (w + 1) / 2;
            int sc = wc + 2;
            int n = points.length;
            parents = new int[4 * n];
            parentWeights = new double[4 * n];
            boolean[] used = new boolean[(hc + 2) * sc];
            int[] ys = new int[2];
            int[] xs = new int[2];
            double[] wy = new double[2];
            double[] wx = new double[2];
            for (int i = 0; i < n; i++) {
                int y = points[i] / stride - 1;
                int x = points[i] % stride - 1;
                int ny = parents1d(y, hc, ys, wy);
                int nx = parents1d(x, wc, xs, wx);
                int t = 0;
                for (int a = 0; a < ny; a++) {
                    for (int c = 0; c < nx; c++) {
                        int q = (ys[a] + 1) * sc + xs[c] + 1;
                        used[q] = true;
                        parents[4 * i + t] = q; // padded position for now, an index below
                        parentWeights[4 * i + t] = wy[a] * wx[c];
                        t++;
                    }
                }
                for (; t < 4; t++) {
                    parents[4 * i + t] = -1;
                }
            }
            int count = 0;
            for (boolean u : used) {
                count += u ? 1 : 0;
            }
            int[] coarsePoints = new int[count];
            int[] index = new int[used.length];
            int m = 0;
            for (int q = 0; q < used.length; q++) {
                if (used[q]) {
                    index[q] = m;
                    coarsePoints[m++] = q;
                }
            }
            for (int i = 0; i < parents.length; i++) {
                if (parents[i] >= 0) {
                    parents[i] = index[parents[i]];
                }
            }
            int[] rows = new int[count];
            int[] columns = new int[count];
            for (int q = 0; q < count; q++) {
                rows[q] = coarsePoints[q] / sc;
                columns[q] = coarsePoints[q] % sc;
            }
            // Galerkin, A_c = Pᵀ (A P), a row at a time: row i of A P is non-zero only on the 3x3 coarse points
            // around (y/2, x/2), and each of i's parents takes its share of it.
            double[] coarse = new double[9 * count];
            double[] row = new double[9];
            for (int i = 0; i < n; i++) {
                int p = points[i];
                int anchorRow = (p / stride - 1) / 2; // the padded coarse row above (y / 2)
                int anchorColumn = (p % stride - 1) / 2;
                java.util.Arrays.fill(row, 0);
                for (int k = 0; k < 9; k++) {
                    double a = coefficient(i, k);
                    if (a == 0) {
                        continue;
                    }
                    int j = order[p + offsets[k]];
                    for (int t = 0; t < 4; t++) {
                        int cj = parents[4 * j + t];
                        if (cj < 0) {
                            break;
                        }
                        row[(rows[cj] - anchorRow) * 3 + columns[cj] - anchorColumn] += a * parentWeights[4 * j + t];
                    }
                }
                for (int s = 0; s < 4; s++) {
                    int ci = parents[4 * i + s];
                    if (ci < 0) {
                        break;
                    }
                    double weight = parentWeights[4 * i + s];
                    // Window entry q = 3 wr + wc is padded coarse point (anchorRow + wr, anchorColumn + wc),
                    // from I stencil position (anchorRow + wr - rows[I] + 1) * 3 + (anchorColumn + wc -
                    // columns[I] + 1). Entries two rows or columns from I are 0: I and the window's points
                    // are parents of i and its neighbours.
                    int shift = 9 * ci + (anchorRow - rows[ci] + 1) * 3 + anchorColumn - columns[ci] + 1;
                    for (int q = 0; q < 9; q++) {
                        if (row[q] != 0) {
                            coarse[shift + q] += weight * row[q];
                        }
                    }
                }
            }
            double[] coarseDiagonal = new double[count];
            for (int i = 0; i < count; i++) {
                coarseDiagonal[i] = coarse[9 * i + 4];
            }
            return new Level(hc, wc, channels, coarsePoints, coarse, coarseDiagonal);
        }

        /** The coarse points (at most 2) that fine index {@code v} interpolates from, and their weights. */
        private static int parents1d(int v, int coarseSide, int[] at, double[] weight) {
            if (v % 2 == 0) {
                at[0] = v / 2;
                weight[0] = 1;
                return 1;
            }
            int below = v / 2;
            if (below + 1 >= coarseSide) {
                at[0] = below; // the frame's far edge: nothing beyond to interpolate towards
                weight[0] = 1;
                return 1;
            }
            at[0] = below;
            at[1] = below + 1;
            weight[0] = 0.5;
            weight[1] = 0.5;
            return 2;
        }

        /** Dense Cholesky factor of this (coarsest) level's matrix. */
        void factorize() {
            int n = points.length;
            double[] a = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 9; k++) {
                    double v = coefficient(i, k);
                    if (v != 0) {
                        a[i * n + order[points[i] + offsets[k]]] = v;
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                double d = a[j * n + j];
                for (int k = 0; k < j; k++) {
                    d -= a[j * n + k] * a[j * n + k];
                }
                // Points cut off from every kept pixel make the matrix singular; their right-hand side is 0
                // then, and a tiny pivot keeps the solve finite.
                d = Math.sqrt(Math.max(d, 1e-12 * Math.abs(a[j * n + j]) + 1e-300));
                a[j * n + j] = d;
                for (int i = j + 1; i < n; i++) {
                    double s = a[i * n + j];
                    for (int k = 0; k < j; k++) {
                        s -= a[i * n + k] * a[j * n + k];
                    }
                    a[i * n + j] = s / d;
                }
            }
            cholesky = a;
        }

        /**
         * out ≈ A⁻¹ rhs by one V-cycle from 0 (vectors padded, one plane per channel).
         *
         * @return per channel, rhs · out
         */
        double[] cycle(double[] rhs, double[] out) {
            if (cholesky != null) {
                solveDirect(rhs, out);
                return dot(rhs, out);
            }
            lower(rhs, out);
            Level coarse = coarser;
            for (int c = 0; c < channels; c++) {
                int base = c * coarse.size;
                for (int q : coarse.points) {
                    coarse.f[base + q] = 0;
                }
            }
            restrictResidual(rhs, out, coarse.f);
            coarse.cycle(coarse.f, coarse.e);
            prolong(coarse.e, out);
            return backward(rhs, out);
        }

        /**
         * Conjugate gradient's update x += α p, r −= α A p.
         *
         * @param rr gets r · r per channel after the update
         */
        void step(double[] alpha, double[] p, double[] ap, double[] x, double[] r, double[] rr) {
            java.util.Arrays.fill(rr, 0);
            for (int i = 0; i < points.length; i++) {
                int c = 0;
                for (int q = points[i], end = q + channels * size; q < end; q += size, c++) {
                    x[q] += alpha[c] * p[q];
                    r[q] -= alpha[c] * ap[q];
                    rr[c] += r[q] * r[q];
                }
            }
        }

        private void solveDirect(double[] rhs, double[] out) {
            int n = points.length;
            double[] l = cholesky;
            double[] y = new double[n];
            for (int c = 0; c < channels; c++) {
                int base = c * size;
                for (int i = 0; i < n; i++) {
                    double s = rhs[base + points[i]];
                    for (int k = 0; k < i; k++) {
                        s -= l[i * n + k] * y[k];
                    }
                    y[i] = s / l[i * n + i];
                }
                for (int i = n - 1; i >= 0; i--) {
                    double s = y[i];
                    for (int k = i + 1; k < n; k++) {
                        s -= l[k * n + i] * y[k];
                    }
                    y[i] = s / l[i * n + i];
                }
                for (int i = 0; i < n; i++) {
                    out[base + points[i]] = y[i];
                }
            }
        }

        /** Σ_k A[i, neighbour k] x over the 8 neighbours of point i at padded position p. */
        private double neighbours(int i, int p, double[] x) {
            if (stencil == null) {
                int s = stride;
                return -EDGE * (x[p - 1] + x[p + 1] + x[p - s] + x[p + s])
                        - CORNER * (x[p - s - 1] + x[p - s + 1] + x[p + s - 1] + x[p + s + 1]);
            }
            int at = 9 * i;
            int s = stride;
            return stencil[at] * x[p - s - 1]
                    + stencil[at + 1] * x[p - s]
                    + stencil[at + 2] * x[p - s + 1]
                    + stencil[at + 3] * x[p - 1]
                    + stencil[at + 5] * x[p + 1]
                    + stencil[at + 6] * x[p + s - 1]
                    + stencil[at + 7] * x[p + s]
                    + stencil[at + 8] * x[p + s + 1];
        }

        /**
         * The first lexicographic Gauss–Seidel sweep on A x = rhs from x = 0: only the neighbours before a
         * point (the row above, the one to the left) hold values yet, so it reads only those and x
         * needs no clearing first.
         */
        private void lower(double[] rhs, double[] x) {
            int s = stride;
            // Channels inside the loop over points: their updates are independent, so they overlap, where a
            // channel's sweep alone waits on each point's left neighbour.
            for (int i = 0; i < points.length; i++) {
                double inv = inverse[i];
                for (int p = points[i], end = p + channels * size; p < end; p += size) {
                    double before;
                    if (stencil == null) {
                        before = -EDGE * (x[p - 1] + x[p - s]) - CORNER * (x[p - s - 1] + x[p - s + 1]);
                    } else {
                        int at = 9 * i;
                        before = stencil[at] * x[p - s - 1]
                                + stencil[at + 1] * x[p - s]
                                + stencil[at + 2] * x[p - s + 1]
                                + stencil[at + 3] * x[p - 1];
                    }
                    x[p] = (rhs[p] - before) * inv;
                }
            }
        }

        /**
         * One Gauss–Seidel sweep in reverse lexicographic order (the adjoint of the forward sweep).
         *
         * @return per channel, rhs · x after the sweep
         */
        private double[] backward(double[] rhs, double[] x) {
            double[] dots = new double[channels];
            for (int i = points.length - 1; i >= 0; i--) {
                double inv = inverse[i];
                int c = 0;
                for (int p = points[i], end = p + channels * size; p < end; p += size, c++) {
                    double value = (rhs[p] - neighbours(i, p, x)) * inv;
                    x[p] = value;
                    dots[c] += rhs[p] * value;
                }
            }
            return dots;
        }

        /**
         * out = A v on the points.
         *
         * @return per channel, v · A v
         */
        double[] apply(double[] v, double[] out) {
            double[] dots = new double[channels];
            for (int c = 0; c < channels; c++) {
                int base = c * size;
                double sum = 0;
                for (int i = 0; i < points.length; i++) {
                    int p = base + points[i];
                    double value = diagonal[i] * v[p] + neighbours(i, p, v);
                    out[p] = value;
                    sum += v[p] * value;
                }
                dots[c] = sum;
            }
            return dots;
        }

        /** coarse f += Pᵀ (rhs − A x), the residual restricted as it is computed. */
        private void restrictResidual(double[] rhs, double[] x, double[] to) {
            int[] coarsePoints = coarser.points;
            int coarseSize = coarser.size;
            for (int c = 0; c < channels; c++) {
                int base = c * size;
                int coarseBase = c * coarseSize;
                for (int i = 0; i < points.length; i++) {
                    int p = base + points[i];
                    double value = rhs[p] - diagonal[i] * x[p] - neighbours(i, p, x);
                    for (int s = 0; s < 4; s++) {
                        int ci = parents[4 * i + s];
                        if (ci < 0) {
                            break;
                        }
                        to[coarseBase + coarsePoints[ci]] += parentWeights[4 * i + s] * value;
                    }
                }
            }
        }

        /** x += P v. */
        private void prolong(double[] v, double[] x) {
            int[] coarsePoints = coarser.points;
            int coarseSize = coarser.size;
            for (int c = 0; c < channels; c++) {
                int base = c * size;
                int coarseBase = c * coarseSize;
                for (int i = 0; i < points.length; i++) {
                    double sum = 0;
                    for (int s = 0; s < 4; s++) {
                        int ci = parents[4 * i + s];
                        if (ci < 0) {
                            break;
                        }
                        sum += parentWeights[4 * i + s] * v[coarseBase + coarsePoints[ci]];
                    }
                    x[base + points[i]] += sum;
                }
            }
        }

        /** Per-channel dot products over the points. */
        double[] dot(double[] a, double[] b) {
            double[] out = new double[channels];
            for (int c = 0; c < channels; c++) {
                int base = c * size;
                double sum = 0;
                for (int p : points) {
                    sum += a[base + p] * b[base + p];
                }
                out[c] = sum;
            }
            return out;
        }

        /** y = x + b_c y on the points of channel c. */
        void xpby(double[] x, double[] b, double[] y) {
            for (int c = 0; c < channels; c++) {
                int base = c * size;
                double bc = b[c];
                for (int p : points) {
                    y[base + p] = x[base + p] + bc * y[base + p];
                }
            }
        }
    }
}
