package dev.tokentm.udfs.explain;

import java.util.Arrays;

/**
 * Maximum flow by Dinic's algorithm (Dinic 1970): phases of a breadth-first level graph of the
 * residual network and a blocking flow on it found by depth-first search with current-arc pointers,
 * on primitive arrays. Attention Flow's graph is layered (every path from the last layer's [CLS] to
 * an input token has one edge per block), so the first phase carries most of the flow; later phases
 * route the rest through residual (reverse) arcs, as a blocking flow alone is not a maximum flow in
 * general. The network is built once and {@link #maxFlow} restores its capacities, so many
 * source-sink pairs share one build. Capacities at or below {@link #EPSILON} count as saturated.
 *
 * <p>Not thread-safe: one instance per thread.
 */
final class DinicMaxFlow {

    /** Residual capacity treated as 0 (attention capacities are about 1/tokens, flows sums of them). */
    static final double EPSILON = 1e-13;

    private final int nodes;
    /** Arcs of node v: {@code first[v]} to {@code first[v + 1]}; each edge gives an arc and its reverse. */
    private final int[] first;

    private final int[] head;
    private final int[] reverse;
    private final double[] capacity;
    private final double[] residual;

    private final int[] level;
    private final int[] current;
    private final int[] queue;
    private final int[] path;

    /**
     * @param nodes node count; nodes are 0 .. nodes - 1
     * @param from tail of each edge
     * @param to head of each edge
     * @param capacities capacity of each edge (≥ 0)
     */
    DinicMaxFlow(int nodes, int[] from, int[] to, double[] capacities) {
        if (from.length != to.length || from.length != capacities.length) {
            throw new IllegalArgumentException(
                    from.length + " tails, " + to.length + " heads, " + capacities.length + " capacities");
        }
        this.nodes = nodes;
        int edges = from.length;
        first = new int[nodes + 1];
        for (int e = 0; e < edges; e++) {
            first[from[e] + 1]++;
            first[to[e] + 1]++;
        }
        for (int v = 0; v < nodes; v++) {
            first[v + 1] += first[v];
        }
        int[] fill = Arrays.copyOf(first, nodes);
        head = new int[2 * edges];
        reverse = new int[2 * edges];
        capacity = new double[2 * edges];
        for (int e = 0; e < edges; e++) {
            int forward = fill[from[e]]++;
            int backward = fill[to[e]]++;
            head[forward] = to[e];
            head[backward] = from[e];
            reverse[forward] = backward;
            reverse[backward] = forward;
            capacity[forward] = capacities[e];
        }
        residual = new double[2 * edges];
        level = new int[nodes];
        current = new int[nodes];
        queue = new int[nodes];
        path = new int[nodes];
    }

    /** The value of a maximum flow from {@code source} to {@code sink}. */
    double maxFlow(int source, int sink) {
        if (source == sink) {
            throw new IllegalArgumentException("source and sink are both node " + source);
        }
        System.arraycopy(capacity, 0, residual, 0, capacity.length);
        double total = 0;
        while (levels(source, sink)) {
            total += blockingFlow(source, sink);
        }
        return total;
    }

    /** Breadth-first levels over arcs with residual capacity; false when the sink is out of reach. */
    private boolean levels(int source, int sink) {
        Arrays.fill(level, -1);
        level[source] = 0;
        queue[0] = source;
        int read = 0;
        int write = 1;
        while (read < write) {
            int u = queue[read++];
            if (level[sink] >= 0 && level[u] >= level[sink]) {
                break; // nodes this deep cannot lie on a shortest path to the sink
            }
            for (int a = first[u], end = first[u + 1]; a < end; a++) {
                int v = head[a];
                if (level[v] < 0 && residual[a] > EPSILON) {
                    level[v] = level[u] + 1;
                    queue[write++] = v;
                }
            }
        }
        return level[sink] >= 0;
    }

    /**
     * A blocking flow on the level graph: advance along admissible arcs (residual capacity, one level
     * down), augment by the path's bottleneck on reaching the sink and retreat to the first saturated
     * arc; a node with no admissible arc left is dropped from the level graph.
     */
    private double blockingFlow(int source, int sink) {
        for (int v = 0; v < nodes; v++) {
            current[v] = first[v];
        }
        double total = 0;
        int top = 0;
        int u = source;
        while (true) {
            if (u == sink) {
                double bottleneck = Double.MAX_VALUE;
                for (int k = 0; k < top; k++) {
                    bottleneck = Math.min(bottleneck, residual[path[k]]);
                }
                int saturated = -1;
                for (int k = 0; k < top; k++) {
                    int a = path[k];
                    residual[a] -= bottleneck;
                    residual[reverse[a]] += bottleneck;
                    if (saturated < 0 && residual[a] <= EPSILON) {
                        saturated = k;
                    }
                }
                total += bottleneck;
                top = saturated;
                u = top == 0 ? source : head[path[top - 1]];
                continue;
            }
            int end = first[u + 1];
            int a = current[u];
            int next = level[u] + 1;
            while (a < end && (residual[a] <= EPSILON || level[head[a]] != next)) {
                a++;
            }
            current[u] = a;
            if (a < end) {
                path[top++] = a;
                u = head[a];
            } else {
                if (u == source) {
                    return total;
                }
                level[u] = -1; // a dead end: no path to the sink through it in this phase
                top--;
                u = top == 0 ? source : head[path[top - 1]];
                current[u]++;
            }
        }
    }
}
