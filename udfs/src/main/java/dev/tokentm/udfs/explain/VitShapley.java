package dev.tokentm.udfs.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.tokentm.udfs.amortized.VitShapleyModel;
import dev.tokentm.udfs.amortized.VitShapleyModels;
import dev.tokentm.udfs.io.Storage;
import dev.tokentm.udfs.model.TargetClasses;
import dev.tokentm.udfs.model.TraceRequest;
import dev.tokentm.udfs.model.VitConfig;

/**
 * ViT Shapley (Covert, Kim, Lee, ICLR 2023; suinleelab/vit-shapley): the Shapley values of the patches
 * for the explained class, predicted by an explainer trained for the model ({@code bin/tokentm
 * train-explainer}) in two forward passes per image instead of thousands. They are the values of the
 * surrogate game, the class's probability when the other patches are removed from attention ({@link
 * VitShapleyModel}), and sum to {@code v(all) − v(∅)}.
 *
 * @param explainer the explainer file (local, {@code hdfs://}, {@code s3a://}, {@code classpath:}), or
 *     {@value #EMBEDDED} for the one trained for the embedded model
 */
public record VitShapley(String explainer) implements Explainer {

    public static final String EMBEDDED = "embedded";

    /** Where the embedded model's explainer is. */
    public static final String EMBEDDED_LOCATION =
            Storage.CLASSPATH + "models/cluttered-fashion-vit/vit-shapley.safetensors";

    /** From a spec: {@code vit-shapley(explainer=<location>)}. */
    static VitShapley of(MethodArguments a) {
        return new VitShapley(a.text("explainer", EMBEDDED));
    }

    @Override
    public String name() {
        return MethodSpec.named("vit-shapley")
                .with("explainer", explainer, EMBEDDED)
                .toString();
    }

    /** The file read. */
    public String location() {
        return explainer.equals(EMBEDDED) ? EMBEDDED_LOCATION : explainer;
    }

    /** The explained classes; its two passes are its own. */
    @Override
    public TraceRequest needs() {
        return TraceRequest.none();
    }

    /** Refuses an explainer trained for another architecture than the model's (read on the CPU, as the driver does). */
    @Override
    public void checkModel(VitConfig config) {
        Explainer.super.checkModel(config);
        check(load(ai.djl.Device.cpu(), DataType.FLOAT32).config(), config);
    }

    /** The explainer on a device in a type, a missing or foreign file refused in one line naming the method. */
    private VitShapleyModel load(ai.djl.Device device, DataType type) {
        try {
            return VitShapleyModels.get(location(), device, type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("method '" + name() + "': " + e.getMessage(), e);
        }
    }

    private void check(VitConfig trained, VitConfig config) {
        if (!sameArchitecture(trained, config)) {
            throw new IllegalArgumentException("method '" + name() + "': the explainer was trained for a model of "
                    + trained.imageSize() + " px, patch " + trained.patchSize() + ", width " + trained.embedDim()
                    + ", depth " + trained.depth() + ", " + trained.numClasses() + " classes, not this one ("
                    + config.imageSize() + " px, patch " + config.patchSize() + ", width " + config.embedDim()
                    + ", depth " + config.depth() + ", " + config.numClasses() + " classes)");
        }
    }

    private static boolean sameArchitecture(VitConfig a, VitConfig b) {
        return a.imageSize() == b.imageSize()
                && a.patchSize() == b.patchSize()
                && a.embedDim() == b.embedDim()
                && a.depth() == b.depth()
                && a.numHeads() == b.numHeads()
                && a.numClasses() == b.numClasses()
                && a.numPrefixTokens() == b.numPrefixTokens();
    }

    @Override
    public NDArray explain(ExplainContext context) {
        VitConfig c = context.config();
        Explainer.super.checkModel(c);
        // Checked against the copy it runs, on the model's device: no second copy for the check.
        VitShapleyModel model = load(context.model().device(), context.model().dataType());
        check(model.config(), c);
        NDArray images = context.images().duplicate(); // the values' intermediates land in the context's scope
        images.attach(context.manager());
        NDArray values = model.values(images); // [B, P, C]
        int[] targets = context.targets();
        NDArray picked = values.mul(TargetClasses.oneHot(context.manager(), targets, c.numClasses(), values)
                        .expandDims(1))
                .sum(new int[] {2}); // [B, P]
        return picked.reshape(targets.length, c.gridSize(), c.gridSize());
    }
}
