package dev.tokentm.udfs.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, an optional {@code __metadata__} map of
 * strings, then the raw little-endian data. DJL's {@link NDList#decode} reads the tensors; this
 * class adds the metadata, friendly errors and writing with metadata.
 */
public final class Safetensors {

    private static final Gson GSON = new Gson();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private Safetensors() {}

    /** A decoded file: tensors in file order (converted to float32 when stored in 16 bits) and metadata. */
    public record Contents(Map<String, NDArray> tensors, Map<String, String> metadata) {}

    /**
     * Reads a safetensors file's bytes into arrays owned by {@code manager}.
     *
     * @param name how to call the file in errors
     */
    public static Contents read(byte[] bytes, NDManager manager, String name) {
        PickleGuard.refuseIfPickle(bytes, name);
        Map<String, String> metadata = readMetadata(bytes, name);
        NDList list;
        try {
            list = NDList.decode(manager, new ByteArrayInputStream(bytes));
        } catch (RuntimeException e) {
            throw new CheckpointException(name + " is not a readable safetensors file: " + e.getMessage(), e);
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (NDArray array : list) {
            NDArray t = array;
            if (t.getDataType() == DataType.FLOAT16 || t.getDataType() == DataType.BFLOAT16) {
                t = array.toType(DataType.FLOAT32, false);
                array.close();
            }
            tensors.put(array.getName(), t);
        }
        return new Contents(tensors, metadata);
    }

    /** Only the {@code __metadata__} map of a safetensors file (empty when it has none). */
    public static Map<String, String> readMetadata(byte[] bytes, String name) {
        if (bytes.length < 8) {
            throw new CheckpointException(name + " is too short to be a safetensors file (" + bytes.length + " bytes)");
        }
        long headerLength =
                ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER || headerLength > bytes.length - 8) {
            throw new CheckpointException(name + " is not a safetensors file: its first 8 bytes give a header of "
                    + headerLength + " bytes in a file of " + bytes.length);
        }
        JsonObject header;
        try {
            String json = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
            header = GSON.fromJson(json, JsonObject.class);
        } catch (JsonParseException e) {
            throw new CheckpointException(name + " has a malformed safetensors header: " + e.getMessage(), e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonElement meta = header == null ? null : header.get("__metadata__");
        if (meta != null && meta.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : meta.getAsJsonObject().entrySet()) {
                metadata.put(
                        e.getKey(),
                        e.getValue().isJsonPrimitive()
                                ? e.getValue().getAsString()
                                : e.getValue().toString());
            }
        }
        return metadata;
    }

    /** Encodes tensors (float32, float64 or integer types) and string metadata as a safetensors file. */
    public static byte[] write(Map<String, NDArray> tensors, Map<String, String> metadata) {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray t = e.getValue();
            byte[] raw = littleEndian(t);
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", t.getDataType().asSafetensors());
            com.google.gson.JsonArray shape = new com.google.gson.JsonArray();
            for (long dim : t.getShape().getShape()) {
                shape.add(dim);
            }
            entry.add("shape", shape);
            com.google.gson.JsonArray offsets = new com.google.gson.JsonArray();
            offsets.add(data.size());
            offsets.add(data.size() + raw.length);
            entry.add("data_offsets", offsets);
            header.add(e.getKey(), entry);
            data.writeBytes(raw);
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padding = (8 - json.length % 8) % 8;
        ByteBuffer out =
                ByteBuffer.allocate(8 + json.length + padding + data.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length + padding);
        out.put(json);
        for (int i = 0; i < padding; i++) {
            out.put((byte) ' ');
        }
        out.put(data.toByteArray());
        return out.array();
    }

    private static byte[] littleEndian(NDArray t) {
        ByteBuffer buffer = t.toByteBuffer();
        byte[] raw = new byte[buffer.remaining()];
        buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).get(raw);
        return raw;
    }
}
