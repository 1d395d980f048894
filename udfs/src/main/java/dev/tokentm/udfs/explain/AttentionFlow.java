package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.BlockTrace;
import dev.tokentm.udfs.model.TracePoint;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitConfig;
import java.util.List;

/**
 * Attention Flow (Abnar &amp; Zuidema, ACL 2020; {@code samiraabnar/attention_flow}, {@code
 * attention_graph_util.py}): the attention graph has a node per token and layer boundary and an edge
 * from each token to every token of the layer below with capacity {@code (mean_h A + I)}, rows
 * renormalized to sum 1; a token's relevance is the maximum flow from the [CLS] node after the last
 * block to that token's input node, divided by the sum over all input tokens. Class-independent.
 * The flows are computed by {@link DinicMaxFlow} (the value of a maximum flow does not depend on the
 * algorithm; the reference uses Edmonds-Karp). One network per image; N flows on it.
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
        // Above the last block only the [CLS] node carries flow; the others are unreachable.
        int edges = n + (depth - 1) * n * n;
        int[] from = new int[edges];
        int[] to = new int[edges];
        double[] capacity = new double[edges];
        int e = 0;
        for (int layer = depth; layer >= 1; layer--) {
            double[] c = capacities[layer - 1];
            int tokens = layer == depth ? 1 : n;
            for (int i = 0; i < tokens; i++) {
                for (int j = 0; j < n; j++) {
                    from[e] = layer * n + i;
                    to[e] = (layer - 1) * n + j;
                    capacity[e++] = Math.max(0, c[(b * n + i) * n + j]);
                }
            }
        }
        DinicMaxFlow network = new DinicMaxFlow((depth + 1) * n, from, to, capacity);
        double[] flows = new double[n];
        for (int j = 0; j < n; j++) {
            flows[j] = network.maxFlow(depth * n, j);
        }
        return flows;
    }
}
