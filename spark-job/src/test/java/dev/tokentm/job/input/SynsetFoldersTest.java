package dev.tokentm.job.input;

import static dev.tokentm.udfs.table.ColumnNames.LABEL;
import static dev.tokentm.udfs.table.ColumnNames.PATH;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageNet-style corpora: {@code LOC_synset_mapping.txt} gives the synsets; synset folders take
 * their index in the model's class order (from the checkpoint or a file), and folders naming no
 * class are listed.
 */
class SynsetFoldersTest {

    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("synset-folders-test")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void synsetMappingFilesGiveTheSynsetsAndPlainListsTheirLines() {
        assertEquals(
                List.of("n01440764", "n01443537"),
                ClassNames.fromLines(
                        List.of("n01440764 tench, Tinca tinca", "", "n01443537 goldfish, Carassius auratus")));
        assertEquals(
                List.of("T-shirt/top", "Ankle boot"), ClassNames.fromLines(List.of(" T-shirt/top", "Ankle boot ", "")));
        assertEquals(List.of("n01440764", "Ankle boot"), ClassNames.fromLines(List.of("n01440764", "Ankle boot")));
    }

    @Test
    void synsetFoldersTakeTheirIndexInTheModelsOrderAndUnknownOnesAreNamed() throws Exception {
        for (String f : List.of("n01443537/a.png", "n01440764/b.png", "n01440764/c.png", "n09999999/d.png")) {
            Path p = tmp.resolve("train").resolve(f);
            Files.createDirectories(p.getParent());
            Files.write(p, new byte[] {1});
        }
        List<String> classes =
                ClassNames.fromLines(List.of("n01440764 tench, Tinca tinca", "n01443537 goldfish, Carassius auratus"));
        InputSpec spec =
                new InputSpec(tmp.resolve("train").toString(), null, "image", "path", "label", "mask_path", null, 0);
        assertEquals(InputFormat.IMAGE_FOLDER, ImageInputs.format(spark, spec));
        var frame = ImageInputs.read(spark, spec, classes);
        Map<String, Integer> labels = new HashMap<>();
        for (Row r : frame.select(PATH, LABEL).collectAsList()) {
            String path = r.getString(0);
            labels.put(path.substring(path.lastIndexOf('/') + 1), r.isNullAt(1) ? null : r.getInt(1));
        }
        Map<String, Integer> expected = new HashMap<>(Map.of("a.png", 1, "b.png", 0, "c.png", 0));
        expected.put("d.png", null);
        assertEquals(expected, labels);
        assertEquals(List.of("n09999999"), ImageInputs.unknownClassFolders(frame, 4));
    }
}
