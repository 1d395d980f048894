package dev.tokentm.udfs.explain;

/** Whether a method's map is over the input's pixels or the patch grid: the {@code resolution} parameter. */
enum MapResolution {
    PIXEL,
    PATCH;

    /** A spec's {@code resolution=pixel|patch}, pixels unless told otherwise: whether the map is per pixel. */
    static boolean pixels(MethodArguments a) {
        return a.choice("resolution", PIXEL) == PIXEL;
    }

    /** The resolution of a map per pixel or per patch, as a spec spells it. */
    static MapResolution of(boolean pixels) {
        return pixels ? PIXEL : PATCH;
    }
}
