package dev.textgen.api.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A safetensors file taken apart by hand, straight from the format's description and independent of
 * {@link ModelFileReader}: the tests use it to check the bytes ModelFile writes and to build files
 * with one deliberate fault (and, where wanted, a correct checksum so that the fault itself is found).
 */
final class HandParsedFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    final long headerLength;
    final byte[] headerBytes;
    final ObjectNode header;
    final byte[] data;

    private HandParsedFile(long headerLength, byte[] headerBytes, ObjectNode header, byte[] data) {
        this.headerLength = headerLength;
        this.headerBytes = headerBytes;
        this.header = header;
        this.data = data;
    }

    static HandParsedFile parse(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] headerBytes = Arrays.copyOfRange(bytes, 8, 8 + (int) n);
        ObjectNode header = (ObjectNode) JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        return new HandParsedFile(n, headerBytes, header, Arrays.copyOfRange(bytes, 8 + (int) n, bytes.length));
    }

    JsonNode metadata() {
        return header.get("__metadata__");
    }

    /** The float32 little-endian values of {@code tensor}. */
    float[] floats(String tensor) {
        JsonNode offsets = header.get(tensor).get("data_offsets");
        int begin = offsets.get(0).intValue();
        int end = offsets.get(1).intValue();
        float[] values = new float[(end - begin) / 4];
        ByteBuffer.wrap(data, begin, end - begin).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    /**
     * Writes a copy with the header edited by {@code editHeader} and the data by {@code editData},
     * compact and space-padded like the original, with a checksum recomputed over the result.
     */
    static void rewrite(Path from, Path to, Consumer<ObjectNode> editHeader, Consumer<byte[]> editData) throws IOException {
        HandParsedFile parsed = parse(from);
        ObjectNode header = parsed.header.deepCopy();
        byte[] data = parsed.data.clone();
        editHeader.accept(header);
        editData.accept(data);
        if (header.get("__metadata__") instanceof ObjectNode metadata && metadata.has("checksum")) {
            metadata.put("checksum", "crc32c:00000000");
        }
        byte[] json = JSON.writeValueAsBytes(header);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length).array();
        CRC32C crc = new CRC32C();
        crc.update(length);
        crc.update(padded);
        crc.update(data);
        byte[] digits = HexFormat.of().toHexDigits((int) crc.getValue()).getBytes(StandardCharsets.US_ASCII);
        String marker = "\"checksum\":\"crc32c:";
        int at = new String(padded, StandardCharsets.ISO_8859_1).indexOf(marker);
        if (at >= 0) {
            System.arraycopy(digits, 0, padded, at + marker.length(), 8);
        }
        ByteBuffer out = ByteBuffer.allocate(8 + padded.length + data.length);
        out.put(length).put(padded).put(data);
        Files.write(to, out.array());
    }

    /** A copy with a new metadata value (and a correct checksum). */
    static void withMetadata(Path from, Path to, String key, String value) throws IOException {
        rewrite(from, to, header -> ((ObjectNode) header.get("__metadata__")).put(key, value), data -> { });
    }

    static void writeFloat(byte[] data, int byteOffset, float value) {
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putFloat(byteOffset, value);
    }
}
