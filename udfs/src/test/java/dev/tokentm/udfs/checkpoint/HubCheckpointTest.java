package dev.tokentm.udfs.checkpoint;

import static dev.tokentm.udfs.testing.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.tokentm.udfs.model.Preprocessing;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint folders as the model hubs lay them out, written here with random weights and loaded
 * by path alone: timm's {@code push_to_hub} layout for a ViT (name + {@code model_args} + {@code
 * pretrained_cfg} + {@code label_names}), a distilled DeiT (labels by index) and DeiT III
 * (LayerScale and patch-only positions, equal to timm's forward written out, 8e-7), {@code
 * crop_mode} squash, and a bare {@code model.safetensors}, each with logits bit for bit those of
 * the same weights under an explicit config; heads for a width without convention from a one-key
 * config; a DINOv2-style backbone with register tokens, LayerScale, patch-only positions and no
 * classifier equal to timm's forward written out; CLIP names, average pooling and border crops refused
 * in one line.
 */
class HubCheckpointTest {

    private static final List<String> FIVE = List.of("n01440764", "n01443537", "n01484850", "n01491361", "n01494475");

    private static NDManager manager;
    private static NDArray images;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        Random r = new Random(3);
        float[] pixels = new float[2 * 3 * 64 * 64];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
        images = manager.create(pixels, new Shape(2, 3, 64, 64));
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** timm's tiny/small width and heads at 64 pixels, patch 16, two blocks, five classes. */
    private static VitConfig explicit(int width, int heads, boolean distilled, Preprocessing preprocessing) {
        return VitConfig.builder()
                .imageSize(64)
                .patchSize(16)
                .embedDim(width)
                .depth(2)
                .numHeads(heads)
                .numClasses(5)
                .distillationToken(distilled)
                .preprocessing(preprocessing)
                .build();
    }

