package dev.tokentm.job.benchmark;

import dev.tokentm.job.input.CommittedSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A corpus of any size made from the committed sample: its rows repeated under distinct ids. */
public final class RepeatedSample {

    private RepeatedSample() {}

    /** The committed sample's manifest. */
    public static Path committedSample() {
        return CommittedSample.manifest();
    }

    /** Writes {@code count} manifest rows cycling through the sample's, paths made absolute. */
    public static Path manifest(Path sample, Path target, int count) throws IOException {
        List<String> lines = Files.readAllLines(sample);
        Path base = sample.getParent();
        List<String> rows = new ArrayList<>();
        rows.add("image_id,path,label,mask_path");
        for (int i = 0; i < count; i++) {
            String[] cells = lines.get(1 + i % (lines.size() - 1)).split(",");
            rows.add("copy-" + i + "," + base.resolve(cells[0]) + "," + cells[1] + "," + base.resolve(cells[2]));
        }
        return Files.write(target, rows);
    }
}
