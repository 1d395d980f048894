package dev.tokentm.job.cli;

import dev.tokentm.job.dataset.FashionMnist;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --fashion-mnist DIR} option shared by the commands that read Fashion-MNIST (a picocli mixin). */
public final class FashionMnistOption {

    @Option(
            names = "--fashion-mnist",
            description = "Directory of the Fashion-MNIST IDX files (default: Debian's, "
                    + "/usr/share/datasets/fashion-mnist).")
    Path dir = FashionMnist.DEFAULT_DIR;

    public FashionMnist train() throws IOException {
        return FashionMnist.train(dir);
    }

    public FashionMnist test() throws IOException {
        return FashionMnist.test(dir);
    }
}