    private Path folder(String name, Map<String, NDArray> tensors, String configJson) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name));
        Files.write(folder.resolve("model.safetensors"), Safetensors.write(tensors, Map.of()));
        if (configJson != null) {
            Files.writeString(folder.resolve("config.json"), configJson);
        }
        return folder;
    }

    private static String hubConfig(String architecture, String modelArgs, String extra) {
        return """
                {"architecture": "%s", "num_classes": 5, "num_features": 0, "global_pool": "token",
                 "model_args": %s,
                 "pretrained_cfg": {"tag": "augreg_in21k_ft_in1k", "custom_load": true, "input_size": [3, 64, 64],
                   "fixed_input_size": true, "interpolation": "bicubic", "crop_pct": 0.9, "crop_mode": "center",
                   "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "num_classes": 5, "pool_size": null,
                   "first_conv": "patch_embed.proj", "classifier": "head"}%s}
                """
                .formatted(architecture, modelArgs, extra);
    }

    private static final Preprocessing HUB_PREPROCESSING = new Preprocessing(
            71, 64, Preprocessing.ResizeMode.SHORTER_SIDE, "bicubic", new double[] {0.5, 0.5, 0.5}, new double[] {
                0.5, 0.5, 0.5
            });

    private static void assertSameLogits(Path location, VitConfig config, String what) {
        try (ModelLoader.LoadedModel fromFolder = ModelLoader.load(location.toString());
                ModelLoader.LoadedModel withConfig = ModelLoader.load(
                        location.resolve("model.safetensors").toString(),
                        new ModelLoader.Options(config, null, null, Device.cpu()))) {
            assertEquals(config, fromFolder.model().config(), what + ": architecture");
            NDArray a = fromFolder.model().logits(images);
            NDArray b = withConfig.model().logits(images);
            assertEquals(0.0, a.sub(b).abs().max().getFloat(), what + ": logits equal bit for bit");
        }
    }

    @Test
    void timmHubFolderOfAViT() throws Exception {
        VitConfig config = explicit(192, 3, false, HUB_PREPROCESSING);
        try (NDManager m = NDManager.newBaseManager()) {
            Path folder = folder(
                    "vit",
                    VitParameters.random(config, m, 1).tensors(),
                    hubConfig(
                            "vit_tiny_patch16_224.augreg_in21k_ft_in1k",
                            "{\"depth\": 2, \"img_size\": 64}",
                            ", \"label_names\": " + new com.google.gson.Gson().toJson(FIVE)));
            assertSameLogits(folder, config, "timm ViT");
            try (ModelLoader.LoadedModel loaded = ModelLoader.load(folder.toString())) {
                assertEquals(FIVE, loaded.classNames());
                assertTrue(loaded.architecture().contains("timm vit_tiny_patch16_224"), loaded.architecture());
            }
        }
    }

    @Test
    void timmHubFolderOfADistilledDeitWithLabelsByIndex() throws Exception {
        VitConfig config = explicit(192, 3, true, HUB_PREPROCESSING);
        try (NDManager m = NDManager.newBaseManager()) {
            Path folder = folder(
                    "deit",
                    VitParameters.random(config, m, 2).tensors(),
                    hubConfig(
                            "deit_tiny_distilled_patch16_224.fb_in1k",
                            "{\"depth\": 2, \"img_size\": [64, 64]}",
                            ", \"label_names\": {\"1\": \"b\", \"0\": \"a\", \"2\": \"c\", \"3\": \"d\", \"4\": \"e\"}"));
            assertSameLogits(folder, config, "timm distilled DeiT");
            try (ModelLoader.LoadedModel loaded = ModelLoader.load(folder.toString())) {
                assertEquals(List.of("a", "b", "c", "d", "e"), loaded.classNames());
            }
        }
    }

    /**
     * DeiT III: LayerScale after the attention and MLP branches and a position embedding for the
     * patches only. The folded model must compute what timm's forward computes, written out here
     * term by term from the unfolded tensors.
     */
    @Test
    void deit3LayerScaleAndPatchOnlyPositionsEqualTimmsForward() throws Exception {
        VitConfig plain = explicit(384, 6, false, HUB_PREPROCESSING);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors =
                    new LinkedHashMap<>(VitParameters.random(plain, m, 3).tensors());
            tensors.put("pos_embed", tensors.get("pos_embed").get(":, 1:, :").duplicate());
            addLayerScale(tensors, plain, m, 4);
            Path folder = folder(
                    "deit3",
                    tensors,
                    hubConfig("deit3_small_patch16_224.fb_in22k_ft_in1k", "{\"depth\": 2, \"img_size\": 64}", ""));
            try (ModelLoader.LoadedModel loaded = ModelLoader.load(folder.toString())) {
                assertEquals(plain, loaded.model().config());
                assertTrue(
                        loaded.architecture().contains("LayerScale folded into 4 projections"), loaded.architecture());
                assertTrue(loaded.architecture().contains("patch-only position embedding"), loaded.architecture());
                assertClose(
                        loaded.model().logits(images), timmDeit3Logits(tensors, images, 6), 1e-5, "DeiT III logits");
            }
        }
    }

    /** LayerScale's per-channel gammas after every block's attention and MLP, drawn in [0.1, 1.1). */
    private static void addLayerScale(Map<String, NDArray> tensors, VitConfig c, NDManager m, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < c.depth(); i++) {
            for (String ls : List.of("ls1", "ls2")) {
                float[] gamma = new float[c.embedDim()];
                for (int k = 0; k < gamma.length; k++) {
                    gamma[k] = 0.1f + r.nextFloat();
                }
                tensors.put("blocks." + i + "." + ls + ".gamma", m.create(gamma));
            }
        }
    }

    /**
     * DINOv2 with registers as timm builds {@code vit_small_patch14_reg4_dinov2} (here at patch 16): four
     * register tokens after [CLS], LayerScale, positions for the patches only, and no classifier, so the
     * output is the final-normed [CLS] token. Loaded from the hub layout and from the bare tensors.
     */
    @Test
    void dinoV2BackboneWithRegistersEqualsTimmsForward() throws Exception {
        VitConfig backbone = explicit(384, 6, false, HUB_PREPROCESSING).toBuilder()
                .numClasses(0)
                .registerTokens(4)
                .build();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors =
                    new LinkedHashMap<>(VitParameters.random(backbone, m, 9).tensors());
            assertTrue(!tensors.containsKey("head.weight") && tensors.containsKey("reg_token"));
            tensors.put("pos_embed", tensors.get("pos_embed").get(":, 5:, :").duplicate());
            addLayerScale(tensors, backbone, m, 10);
            Path folder = folder(
                    "dinov2",
                    tensors,
                    hubConfig("vit_small_patch16_reg4_dinov2.lvd142m", "{\"depth\": 2, \"img_size\": 64}", "")
                            .replace("\"num_classes\": 5", "\"num_classes\": 0"));
            NDArray expected = timmDeit3Logits(tensors, images, 6);
            assertEquals(new Shape(2, 384), expected.getShape(), "timm's output: [CLS] features");
            try (ModelLoader.LoadedModel loaded = ModelLoader.load(folder.toString())) {
                assertEquals(backbone, loaded.model().config());
                assertClose(loaded.model().logits(images), expected, 1e-5, "DINOv2 features");
            }
            Path alone = folder("dinov2-bare", tensors, null);
            try (ModelLoader.LoadedModel bare =
                    ModelLoader.load(alone.resolve("model.safetensors").toString())) {
                String line = bare.architecture();
                assertTrue(line.contains("num_classes 0") && line.contains("reg_tokens 4"), line);
                assertEquals(4, bare.model().config().numPrefixTokens() - 1);
                assertEquals(16, bare.model().config().numPatches());
            }
        }
    }

    /**
     * timm's {@code VisionTransformer.forward} with {@code no_embed_class=True} and LayerScale, by its
     * terms; with register tokens after [CLS] when there are, and the [CLS] features without a head.
     */
    private static NDArray timmDeit3Logits(Map<String, NDArray> t, NDArray x, int heads) {
        NDManager m = x.getManager();
        long b = x.getShape().get(0);
        NDArray patches = Conv2d.conv2d(
                        x, t.get("patch_embed.proj.weight"), t.get("patch_embed.proj.bias"), new Shape(16, 16))
                .singletonOrThrow();
        long d = patches.getShape().get(1);
        NDArray tokens = patches.reshape(b, d, -1).transpose(0, 2, 1).add(t.get("pos_embed"));
        NDArray cls = t.get("cls_token").broadcast(b, 1, d);
        NDArray reg = t.get("reg_token");
        tokens = reg == null
                ? NDArrays.concat(new NDList(cls, tokens), 1)
                : NDArrays.concat(
                        new NDList(cls, reg.broadcast(b, reg.getShape().get(1), d), tokens), 1);
        long n = tokens.getShape().get(1);
        long hd = d / heads;
        for (int i = 0; t.containsKey("blocks." + i + ".norm1.weight"); i++) {
            String p = "blocks." + i + ".";
            NDArray h = norm(tokens, t, p + "norm1");
            NDArray qkv =
                    linear(h, t, p + "attn.qkv").reshape(b, n, 3, heads, hd).transpose(2, 0, 3, 1, 4);
            NDArray q = qkv.get(0).mul(Math.pow(hd, -0.5));
            NDArray attn = q.matMul(qkv.get(1).transpose(0, 1, 3, 2)).softmax(-1);
            NDArray o = linear(attn.matMul(qkv.get(2)).transpose(0, 2, 1, 3).reshape(b, n, d), t, p + "attn.proj");
            tokens = tokens.add(o.mul(t.get(p + "ls1.gamma")));
            NDArray mlp =
                    linear(Activation.gelu(linear(norm(tokens, t, p + "norm2"), t, p + "mlp.fc1")), t, p + "mlp.fc2");
            tokens = tokens.add(mlp.mul(t.get(p + "ls2.gamma")));
        }
        NDArray features = norm(tokens, t, "norm").get(":, 0, :");
        NDArray logits = t.containsKey("head.weight") ? linear(features, t, "head") : features;
        logits.attach(m);
        return logits;
    }

    private static NDArray norm(NDArray x, Map<String, NDArray> t, String name) {
        return LayerNorm.layerNorm(
                        x, new Shape(x.getShape().get(2)), t.get(name + ".weight"), t.get(name + ".bias"), 1e-6f)
                .singletonOrThrow();
    }

    private static NDArray linear(NDArray x, Map<String, NDArray> t, String name) {
        return Linear.linear(x, t.get(name + ".weight"), t.get(name + ".bias")).singletonOrThrow();
    }

    @Test
    void bareSafetensorsInferTheArchitectureAndSaySo() throws Exception {
        VitConfig config = explicit(192, 3, false, Preprocessing.timmDefault(64));
        try (NDManager m = NDManager.newBaseManager()) {
            Path folder = folder("bare", VitParameters.random(config, m, 5).tensors(), null);
            assertSameLogits(folder, config, "bare timm checkpoint");
            try (ModelLoader.LoadedModel loaded =
                    ModelLoader.load(folder.resolve("model.safetensors").toString())) {
                String line = loaded.architecture();
                assertTrue(
                        line.contains("img_size 64") && line.contains("depth 2") && line.contains("num_classes 5"),
                        line);
                assertTrue(line.contains("3 heads (timm's convention for width 192)"), line);
                assertTrue(line.contains("timm's default preprocessing"), line);
            }
        }
    }

    @Test
    void headsAWidthHasNoConventionForComeFromAPartialConfig() throws Exception {
        VitConfig config = explicit(96, 2, false, Preprocessing.timmDefault(64));
        try (NDManager m = NDManager.newBaseManager()) {
            Path folder = folder("odd", VitParameters.random(config, m, 6).tensors(), null);
            CheckpointException noHeads =
                    assertThrows(CheckpointException.class, () -> ModelLoader.load(folder.toString()));
            assertTrue(noHeads.getMessage().contains("{\"num_heads\": N}"), noHeads.getMessage());
            Path heads = dir.resolve("heads.json");
            Files.writeString(heads, "{\"num_heads\": 2}");
            try (ModelLoader.LoadedModel loaded = ModelLoader.load(
                    folder.toString(), new ModelLoader.Options(null, heads.toString(), null, Device.cpu()))) {
                assertEquals(config, loaded.model().config());
            }
        }
    }

    @Test
    void squashCropModeResizesBothSides() throws Exception {
        VitConfig config = explicit(
                192,
                3,
                false,
                new Preprocessing(
                        71, 64, Preprocessing.ResizeMode.EXACT, "bicubic", new double[] {0.5, 0.5, 0.5}, new double[] {
                            0.5, 0.5, 0.5
                        }));
        try (NDManager m = NDManager.newBaseManager()) {
            Path folder = folder(
                    "squash",
                    VitParameters.random(config, m, 7).tensors(),
                    hubConfig("vit_tiny_patch16_224", "{\"depth\": 2, \"img_size\": 64}", "")
                            .replace("\"center\"", "\"squash\""));
            assertSameLogits(folder, config, "squash");
        }
    }

    @Test
    void refusesWhatTheViTDoesNotComputeInOneLine() throws Exception {
        VitConfig config = explicit(192, 3, false, HUB_PREPROCESSING);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = VitParameters.random(config, m, 8).tensors();
            Map<String, String> cases = Map.of(
                    hubConfig("vit_base_patch16_clip_224.openai", "{}", ""), "is not a ViT or DeiT this tool reads",
                    hubConfig("vit_tiny_patch16_reg4_gap_224", "{\"depth\": 2}", ""), "pools the patch tokens (_gap)",
                    hubConfig("vit_tiny_patch16_224", "{\"depth\": 2}", "").replace("\"token\"", "\"avg\""),
                            "global_pool 'avg'",
                    hubConfig("vit_tiny_patch16_224", "{\"depth\": 2}", "").replace("\"center\"", "\"border\""),
                            "crop_mode 'border'");
            int i = 0;
            for (Map.Entry<String, String> c : cases.entrySet()) {
                Path folder = folder("refused" + i++, tensors, c.getKey());
                CheckpointException e =
                        assertThrows(CheckpointException.class, () -> ModelLoader.load(folder.toString()));
                assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
                assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
            }
        }
    }
}
