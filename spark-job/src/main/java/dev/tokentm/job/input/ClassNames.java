package dev.tokentm.job.input;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Matches class names written differently ("Ankle boot", "ankle-boot", "ankle_boot") to indices. */
public final class ClassNames {

    private ClassNames() {}

    /** Lower case, runs of anything but letters and digits as one dash. */
    public static String normalize(String name) {
        return name.trim()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}]+", "-")
                .replaceAll("^-|-$", "");
    }

    /** Normalized name to class index. */
    public static Map<String, Integer> index(List<String> names) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(normalize(names.get(i)), i);
        }
        return index;
    }
}
