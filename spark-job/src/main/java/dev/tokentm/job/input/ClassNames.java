package dev.tokentm.job.input;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Matches class names written differently ("Ankle boot", "ankle-boot", "ankle_boot") to indices. */
public final class ClassNames {

    private ClassNames() {}

    private static final java.util.regex.Pattern SYNSET_LINE = java.util.regex.Pattern.compile("(n\\d{8})(\\s.*)?");

    /**
     * The class names of a text file, in order, one per non-blank line; for ImageNet's
     * {@code LOC_synset_mapping.txt} ({@code n01440764 tench, Tinca tinca}), the synsets, which is
     * how ImageNet's folders are named.
     */
    public static List<String> fromLines(List<String> lines) {
        List<String> names =
                lines.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (!names.isEmpty()
                && names.stream().allMatch(n -> SYNSET_LINE.matcher(n).matches())) {
            return names.stream().map(n -> n.split("\\s", 2)[0]).toList();
        }
        return names;
    }

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
