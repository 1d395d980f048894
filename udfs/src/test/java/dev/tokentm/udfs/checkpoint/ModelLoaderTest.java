package dev.tokentm.udfs.checkpoint;

import static dev.tokentm.udfs.testing.Compare.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.model.VisionTransformer;
import dev.tokentm.udfs.model.VitConfig;
import dev.tokentm.udfs.model.VitParameters;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
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
 * Checkpoints: timm, DeiT and Hugging Face naming, every way of giving the architecture, one error
 * listing every bad tensor, pickles refused (and a folder holding only a hub pickle), Hadoop
 * paths.
 */
class ModelLoaderTest {

    private static final VitConfig CONFIG = VitConfig.builder()
            .imageSize(32)
            .patchSize(8)
            .embedDim(48)
            .depth(3)
            .numHeads(3)
            .numClasses(4)
            .build();
    private static final List<String> NAMES = List.of("cat", "dog", "bird", "fish");

    private static NDManager manager;
    private static VisionTransformer original;
    private static NDArray images;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        original = VisionTransformer.random(CONFIG, 42);
        Random r = new Random(1);
        float[] pixels = new float[2 * 3 * 32 * 32];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
        images = manager.create(pixels, new Shape(2, 3, 32, 32));
    }

    @AfterAll
    static void tearDown() {
        original.close();
        manager.close();
    }

    private Path writeTimm(String name, Map<String, NDArray> tensors, Map<String, String> metadata) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, Safetensors.write(tensors, metadata));
        return file;
    }

    private static Map<String, NDArray> timmTensors() {
        return new LinkedHashMap<>(original.parameters().tensors());
    }

    @Test
    void roundTripsThroughSafetensorsWithMetadata() throws Exception {
        Path file = writeTimm("model.safetensors", timmTensors(), TimmMetadata.fromConfig(CONFIG, NAMES));
        try (ModelLoader.LoadedModel loaded = ModelLoader.load(file.toString())) {
            assertEquals(CONFIG, loaded.model().config());
            assertEquals(NAMES, loaded.classNames());
            assertClose(loaded.model().logits(images), original.logits(images), 1e-6, "reloaded logits");
        }
    }

    @Test
    void loadsHuggingFaceNamingWithItsConfigJson() throws Exception {
        Map<String, NDArray> hf = new LinkedHashMap<>();
        Map<String, NDArray> t = timmTensors();
        hf.put("vit.embeddings.cls_token", t.get("cls_token"));
        hf.put("vit.embeddings.position_embeddings", t.get("pos_embed"));
        hf.put("vit.embeddings.patch_embeddings.projection.weight", t.get("patch_embed.proj.weight"));
        hf.put("vit.embeddings.patch_embeddings.projection.bias", t.get("patch_embed.proj.bias"));
        for (int i = 0; i < CONFIG.depth(); i++) {
            String p = "blocks." + i + ".";
            String h = "vit.encoder.layer." + i + ".";
            NDArray qkvW = t.get(p + "attn.qkv.weight");
            NDArray qkvB = t.get(p + "attn.qkv.bias");
            String[] parts = {"query", "key", "value"};
            for (int k = 0; k < 3; k++) {
                String rows = (k * 48) + ":" + ((k + 1) * 48);
                hf.put(
                        h + "attention.attention." + parts[k] + ".weight",
                        qkvW.get(rows).duplicate());
                hf.put(
                        h + "attention.attention." + parts[k] + ".bias",
                        qkvB.get(rows).duplicate());
            }
            hf.put(h + "attention.output.dense.weight", t.get(p + "attn.proj.weight"));
            hf.put(h + "attention.output.dense.bias", t.get(p + "attn.proj.bias"));
            hf.put(h + "intermediate.dense.weight", t.get(p + "mlp.fc1.weight"));
            hf.put(h + "intermediate.dense.bias", t.get(p + "mlp.fc1.bias"));
            hf.put(h + "output.dense.weight", t.get(p + "mlp.fc2.weight"));
            hf.put(h + "output.dense.bias", t.get(p + "mlp.fc2.bias"));
            hf.put(h + "layernorm_before.weight", t.get(p + "norm1.weight"));
            hf.put(h + "layernorm_before.bias", t.get(p + "norm1.bias"));
            hf.put(h + "layernorm_after.weight", t.get(p + "norm2.weight"));
            hf.put(h + "layernorm_after.bias", t.get(p + "norm2.bias"));
        }
        hf.put("vit.layernorm.weight", t.get("norm.weight"));
        hf.put("vit.layernorm.bias", t.get("norm.bias"));
        hf.put("classifier.weight", t.get("head.weight"));
        hf.put("classifier.bias", t.get("head.bias"));
        Path file = writeTimm("model.safetensors", hf, Map.of());
        Files.writeString(
                dir.resolve("config.json"),
                """
                {"model_type": "vit", "architectures": ["ViTForImageClassification"], "hidden_size": 48,
                 "num_hidden_layers": 3, "num_attention_heads": 3, "intermediate_size": 192, "image_size": 32,
                 "patch_size": 8, "num_channels": 3, "qkv_bias": true, "layer_norm_eps": 1e-6, "hidden_act": "gelu",
                 "id2label": {"0": "cat", "1": "dog", "2": "bird", "3": "fish"}}
                """);
        try (ModelLoader.LoadedModel loaded = ModelLoader.load(dir.toString())) { // the folder, as the hub has it
            assertEquals(NAMES, loaded.classNames());
            assertEquals(0.5, loaded.model().config().preprocessing().mean()[0]);
            assertClose(loaded.model().logits(images), original.logits(images), 1e-6, "Hugging Face logits");
        }
    }

    @Test
    void deitDistillationTokenAndHeadAreLoaded() throws Exception {
        VitConfig deit = VitConfig.builder()
                .imageSize(32)
                .patchSize(8)
                .embedDim(48)
                .depth(2)
                .numHeads(3)
                .numClasses(4)
                .distillationToken(true)
                .preprocessing(CONFIG.preprocessing())
                .build();
        try (NDManager m = NDManager.newBaseManager()) {
            VitParameters params = VitParameters.random(deit, m, 5);
            Path file = writeTimm("deit.safetensors", params.tensors(), TimmMetadata.fromConfig(deit, null));
            try (ModelLoader.LoadedModel loaded = ModelLoader.load(file.toString())) {
                assertTrue(loaded.model().config().distillationToken());
                assertEquals(18, loaded.model().config().numTokens());
                assertEquals(new Shape(2, 4), loaded.model().logits(images).getShape());
            }
        }
    }

    @Test
    void listsEveryMissingUnexpectedAndMisshapenTensorInOneError() throws Exception {
        Map<String, NDArray> t = timmTensors();
        t.remove("blocks.1.mlp.fc2.bias");
        t.put("fc_norm.weight", manager.zeros(new Shape(48)));
        t.put("head.weight", manager.zeros(new Shape(5, 48)));
        Path file = writeTimm("broken.safetensors", t, TimmMetadata.fromConfig(CONFIG, null));
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelLoader.load(file.toString()));
        String m = e.getMessage();
        assertTrue(m.contains("missing: blocks.1.mlp.fc2.bias (48)"), m);
        assertTrue(m.contains("unexpected: fc_norm.weight (48)"), m);
        assertTrue(m.contains("wrong shape: head.weight is (5, 48), expected (4, 48)"), m);
    }

    @Test
    void refusesPickleCheckpointsByNameAndByContent() throws Exception {
        Path pth = dir.resolve("model.pth");
        Files.write(pth, new byte[] {(byte) 0x80, 2, 'c', 'o'});
        CheckpointException byName = assertThrows(CheckpointException.class, () -> ModelLoader.load(pth.toString()));
        assertTrue(byName.getMessage().contains("arbitrary code"), byName.getMessage());
        assertTrue(byName.getMessage().contains("save_file"), byName.getMessage());
        Path disguised = dir.resolve("model.safetensors");
        Files.write(disguised, new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0});
        CheckpointException byContent =
                assertThrows(CheckpointException.class, () -> ModelLoader.load(disguised.toString()));
        assertTrue(byContent.getMessage().contains("pickle"), byContent.getMessage());
        Path hubFolder = Files.createDirectories(dir.resolve("hub-pickle-only"));
        Files.write(hubFolder.resolve("pytorch_model.bin"), new byte[] {'P', 'K', 3, 4});
        CheckpointException inFolder =
                assertThrows(CheckpointException.class, () -> ModelLoader.load(hubFolder.toString()));
        assertTrue(
                inFolder.getMessage().contains("pytorch_model.bin looks like a PyTorch pickle"), inFolder.getMessage());
        assertTrue(inFolder.getMessage().contains("save_file"), inFolder.getMessage());
    }

    @Test
    void explainsMissingFilesAndMissingArchitecture() throws Exception {
        CheckpointException none = assertThrows(
                CheckpointException.class,
                () -> ModelLoader.load(dir.resolve("nothing.safetensors").toString()));
        assertTrue(none.getMessage().contains("No model file"), none.getMessage());
        Path bare = writeTimm("bare.safetensors", timmTensors(), Map.of());
        CheckpointException noHeads = assertThrows(CheckpointException.class, () -> ModelLoader.load(bare.toString()));
        assertTrue(noHeads.getMessage().contains("width 48 has no timm convention"), noHeads.getMessage());
        Path garbage = dir.resolve("garbage.safetensors");
        Files.writeString(garbage, "this is not a checkpoint at all");
        CheckpointException bad = assertThrows(CheckpointException.class, () -> ModelLoader.load(garbage.toString()));
        assertTrue(bad.getMessage().contains("not a safetensors file"), bad.getMessage());
    }

    @Test
    void architectureFromAnExplicitSidecarOrConfigWins() throws Exception {
        Path bare = writeTimm("bare.safetensors", timmTensors(), Map.of());
        Path sidecar = dir.resolve("arch.json");
        Files.writeString(
                sidecar,
                """
                {"img_size": 32, "patch_size": 8, "embed_dim": 48, "depth": 3, "num_heads": 3, "num_classes": 4,
                 "class_names": ["cat", "dog", "bird", "fish"]}
                """,
                StandardCharsets.UTF_8);
        try (ModelLoader.LoadedModel fromSidecar = ModelLoader.load(
                bare.toString(), new ModelLoader.Options(null, sidecar.toString(), null, ai.djl.Device.cpu()))) {
            assertEquals(NAMES, fromSidecar.classNames());
            assertClose(fromSidecar.model().logits(images), original.logits(images), 1e-6, "sidecar logits");
        }
        try (ModelLoader.LoadedModel explicit = ModelLoader.load(
                bare.toString(),
                new ModelLoader.Options(CONFIG, null, List.of("a", "b", "c", "d"), ai.djl.Device.cpu()))) {
            assertEquals(List.of("a", "b", "c", "d"), explicit.classNames());
        }
        CheckpointException wrongNames = assertThrows(
                CheckpointException.class,
                () -> ModelLoader.load(
                        bare.toString(), new ModelLoader.Options(CONFIG, null, List.of("a"), ai.djl.Device.cpu())));
        assertTrue(wrongNames.getMessage().contains("4 classes but 1 class names"), wrongNames.getMessage());
    }

    @Test
    void loadsFromTheClasspathAndThroughHadoopFileSystems() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.write(
                models.resolve("tiny.safetensors"),
                Safetensors.write(timmTensors(), TimmMetadata.fromConfig(CONFIG, NAMES)));
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader jar = new URLClassLoader(new URL[] {dir.toUri().toURL()}, previous)) {
            Thread.currentThread().setContextClassLoader(jar);
            try (ModelLoader.LoadedModel loaded = ModelLoader.load("classpath:models/tiny.safetensors")) {
                assertClose(loaded.model().logits(images), original.logits(images), 1e-6, "classpath logits");
            }
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        String hadoopUri = "loopfs://" + models.resolve("tiny.safetensors").toAbsolutePath();
        try (ModelLoader.LoadedModel loaded = ModelLoader.load(hadoopUri)) {
            assertEquals(NAMES, loaded.classNames());
            assertClose(loaded.model().logits(images), original.logits(images), 1e-6, "Hadoop FileSystem logits");
        }
        CheckpointException missing = assertThrows(
                CheckpointException.class,
                () -> ModelLoader.load("loopfs://" + dir.toAbsolutePath() + "/absent.safetensors"));
        assertTrue(missing.getMessage().contains("No model file"), missing.getMessage());
    }
}
