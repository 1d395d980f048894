package dev.tokentm.udfs.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.jgrapht.Graph;
import org.jgrapht.alg.flow.EdmondsKarpMFImpl;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleDirectedWeightedGraph;
import org.junit.jupiter.api.Test;

/**
 * Dinic's maximum flow against hand values and JGraphT's Edmonds-Karp: a layered network where the
 * first blocking flow is not maximal (later phases must use a reverse arc), random general graphs,
 * random layered attention-like networks (several sinks on one build), and an unreachable sink.
 */
class DinicMaxFlowTest {

    @Test
    void laterPhasesFinishWhatTheFirstBlockingFlowLeaves() {
        // s=0 -> a=1, b=2; a -> c=3, d=4; b -> c; c, d -> t=5; all capacities 1. Every path has 3 arcs; the
        // blocking flow s-a-c-t blocks s-b-c-t and s-a-d-t, yet the maximum is 2 (s-a-d-t and s-b-c-t).
        int[] from = {0, 0, 1, 1, 2, 3, 4};
        int[] to = {1, 2, 3, 4, 3, 5, 5};
        double[] capacity = {1, 1, 1, 1, 1, 1, 1};
        assertEquals(2.0, new DinicMaxFlow(6, from, to, capacity).maxFlow(0, 5), 1e-15);
    }

    @Test
    void aSinkOutOfReachGetsNoFlow() {
        DinicMaxFlow network = new DinicMaxFlow(4, new int[] {0, 1}, new int[] {1, 2}, new double[] {0.5, 0.25});
        assertEquals(0.25, network.maxFlow(0, 2), 1e-15);
        assertEquals(0.0, network.maxFlow(0, 3), 0.0);
        assertEquals(0.25, network.maxFlow(0, 2), 1e-15, "the capacities are restored between calls");
    }

    @Test
    void randomGraphsMatchEdmondsKarp() {
        Random random = new Random(3);
        for (int trial = 0; trial < 30; trial++) {
            int nodes = 5 + random.nextInt(20);
            double density = 0.1 + 0.5 * random.nextDouble();
            Graph<Integer, DefaultWeightedEdge> graph = new SimpleDirectedWeightedGraph<>(DefaultWeightedEdge.class);
            for (int v = 0; v < nodes; v++) {
                graph.addVertex(v);
            }
            int count = 0;
            int[] from = new int[nodes * nodes];
            int[] to = new int[nodes * nodes];
            double[] capacity = new double[nodes * nodes];
            for (int u = 0; u < nodes; u++) {
                for (int v = 0; v < nodes; v++) {
                    if (u != v && random.nextDouble() < density) {
                        double c = random.nextDouble();
                        graph.setEdgeWeight(graph.addEdge(u, v), c);
                        from[count] = u;
                        to[count] = v;
                        capacity[count++] = c;
                    }
                }
            }
            DinicMaxFlow dinic = new DinicMaxFlow(
                    nodes,
                    java.util.Arrays.copyOf(from, count),
                    java.util.Arrays.copyOf(to, count),
                    java.util.Arrays.copyOf(capacity, count));
            EdmondsKarpMFImpl<Integer, DefaultWeightedEdge> reference = new EdmondsKarpMFImpl<>(graph, 1e-12);
            for (int sink = 1; sink < nodes; sink++) {
                assertEquals(
                        reference.getMaximumFlowValue(0, sink),
                        dinic.maxFlow(0, sink),
                        1e-12,
                        "trial " + trial + ", sink " + sink);
            }
        }
    }

    @Test
    void layeredAttentionNetworksMatchEdmondsKarp() {
        Random random = new Random(11);
        int tokens = 9;
        int depth = 4;
        int nodes = (depth + 1) * tokens;
        Graph<Integer, DefaultWeightedEdge> graph = new SimpleDirectedWeightedGraph<>(DefaultWeightedEdge.class);
        for (int v = 0; v < nodes; v++) {
            graph.addVertex(v);
        }
        int edges = tokens + (depth - 1) * tokens * tokens;
        int[] from = new int[edges];
        int[] to = new int[edges];
        double[] capacity = new double[edges];
        int e = 0;
        for (int layer = depth; layer >= 1; layer--) {
            for (int i = 0; i < (layer == depth ? 1 : tokens); i++) {
                // A row of peaked weights plus the residual, summing to 1, as Attention Flow's capacities.
                double[] row = new double[tokens];
                double sum = 0;
                for (int j = 0; j < tokens; j++) {
                    row[j] = Math.exp(3 * random.nextGaussian()) + (i == j ? 1 : 0);
                    sum += row[j];
                }
                for (int j = 0; j < tokens; j++) {
                    from[e] = layer * tokens + i;
                    to[e] = (layer - 1) * tokens + j;
                    capacity[e] = row[j] / sum;
                    graph.setEdgeWeight(graph.addEdge(from[e], to[e]), capacity[e]);
                    e++;
                }
            }
        }
        DinicMaxFlow dinic = new DinicMaxFlow(nodes, from, to, capacity);
        EdmondsKarpMFImpl<Integer, DefaultWeightedEdge> reference = new EdmondsKarpMFImpl<>(graph, 1e-12);
        for (int sink = 0; sink < tokens; sink++) {
            assertEquals(
                    reference.getMaximumFlowValue(depth * tokens, sink),
                    dinic.maxFlow(depth * tokens, sink),
                    1e-12,
                    "sink " + sink);
        }
    }
}
