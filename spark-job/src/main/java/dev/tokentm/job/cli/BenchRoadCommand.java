package dev.tokentm.job.cli;

import dev.tokentm.job.benchmark.RoadBenchmark;
import dev.tokentm.udfs.runtime.DjlRuntime;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench-road}: ROAD's imputation against its authors' computation ({@link RoadBenchmark}). */
@Command(
        name = "bench-road",
        mixinStandardHelpOptions = true,
        description = "ROAD's imputation side by side with the authors' computation (scipy's sparse direct solve,"
                + " bin/road-reference.py) on the same sample images and masks: ms per image and the ratio.")
public final class BenchRoadCommand implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "4", description = "Sample images measured. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--side", defaultValue = "224", description = "Image side in pixels. Default: ${DEFAULT-VALUE}.")
    int side;

    @Option(
            names = "--reference",
            defaultValue = "bin/road-reference.py",
            description = "The reference script (needs python3 with numpy and scipy); 'none' to skip it."
                    + " Default: ${DEFAULT-VALUE}.")
    String reference;

    @Override
    public Integer call() throws Exception {
        DjlRuntime.configure();
        new RoadBenchmark(images, side, reference.equals("none") ? null : Path.of(reference)).run(System.out);
        return 0;
    }
}
