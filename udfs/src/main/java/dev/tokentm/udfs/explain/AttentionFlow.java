package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.BlockTrace;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitConfig;
import java.util.List;
import org.jgrapht.Graph;
import org.jgrapht.alg.flow.PushRelabelMFImpl;
import org.jgrapht.alg.interfaces.MaximumFlowAlgorithm;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleDirectedWeightedGraph;

/**
 * Attention Flow (Abnar &amp; Zuidema, ACL 2020; {@code samiraabnar/attention_flow}, {@code
 * attention_graph_util.py}): the attention graph has a node per token and layer boundary and an edge
 * from each token to every token of the layer below with capacity {@code (mean_h A + I)}, rows
 * renormalized to sum 1; a token's relevance is the maximum flow from the [CLS] node after the last
 * block to that token's input node, divided by the sum over all input tokens. Class-independent.
 * The flows are computed by JGraphT's push-relabel (the value of a maximum flow does not depend on
 * the algorithm; the reference uses Edmonds-Karp). One graph per image; N flows on it.
 */
public record AttentionFlow() implements Explainer {

    @Override
    public String name() {
        return "attention-flow";
    }

    /** Attention probabilities only: no class enters the map. */
    @Override
    public boolean classIndependent() {
        return true;
    }

    @Override
    public TraceRequest needs() {
        return TraceRequest.reading(TracePoint.ATTENTION);
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VitConfig config = context.config();
        List<BlockTrace> blocks = context.valuesTrace().blocks();
        int depth = blocks.size();
        int n = config.numTokens();
        double[][] capacities = new double[depth][];
        int batch = 0;
        for (int l = 0; l < depth; l++) {
            NDArray augmented = Layers.addIdentity(blocks.get(l).attention().mean(new int[] {1}));
            augmented = augmented.div(augmented.sum(new int[] {2}, true));
            capacities[l] = augmented.toType(DataType.FLOAT64, false).toDoubleArray();
            batch = Math.toIntExact(augmented.getShape().get(0));
        }
        int prefix = config.numPrefixTokens();
        int patches = config.numPatches();
        double[] relevance = new double[batch * patches];
        for (int b = 0; b < batch; b++) {
            double[] flows = flows(capacities, b, depth, n);
            double total = 0;
            for (double f : flows) {
                total += f;
            }
            for (int j = 0; j < patches; j++) {
                relevance[b * patches + j] = total == 0 ? 0 : flows[prefix + j] / total;
            }
        }
        return HostArrays.of(
                context.manager(),
                relevance,
                new Shape(batch, config.gridSize(), config.gridSize()),
                context.images().getDataType());
    }

    /** Max-flow from the last layer's [CLS] node to each input token's node, for image {@code b}. */
    private static double[] flows(double[][] capacities, int b, int depth, int n) {
        Graph<Integer, DefaultWeightedEdge> graph = new SimpleDirectedWeightedGraph<>(DefaultWeightedEdge.class);
        for (int node = 0; node < (depth + 1) * n; node++) {
            graph.addVertex(node);
        }
        int source = depth * n;
        for (int layer = depth; layer >= 1; layer--) {
            double[] c = capacities[layer - 1];
            // Above the last block only the [CLS] node carries flow; the others are unreachable.
            int tokens = layer == depth ? 1 : n;
            for (int from = 0; from < tokens; from++) {
                for (int to = 0; to < n; to++) {
                    double capacity = c[(b * n + from) * n + to];
                    if (capacity > 0) {
                        DefaultWeightedEdge e = graph.addEdge(layer * n + from, (layer - 1) * n + to);
                        graph.setEdgeWeight(e, capacity);
                    }
                }
            }
        }
        MaximumFlowAlgorithm<Integer, DefaultWeightedEdge> maxFlow = new PushRelabelMFImpl<>(graph);
        double[] flows = new double[n];
        for (int j = 0; j < n; j++) {
            flows[j] = maxFlow.getMaximumFlowValue(source, j);
        }
        return flows;
    }
}
