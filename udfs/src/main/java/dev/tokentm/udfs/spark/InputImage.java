package dev.tokentm.udfs.spark;

import dev.tokentm.udfs.image.BadImageException;
import dev.tokentm.udfs.image.ImageDecoder;
import dev.tokentm.udfs.image.InputTransform;
import dev.tokentm.udfs.io.Storage;
import dev.tokentm.udfs.io.StorageUnavailableException;
import dev.tokentm.udfs.metrics.ImageFacts;
import dev.tokentm.udfs.metrics.ObjectMask;
import dev.tokentm.udfs.random.Seeds;
import dev.tokentm.udfs.table.ImageTable;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * One input row made ready for the model: its identity, pixels at the model's input size, label
 * and mask.
 *
 * @param pixels RGB in [0,1], {@code [3][side][side]} flattened
 * @param label the class index, -1 when unknown
 * @param mask the object mask at input size, or null
 */
record InputImage(ImageTable.Source source, float[] pixels, int label, ObjectMask mask) {

    /** The row's identity, readable even when the image is not. */
    static ImageTable.Source source(Row row, InputColumns columns) {
        String path = columns.path() >= 0 && !row.isNullAt(columns.path()) ? row.getString(columns.path()) : null;
        String id = columns.id() >= 0 && !row.isNullAt(columns.id()) ? row.getString(columns.id()) : path;
        Integer label = columns.label() >= 0 && !row.isNullAt(columns.label())
                ? Math.toIntExact(((Number) row.get(columns.label())).longValue())
                : null;
        return new ImageTable.Source(id == null ? "" : id, path, label);
    }

    /**
     * Decodes and transforms one row.
     *
     * @throws BadImageException with the reason for the row's error column
     */
    static InputImage read(
            Row row,
            InputColumns columns,
            ImageTable.Source source,
            Storage.Reader files,
            ImageDecoder decoder,
            InputTransform transform,
            int classes)
            throws BadImageException {
        if (source.imageId().isEmpty()) {
            throw new BadImageException("row has neither an image id nor a path");
        }
        int label = source.label() == null ? -1 : source.label();
        if (label < -1 || (classes > 0 && label >= classes)) { // a backbone (0 classes) keeps any label
            throw new BadImageException("label " + label + " is outside the model's " + classes + " classes");
        }
        byte[] bytes;
        if (columns.content() >= 0 && !row.isNullAt(columns.content())) {
            bytes = (byte[]) row.get(columns.content());
        } else if (source.path() != null) {
            bytes = read(files, source.path(), "image");
        } else {
            throw new BadImageException("row has no image bytes and no path");
        }
        float[] pixels = transform.image(decoder.decode(bytes));
        ObjectMask mask = null;
        if (columns.maskPath() >= 0 && !row.isNullAt(columns.maskPath())) {
            String maskPath = row.getString(columns.maskPath());
            try {
                boolean[] foreground = transform.mask(decoder.decode(read(files, maskPath, "mask")));
                mask = new ObjectMask(foreground, transform.side(), transform.side());
            } catch (BadImageException e) {
                throw new BadImageException("mask " + maskPath + ": " + e.getMessage(), e);
            }
        }
        return new InputImage(source, pixels, label, mask);
    }

    /**
     * The file's bytes. A missing, forbidden or short file is the image's fault (an error row); a store
     * that cannot be reached is the run's ({@link StorageUnavailableException}: the task fails and is
     * retried, so no image is marked failed for an outage).
     */
    private static byte[] read(Storage.Reader files, String location, String what) throws BadImageException {
        try {
            return files.readAll(location);
        } catch (UncheckedIOException e) {
            if (Storage.isLocal(location) || StorageUnavailableException.isFileFault(e)) {
                throw new BadImageException("cannot read " + what + ": " + e.getMessage(), e);
            }
            throw new StorageUnavailableException(location, e.getCause());
        } catch (IllegalArgumentException e) {
            throw new BadImageException("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Images of a batch side by side, as the model takes them.
     *
     * @param pixels {@code [n, 3, side, side]} flattened
     * @param facts per image: label, mask, and its seed, the run's seed mixed with its id (random
     *     draws do not depend on batching)
     */
    record Batch(float[] pixels, List<ImageFacts> facts) {}

    static Batch stack(List<InputImage> images, int side, long seed) {
        int n = images.size();
        int size = 3 * side * side;
        float[] pixels = new float[n * size];
        List<ImageFacts> facts = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            InputImage image = images.get(i);
            System.arraycopy(image.pixels(), 0, pixels, i * size, size);
            facts.add(new ImageFacts(
                    image.label(),
                    image.mask(),
                    Seeds.mix(seed, Seeds.of(image.source().imageId()))));
        }
        return new Batch(pixels, facts);
    }
}
