package dev.tokentm.udfs.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tokentm.udfs.checkpoint.ModelLoader;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import dev.tokentm.udfs.image.ImageDecoder;
import dev.tokentm.udfs.image.ImageLimits;
import dev.tokentm.udfs.image.InputTransform;
import dev.tokentm.udfs.io.StorageUnavailableException;
import dev.tokentm.udfs.metrics.Curve;
import dev.tokentm.udfs.metrics.FaithfulnessEvaluator;
import dev.tokentm.udfs.metrics.ImageFacts;
import dev.tokentm.udfs.metrics.ImageResult;
import dev.tokentm.udfs.metrics.ObjectMask;
import dev.tokentm.udfs.metrics.PerturbationProtocol;
import dev.tokentm.udfs.metrics.Protocol;
import dev.tokentm.udfs.metrics.TargetMode;
import dev.tokentm.udfs.random.Seeds;
import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.SanityTable;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Transformer in Spark local mode: the rows for an image equal the in-memory evaluation of it
 * (heatmap, prediction, AOPC, deletion, ROAD's curve with the same seed, AP); odd and bad inputs
 * in one DataFrame give result rows or error rows, never a failed task, while a store that cannot
 * be reached (a test file system that refuses connections) fails the task instead of marking the
 * image failed; one model per executor JVM; bad columns and options fail on the driver; a pipeline
 * holding it is saved, loaded and gives the same rows; GPU addresses are checked against the GPUs
 * PyTorch sees.
 */
class VitExplainerTest {

    private static final Path SAMPLE = Path.of(System.getProperty("tokentm.repo.dir", "."), "data", "sample");
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("vit-explainer-test")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static StructType inputSchema() {
        return new StructType()
                .add("image_id", DataTypes.StringType, false)
                .add("path", DataTypes.StringType, true)
                .add("label", DataTypes.IntegerType, true)
                .add("mask_path", DataTypes.StringType, true)
                .add("content", DataTypes.BinaryType, true);
    }

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @Test
    void explainsGoodImagesAndTurnsBadOnesIntoErrorRows() throws Exception {
        List<String> lines = Files.readAllLines(SAMPLE.resolve("manifest.csv"));
        List<Row> rows = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        for (int i = 1; i <= 3; i++) { // read from the path, with a mask
            String[] cells = lines.get(i).split(",");
            String id = "good-" + i;
            labels.put(id, Integer.parseInt(cells[1]));
            rows.add(RowFactory.create(
                    id,
                    SAMPLE.resolve(cells[0]).toString(),
                    Integer.parseInt(cells[1]),
                    SAMPLE.resolve(cells[2]).toString(),
                    null));
        }
        // From bytes, no label, odd formats: 16-bit grey at another size, and RGBA.
        BufferedImage grey16 = new BufferedImage(90, 70, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setSample(40, 30, 0, 60000);
        rows.add(RowFactory.create("grey16", null, null, null, png(grey16)));
        BufferedImage rgba = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(10, 10, 0x80FF0000);
        rows.add(RowFactory.create("rgba", null, null, null, png(rgba)));
        rows.add(RowFactory.create("empty", null, null, null, new byte[0]));
        rows.add(RowFactory.create("garbage", null, 1, null, "not an image".getBytes()));
        rows.add(RowFactory.create("missing", "/no/such/file.png", 1, null, null));
        rows.add(RowFactory.create("bad-label", null, 42, null, png(rgba)));
        Dataset<Row> input = spark.createDataFrame(rows, inputSchema()).repartition(2);

        List<String> methods = List.of("tokentm", "rollout");
        List<Row> out = new VitExplainer()
                .setMethods(methods.toArray(new String[0]))
                .setTargets("predicted", "label")
                .setBatchSize(2)
                .transform(input)
                .collectAsList();

        Map<String, String> errors = new HashMap<>();
        Map<String, Integer> results = new HashMap<>();
        for (Row r : out) {
            String id = r.getAs("image_id");
            if (r.getAs("error") != null) {
                errors.put(id, r.getAs("error"));
                assertNull(r.getAs("method"));
            } else {
                results.merge(id, 1, Integer::sum);
                assertEquals(64, r.<scala.collection.Seq<?>>getAs("heatmap").size());
                assertEquals(8, (int) r.<Integer>getAs("heatmap_height"));
            }
        }
        assertEquals(Map.of("good-1", 4, "good-2", 4, "good-3", 4, "grey16", 4, "rgba", 4), results);
        assertEquals(4, errors.size(), errors.toString());
        assertTrue(errors.get("empty").contains("empty file"), errors.get("empty"));
        assertTrue(errors.get("garbage").contains("not a known image format"), errors.get("garbage"));
        assertTrue(errors.get("missing").contains("cannot read image"), errors.get("missing"));
        assertTrue(errors.get("bad-label").contains("outside the model's 10 classes"), errors.get("bad-label"));
        for (Row r : out) {
            if ("good-1".equals(r.getAs("image_id"))) {
                assertNotNull(r.getAs("seg_ap"), "masked image has segmentation results");
            }
            if ("grey16".equals(r.getAs("image_id"))) {
                assertNull(r.getAs("seg_ap"));
                assertNull(r.getAs("positive_auc"), "no label, no per-image accuracy");
            }
        }
    }

    @Test
    void rowsEqualTheInMemoryEvaluationOfTheSameImages() throws Exception {
        String[] cells =
                Files.readAllLines(SAMPLE.resolve("manifest.csv")).get(5).split(",");
        Path image = SAMPLE.resolve(cells[0]);
        Path mask = SAMPLE.resolve(cells[2]);
        int label = Integer.parseInt(cells[1]);
        Dataset<Row> input = spark.createDataFrame(
                List.of(RowFactory.create("one", image.toString(), label, mask.toString(), null)), inputSchema());
        Row row = new VitExplainer()
                .setMethods("tokentm")
                .setTargets("predicted")
                .setProtocols("zero", "road")
                .setSeed(5)
                .transform(input)
                .collectAsList()
                .get(0);

        ExplainSettings settings = ExplainSettings.defaults();
        ModelLoader.LoadedModel model = ExecutorModels.get(settings, Device.cpu());
        InputTransform transform = new InputTransform(model.model().config().preprocessing());
        ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());
        float[] pixels = transform.image(decoder.decode(Files.readAllBytes(image)));
        boolean[] fg = transform.mask(decoder.decode(Files.readAllBytes(mask)));
        ImageResult expected;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = manager.create(pixels, new Shape(1, 3, 64, 64));
            expected = new FaithfulnessEvaluator(
                            PerturbationProtocol.published(), java.util.EnumSet.of(Protocol.ZERO, Protocol.ROAD))
                    .evaluate(
                            model.model(),
                            batch,
                            List.of(new ImageFacts(label, new ObjectMask(fg, 64, 64), Seeds.mix(5, Seeds.of("one")))),
                            List.of(ExplainerRegistry.get("tokentm")),
                            TargetMode.PREDICTED)
                    .get(0);
        }
        List<Float> heatmap =
                scala.jdk.javaapi.CollectionConverters.asJava(row.<scala.collection.Seq<Float>>getAs("heatmap"));
        float[] actual = new float[heatmap.size()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = heatmap.get(i);
        }
        assertArrayEquals(expected.heatmap(), actual, 1e-6f);
        assertEquals(expected.predicted(), (int) row.<Integer>getAs("predicted"));
        assertEquals(expected.curve(Curve.POSITIVE).aopc(), row.<Double>getAs("aopc"), 1e-9);
        assertEquals(expected.curve(Curve.DELETION).probabilityArea(), row.<Double>getAs("deletion_auc"), 1e-9);
        // ROAD's noise is seeded by the run's seed and the image's id: the same imputed images.
        float[] roadExpected = expected.curve(Curve.ROAD_MORF).explainedProbability();
        List<Float> roadActual = scala.jdk.javaapi.CollectionConverters.asJava(
                row.<scala.collection.Seq<Float>>getAs("road_morf_explained_probability"));
        for (int k = 0; k < roadExpected.length; k++) {
            assertEquals(roadExpected[k], roadActual.get(k), 1e-6f, "ROAD step " + k);
        }
        assertEquals(expected.curve(Curve.ROAD_LERF).accuracyArea(), row.<Double>getAs("road_lerf_auc"), 1e-9);
        assertEquals(expected.segmentation().averagePrecision(), row.<Double>getAs("seg_ap"), 1e-9);
        assertEquals(1, ExecutorModels.loadedCount(), "one model per executor JVM, shared by every task");
    }

    /**
     * A missing file is the image's fault (an error row); a store that cannot be reached fails the task,
     * so an outage never marks images as failed (a resume would skip them as done).
     */
    @Test
    void anUnreachableStoreFailsTheTaskWhileAMissingFileIsAnErrorRow() {
        Dataset<Row> missing = spark.createDataFrame(
                List.of(RowFactory.create("gone", "downfs:///bucket/missing.png", 1, null, null)), inputSchema());
        List<Row> rows = new VitExplainer()
                .setMethods("raw-attention")
                .transform(missing)
                .collectAsList();
        assertEquals(1, rows.size());
        assertTrue(rows.get(0).<String>getAs("error").startsWith("cannot read image"), rows.toString());

        Dataset<Row> down = spark.createDataFrame(
                List.of(RowFactory.create("down", "downfs:///bucket/a.png", 1, null, null)), inputSchema());
        Exception e = assertThrows(Exception.class, () -> new VitExplainer()
                .setMethods("raw-attention")
                .transform(down)
                .collectAsList());
        Throwable t = e;
        while (t != null && !(t instanceof StorageUnavailableException)) {
            t = t.getCause();
        }
        assertTrue(t != null, "a StorageUnavailableException in the chain: " + e);
        assertTrue(t.getMessage().startsWith("cannot reach the store of downfs:///bucket/a.png"), t.getMessage());
    }

    @Test
    void badOptionsAndColumnsFailOnTheDriver() {
        StructType noImage = new StructType().add("label", DataTypes.IntegerType);
        IllegalArgumentException columns =
                assertThrows(IllegalArgumentException.class, () -> new VitExplainer().transformSchema(noImage));
        assertTrue(
                columns.getMessage().contains("image bytes column 'content' or a path column 'path'"),
                columns.getMessage());
        StructType wrongType = inputSchema().add("x", DataTypes.StringType);
        assertThrows(
                IllegalArgumentException.class,
                () -> new VitExplainer().setLabelCol("path").transformSchema(wrongType));
        IllegalArgumentException method = assertThrows(
                IllegalArgumentException.class,
                () -> new VitExplainer().setMethods("tokentn").settings());
        assertTrue(method.getMessage().contains("tokentm"), method.getMessage());
        assertEquals(ImageTable.schema(), new VitExplainer().transformSchema(inputSchema()));
    }

    /**
     * Spark ML persistence: a pipeline holding the explainer (and one holding its sanity check) is saved
     * and loaded with every parameter, and the loaded pipeline's model gives the same rows.
     */
    @Test
    void aPipelineWithTheExplainerIsSavedLoadedAndGivesTheSameRows(@TempDir Path dir) throws Exception {
        List<String> lines = Files.readAllLines(SAMPLE.resolve("manifest.csv"));
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String[] cells = lines.get(i).split(",");
            rows.add(RowFactory.create(
                    "image-" + i,
                    SAMPLE.resolve(cells[0]).toString(),
                    Integer.parseInt(cells[1]),
                    SAMPLE.resolve(cells[2]).toString(),
                    null));
        }
        Dataset<Row> input = spark.createDataFrame(rows, inputSchema());
        VitExplainer explainer = new VitExplainer()
                .setMethods("raw-attention", "bt-h(steps=4)")
                .setTargets("label")
                .setProtocols("zero", "blur")
                .setBatchSize(2)
                .setSeed(3);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {explainer});
        pipeline.write().overwrite().save(dir.resolve("pipeline").toString());
        Pipeline loaded = Pipeline.load(dir.resolve("pipeline").toString());
        VitExplainer back = (VitExplainer) loaded.getStages()[0];
        assertEquals(explainer.uid(), back.uid());
        assertEquals(explainer.settings(), back.settings());
        assertArrayEquals(new String[] {"raw-attention", "bt-h(steps=4)"}, back.getMethods());
        assertArrayEquals(new String[] {"zero", "blur"}, back.getProtocols());
        assertEquals(3, back.getSeed());

        PipelineModel fitted = pipeline.fit(input);
        fitted.write().overwrite().save(dir.resolve("model").toString());
        PipelineModel reloaded = PipelineModel.load(dir.resolve("model").toString());
        List<Row> expected = withoutTimes(fitted.transform(input));
        List<Row> actual = withoutTimes(reloaded.transform(input));
        assertEquals(6, expected.size());
        assertEquals(expected, actual);

        VitSanityCheck check = explainer.sanityCheck();
        check.write().overwrite().save(dir.resolve("sanity").toString());
        VitSanityCheck checkBack = VitSanityCheck.load(dir.resolve("sanity").toString());
        assertEquals(check.settings(), checkBack.settings());
        assertArrayEquals(explainer.getMethods(), checkBack.getMethods());
        assertEquals(SanityTable.schema(), checkBack.transformSchema(inputSchema()));
    }

    /** Rows in id, method, target order without the column of times, which differ between runs. */
    private static List<Row> withoutTimes(Dataset<Row> rows) {
        return rows.drop(ImageTable.SECONDS.name())
                .orderBy(ImageTable.IMAGE_ID.col(), ImageTable.METHOD.col(), ImageTable.TARGET.col())
                .collectAsList();
    }

    @Test
    void gpuAddressesAreCheckedAgainstWhatPyTorchSees() {
        assertEquals(Device.gpu(1), TaskDevices.gpu("1", 2));
        IllegalStateException cpuBuild = assertThrows(IllegalStateException.class, () -> TaskDevices.gpu("0", 0));
        assertTrue(cpuBuild.getMessage().contains("-Pgpu"), cpuBuild.getMessage());
        assertThrows(IllegalStateException.class, () -> TaskDevices.gpu("GPU-abc", 1));
        assertEquals(Device.cpu(), TaskDevices.forTask(null));
    }
}
