package dev.tokentm.job.cli;

import dev.tokentm.job.dataset.ClutterSettings;
import dev.tokentm.job.dataset.ClutteredFashionMnist;
import dev.tokentm.job.dataset.ClutteredSample;
import dev.tokentm.job.dataset.DatasetWriter;
import dev.tokentm.job.dataset.FashionMnist;
import dev.tokentm.job.dataset.Shortcut;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes a cluttered Fashion-MNIST set: ImageFolder PNGs, masks and a manifest. */
@Command(
        name = "make-data",
        mixinStandardHelpOptions = true,
        description = "Write cluttered Fashion-MNIST images, object masks and a manifest (deterministic by seed).")
public final class MakeDataCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(
            names = "--split",
            defaultValue = "test",
            description = "Fashion-MNIST split: train or test. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(
            names = "--count",
            defaultValue = "1000",
            description = "Images to write (the first garments of the split). Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(
            names = "--seed",
            defaultValue = "" + ClutteredFashionMnist.TEST_SEED,
            description = "Generator seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    FashionMnistOption fashionMnist;

    @Mixin
    ShortcutOption shortcut;

    @Override
    public Integer call() throws Exception {
        FashionMnist source =
                switch (split) {
                    case "train" -> fashionMnist.train();
                    case "test" -> fashionMnist.test();
                    default -> throw new IllegalArgumentException("--split must be train or test, got '" + split + "'");
                };
        if (count < 1 || count > source.size()) {
            throw new IllegalArgumentException("--count must be within 1.." + source.size() + ", got " + count);
        }
        Optional<Shortcut> planted = shortcut.parsed();
        ClutteredFashionMnist generator = new ClutteredFashionMnist(source, ClutterSettings.defaults(), planted);
        List<ClutteredSample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            samples.add(generator.generate(i, seed));
        }
        DatasetWriter.write(out, samples, FashionMnist.CLASS_NAMES, planted.isPresent());
        long marked = samples.stream().filter(ClutteredSample::marked).count();
        System.out.println("wrote " + count + " images, masks and manifest.csv to " + out
                + (planted.isPresent() ? " (" + marked + " marked: " + shortcut.spec + ")" : ""));
        return 0;
    }
}
