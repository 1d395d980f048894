package dev.tokentm.job.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.udfs.table.ImageTable;
import dev.tokentm.udfs.table.OutputColumn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The column tables are the one definition of the outputs: {@code docs/columns.md} shows them as
 * the code makes them ({@code bin/tokentm columns}); column names are unique; an error row holds
 * its identity and reason and nothing else.
 */
class OutputTablesTest {

    private static final Path COLUMNS = Path.of(System.getProperty("tokentm.repo.dir", "."), "docs", "columns.md");

    @Test
    void theColumnReferenceShowsEveryOutputColumnAsTheCodeDefinesIt() throws Exception {
        assertEquals(
                OutputTables.document(),
                Files.readString(COLUMNS),
                "docs/columns.md differs from the code's tables; make it with `bin/tokentm columns > docs/columns.md`");
        for (String table : OutputTables.markdown().keySet()) {
            assertTrue(OutputTables.document().contains(OutputTables.markdown().get(table)), table);
        }
    }

    @Test
    void columnNamesAreUniqueAndTheSchemaFollowsTheTable() {
        for (List<? extends OutputColumn<?>> columns : List.of(ImageTable.COLUMNS, MetricsTable.outputColumns())) {
            Set<String> names = new HashSet<>();
            columns.forEach(c -> assertTrue(names.add(c.name()), "duplicate column " + c.name()));
        }
        assertEquals(ImageTable.COLUMNS.size(), ImageTable.schema().size());
        for (int i = 0; i < ImageTable.COLUMNS.size(); i++) {
            assertEquals(ImageTable.COLUMNS.get(i).field(), ImageTable.schema().fields()[i]);
        }
        assertEquals(MetricsTable.COLUMNS.size(), MetricsTable.schema().size());
    }

    @Test
    void anErrorRowHasItsIdentityAndReasonAndNothingElse() {
        Row row = ImageTable.error(new ImageTable.Source("id-1", "a/b.png", 3), "cannot decode");
        assertEquals(ImageTable.schema().size(), row.size());
        for (int i = 0; i < row.size(); i++) {
            String name = ImageTable.COLUMNS.get(i).name();
            switch (name) {
                case "image_id" -> assertEquals("id-1", row.get(i));
                case "path" -> assertEquals("a/b.png", row.get(i));
                case "label" -> assertEquals(3, row.get(i));
                case "error" -> assertEquals("cannot decode", row.get(i));
                default -> assertNull(row.get(i), name);
            }
        }
    }

    @Test
    void theDatasetTableShowsOnlyDirectedMetrics() {
        for (MetricsTable.MetricColumn c : MetricsTable.COLUMNS) {
            assertEquals(c.heading() != null, c.better() != null, c.name());
        }
        List<String> labels = MetricsTable.shown().stream()
                .map(MetricsTable.MetricColumn::label)
                .toList();
        assertEquals(
                List.of(
                        "AUC+",
                        "AUC-",
                        "SRG",
                        "AOPC",
                        "LOdds",
                        "Del",
                        "ROAD MoRF",
                        "ROAD LeRF",
                        "ROAD SRG",
                        "blur MoRF",
                        "blur LeRF",
                        "blur SRG",
                        "Ins",
                        "pixAcc",
                        "mIoU",
                        "mAP"),
                labels);
        assertEquals(labels.size(), new java.util.HashSet<>(labels).size(), "labels tell metrics apart");
    }
}
