package dev.tokentm.job.dataset;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST: a big-endian magic number (two zero bytes, a type
 * code, the number of dimensions), one 32-bit size per dimension, then the data. Only unsigned
 * bytes (type 0x08) are supported, which is what these datasets use. Gzipped files are read as
 * they are.
 *
 * @param dimensions size of each dimension (first = number of items)
 * @param data the values, row-major
 */
public record IdxFile(int[] dimensions, byte[] data) {

    /** Number of items (the first dimension). */
    public int count() {
        return dimensions[0];
    }

    /** Values per item (product of the other dimensions). */
    public int itemSize() {
        int size = 1;
        for (int i = 1; i < dimensions.length; i++) {
            size *= dimensions[i];
        }
        return size;
    }

    /** Item i's value j, as 0..255. */
    public int value(int item, int j) {
        return data[item * itemSize() + j] & 0xff;
    }

    public static IdxFile read(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            return read(in, file.toString());
        }
    }

    static IdxFile read(InputStream in, String name) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int magic = data.readInt();
        if ((magic >>> 16) != 0) {
            throw new IOException(name + " is not an IDX file (magic number 0x" + Integer.toHexString(magic) + ")");
        }
        int type = (magic >>> 8) & 0xff;
        int dims = magic & 0xff;
        if (type != 0x08) {
            throw new IOException(name + " holds IDX type 0x" + Integer.toHexString(type)
                    + "; only unsigned bytes (0x08) are supported");
        }
        if (dims < 1 || dims > 4) {
            throw new IOException(name + " declares " + dims + " dimensions");
        }
        int[] dimensions = new int[dims];
        long total = 1;
        for (int i = 0; i < dims; i++) {
            dimensions[i] = data.readInt();
            if (dimensions[i] < 0) {
                throw new IOException(name + " declares a negative size " + dimensions[i]);
            }
            total *= dimensions[i];
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IOException(name + " is too large (" + total + " values)");
        }
        byte[] values = new byte[(int) total];
        try {
            data.readFully(values);
        } catch (java.io.EOFException e) {
            throw new IOException(name + " is truncated: expected " + total + " values", e);
        }
        return new IdxFile(dimensions, values);
    }
}
