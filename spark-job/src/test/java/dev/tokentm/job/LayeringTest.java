package dev.tokentm.job;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Both modules' packages are layers, each using only those below it (the bytecode's dependencies,
 * not only imports): no arrow points back up. The executors' side ({@code udfs}) from runtime, random
 * numbers and storage at the bottom through the model, images, checkpoints, explainers, metrics and
 * tables to Spark on top; the driver ({@code spark-job}) from aggregation and inputs through the data
 * and training tools, the output directory, the job, the study, the report and the benchmarks to the
 * command line.
 */
class LayeringTest {

    @Test
    void theExecutorsPackagesUseOnlyTheLayersBelowThem() {
        check(
                "dev.tokentm.udfs",
                List.of(
                        "runtime",
                        "random",
                        "io",
                        "model",
                        "image",
                        "checkpoint",
                        "amortized",
                        "explain",
                        "metrics",
                        "audit",
                        "table",
                        "spark"));
    }

    @Test
    void theDriversPackagesUseOnlyTheLayersBelowThem() {
        check(
                "dev.tokentm.job",
                List.of(
                        "aggregate",
                        "input",
                        "dataset",
                        "training",
                        "audit",
                        "output",
                        "run",
                        "study",
                        "report",
                        "benchmark",
                        "sql",
                        "cli"));
    }

    /** Layer i, of {@code layers} from bottom to top, may be used by the layers above it only. */
    private static void check(String root, List<String> layers) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(root);
        Architectures.LayeredArchitecture rule =
                Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String layer : layers) {
            rule = rule.layer(layer).definedBy(root + "." + layer + "..");
        }
        for (int i = 0; i < layers.size() - 1; i++) {
            rule = rule.whereLayer(layers.get(i))
                    .mayOnlyBeAccessedByLayers(
                            layers.subList(i + 1, layers.size()).toArray(String[]::new));
        }
        rule.whereLayer(layers.get(layers.size() - 1))
                .mayNotBeAccessedByAnyLayer()
                .check(classes);
    }
}
