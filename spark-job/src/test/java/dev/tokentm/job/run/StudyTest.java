package dev.tokentm.job.run;

import static dev.tokentm.job.run.ExplainJobTest.imageFolder;
import static dev.tokentm.job.run.ExplainJobTest.run;
import static dev.tokentm.job.run.ExplainJobTest.runFailing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokentm.job.study.StudySection;
import dev.tokentm.udfs.explain.ExplainerRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokentm study}: the sections list canonical specs (Table 7 up to depth − 1), and a study
 * on 8 images (CLI, Spark local mode) writes one table with a row per method in section order,
 * intervals and differences to TokenTM; an unknown section is one line.
 */
class StudyTest {

    @TempDir
    Path tmp;

    @Test
    void sectionsListCanonicalTokenTmSpecsForTheModelsDepth() {
        List<String> all = StudySection.methods(List.of(StudySection.values()), List.of("gae", "tokentm"), 6);
        assertEquals("tokentm", all.get(0), "the reference first");
        assertEquals("gae", all.get(all.size() - 1), "then the baselines, the reference not twice");
        assertEquals(1 + 3 + 3 + 5 + 10 + 1, all.size(), all.toString());
        assertEquals(
                List.of(
                        "tokentm(last-layers=1)",
                        "tokentm(last-layers=2)",
                        "tokentm(last-layers=3)",
                        "tokentm(last-layers=4)",
                        "tokentm(last-layers=5)"),
                StudySection.TABLE7.specs(6),
                "k = depth is the reference itself");
        for (String spec : all) {
            // The table finds each row's section by the method column, which holds canonical specs.
            assertEquals(spec, ExplainerRegistry.canonical(spec));
        }
        assertEquals(
                List.of(StudySection.TABLE7, StudySection.TABLE6),
                StudySection.parseAll(List.of("table7", " table6", "table7")));
        assertEquals(List.of(), StudySection.parseAll(List.of("")), "'' names no section");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> StudySection.parse("tabel6"));
        assertEquals("unknown study section 'tabel6'; known: table6, table6-scaled, table7, readings", e.getMessage());
    }

    @Test
    void aStudyRunsItsSectionsAndWritesOneTableWithIntervalsAndDifferences() throws Exception {
        Path root = imageFolder(tmp.resolve("corpus"), 8);
        Path out = tmp.resolve("study");
        String printed = run(
                "study",
                "--input",
                root.resolve("images").toString(),
                "--masks",
                root.resolve("masks").toString(),
                "--output",
                out.toString(),
                "--sections",
                "table6",
                "--methods",
                "gae",
                "--protocols",
                "zero",
                "--bootstrap",
                "100",
                "--master",
                "local[2]",
                "--no-report");
        assertTrue(
                printed.contains("tokentm study: 5 methods: tokentm, tokentm(length=off), tokentm(necc=off), "
                        + "tokentm(aggregation=sum), gae"),
                printed);
        String table = Files.readString(out.resolve("study.md"));
        assertTrue(printed.contains(table), "the table is printed too");
        List<String> lines = table.lines().filter(l -> l.startsWith("|")).toList();
        assertEquals(2 + 5, lines.size(), table);
        int columns = lines.get(0).split("\\|", -1).length;
        for (String line : lines) {
            assertEquals(columns, line.split("\\|", -1).length, "ragged row: " + line);
        }
        assertTrue(lines.get(0).contains("SRG ^") && lines.get(0).contains("Δ SRG vs tokentm"), lines.get(0));
        assertTrue(lines.get(0).contains("mIoU"), "masks were given: " + lines.get(0));
        assertTrue(lines.get(2).startsWith("| our reading of the paper | `tokentm` | 8 |"), lines.get(2));
        assertTrue(lines.get(3).startsWith("| Table 6: ablations | `tokentm(length=off)` | 8 |"), lines.get(3));
        assertTrue(lines.get(6).startsWith("| baselines | `gae` | 8 |"), lines.get(6));
        assertTrue(lines.get(6).matches(".*\\| [+-]\\d\\.\\d{3}\\*? \\|$"), "a difference to tokentm: " + lines.get(6));
        assertTrue(lines.get(2).contains("±"), "values with intervals: " + lines.get(2));

        String error = runFailing(
                "study", "--input", root.toString(), "--output", out.toString(), "--sections", "table6,tabel7");
        assertEquals(
                "tokentm study: unknown study section 'tabel7'; known: table6, table6-scaled, table7, readings",
                error.strip());
    }
}
