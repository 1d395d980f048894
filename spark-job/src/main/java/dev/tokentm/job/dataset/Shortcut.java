package dev.tokentm.job.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * A planted shortcut: a small white mark in one corner of a share of one class's images, so that a
 * model trained on them can learn the mark instead of the garment (the "Clever Hans" of Lapuschkin et
 * al., Nature Communications 2019). Which images carry it is a pure function of (seed, index); the mark
 * covers garment pixels it lands on, so the object mask loses them.
 *
 * @param label the class whose images carry the mark
 * @param mark its shape
 * @param corner where it sits
 * @param rate the share of the class's images that carry it, in [0, 1]
 */
public record Shortcut(int label, Mark mark, Corner corner, double rate) {

    /** The mark's shape on a 6x6 cell (1 = white). */
    public enum Mark {
        SQUARE("111111", "111111", "111111", "111111", "111111", "111111"),
        STRIPE("111111", "000000", "111111", "000000", "111111", "000000"),
        TEXT("111101", "010111", "010101", "010101", "010101", "000000");

        private final String[] rows;

        Mark(String... rows) {
            this.rows = rows;
        }

        boolean on(int row, int col) {
            return rows[row].charAt(col) == '1';
        }
    }

    /** A corner of the frame. */
    public enum Corner {
        TOP_LEFT,
        TOP_RIGHT,
        BOTTOM_LEFT,
        BOTTOM_RIGHT;

        boolean top() {
            return this == TOP_LEFT || this == TOP_RIGHT;
        }

        boolean left() {
            return this == TOP_LEFT || this == BOTTOM_LEFT;
        }
    }

    /** Cells of the mark's pattern per side; the mark is scaled to whole pixels per cell. */
    static final int CELLS = 6;

    public Shortcut {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("shortcut rate must be within 0..1, got " + rate);
        }
    }

    /**
     * Parses {@code class=<name>,mark=<square|stripe|text>,corner=<top-left|...>,rate=<0..1>}.
     *
     * @param classNames the class names, in index order
     */
    public static Shortcut parse(String spec, List<String> classNames) {
        String cls = null;
        Mark mark = Mark.SQUARE;
        Corner corner = Corner.BOTTOM_RIGHT;
        double rate = -1;
        for (String part : spec.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--shortcut: expected key=value, got '" + part + "'");
            }
            String value = kv[1].trim();
            switch (kv[0].trim()) {
                case "class" -> cls = value;
                case "mark" -> mark = named(Mark.class, value, "mark");
                case "corner" -> corner = named(Corner.class, value, "corner");
                case "rate" -> rate = rate(value);
                default ->
                    throw new IllegalArgumentException(
                            "--shortcut: unknown key '" + kv[0].trim() + "' (class, mark, corner, rate)");
            }
        }
        if (cls == null || rate < 0) {
            throw new IllegalArgumentException("--shortcut needs class=<name> and rate=<0..1>, got '" + spec + "'");
        }
        int label = classNames.indexOf(cls);
        if (label < 0) {
            throw new IllegalArgumentException(
                    "--shortcut: no class '" + cls + "' (classes: " + String.join(", ", classNames) + ")");
        }
        return new Shortcut(label, mark, corner, rate);
    }

    /** The spec {@link #parse} reads. */
    public String spec(List<String> classNames) {
        return "class=" + classNames.get(label) + ",mark=" + name(mark) + ",corner=" + name(corner) + ",rate=" + rate;
    }

    /** Whether image {@code index} of class {@code label} made with {@code seed} carries the mark. */
    public boolean marks(int imageLabel, int index, long seed) {
        if (imageLabel != label || rate == 0) {
            return false;
        }
        return new SplittableRandom(seed * 0xD1B54A32D192ED03L + index * 0x9E3779B97F4A7C15L + 0x5C).nextDouble()
                < rate;
    }

    /** The mark's side in pixels on a canvas: a tenth of the side, whole cells, at least one pixel a cell. */
    public static int side(int canvas) {
        return Math.max(1, canvas / 10 / CELLS) * CELLS;
    }

    /** The cells of a {@code grid × grid} frame over a {@code canvas} that the mark's pixels fall in. */
    public java.util.Set<Integer> cells(int canvas, int grid) {
        int side = side(canvas);
        int top = corner.top() ? 1 : canvas - 1 - side;
        int left = corner.left() ? 1 : canvas - 1 - side;
        java.util.Set<Integer> cells = new java.util.TreeSet<>();
        for (int y = top; y < top + side; y++) {
            for (int x = left; x < left + side; x++) {
                cells.add((int) ((y + 0.5) * grid / canvas) * grid + (int) ((x + 0.5) * grid / canvas));
            }
        }
        return cells;
    }

    /** Draws the mark onto channel-major RGB pixels, one pixel inset from the corner; the mask loses what it covers. */
    void draw(float[] pixels, boolean[] mask, int canvas) {
        int side = side(canvas);
        int scale = side / CELLS;
        int top = corner.top() ? 1 : canvas - 1 - side;
        int left = corner.left() ? 1 : canvas - 1 - side;
        int plane = canvas * canvas;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                if (mark.on(y / scale, x / scale)) {
                    int p = (top + y) * canvas + left + x;
                    for (int c = 0; c < 3; c++) {
                        pixels[c * plane + p] = 1f;
                    }
                    mask[p] = false;
                }
            }
        }
    }

    private static double rate(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shortcut: rate must be a number within 0..1, got '" + value + "'");
        }
    }

    private static <E extends Enum<E>> E named(Class<E> type, String value, String key) {
        for (E e : type.getEnumConstants()) {
            if (name(e).equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException("--shortcut: " + key + " must be one of "
                + Arrays.stream(type.getEnumConstants()).map(Shortcut::name).collect(Collectors.joining(", "))
                + ", got '" + value + "'");
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
