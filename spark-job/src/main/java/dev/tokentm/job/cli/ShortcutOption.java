package dev.tokentm.job.cli;

import dev.tokentm.job.dataset.FashionMnist;
import dev.tokentm.job.dataset.Shortcut;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --shortcut} option of {@code make-data} and {@code train} (a picocli mixin). */
public final class ShortcutOption {

    @Option(
            names = "--shortcut",
            paramLabel = "SPEC",
            description = "Plant a shortcut: 'class=<name>,mark=<square|stripe|text>,corner=<top-left|top-right|"
                    + "bottom-left|bottom-right>,rate=<0..1>' puts a small white mark in that corner of that share of "
                    + "the class's images (training and test alike).")
    String spec;

    Optional<Shortcut> parsed() {
        return spec == null ? Optional.empty() : Optional.of(Shortcut.parse(spec, FashionMnist.CLASS_NAMES));
    }
}
