package dev.textgen.cli.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A model file taken apart into its safetensors sections, to build broken variants: cut at a section
 * boundary, or with an edited header or edited data and a recomputed checksum, so that the fault under
 * test is the one the reader reports rather than the checksum mismatch.
 */
final class ModelBytes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHECKSUM_MARKER = "\"checksum\":\"crc32c:";

    final byte[] file;
    final int headerLength;

    ModelBytes(byte[] file) {
        this.file = file.clone();
        this.headerLength = (int) ByteBuffer.wrap(file, 0, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The first byte after the header. */
    int dataStart() {
        return Long.BYTES + headerLength;
    }

    ObjectNode header() {
        try {
            return (ObjectNode) JSON.readTree(new String(file, Long.BYTES, headerLength, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tensor name to its [begin, end) data offsets, in file order. */
    Map<String, long[]> tensorOffsets() {
        Map<String, long[]> offsets = new TreeMap<>();
        header().properties().forEach(e -> {
            if (!e.getKey().equals("__metadata__")) {
                offsets.put(e.getKey(), new long[] {e.getValue().get("data_offsets").get(0).longValue(),
                        e.getValue().get("data_offsets").get(1).longValue()});
            }
        });
        return offsets;
    }

    /** The offset of the first occurrence of ASCII {@code text} in the file. */
    int offsetOf(String text) {
        // ISO-8859-1 maps each byte to one char, so the string index is the byte offset.
        int at = new String(file, StandardCharsets.ISO_8859_1).indexOf(text);
        if (at < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not in the file");
        }
        return at;
    }

    byte[] truncated(int length) {
        return Arrays.copyOf(file, length);
    }

    byte[] withByteFlipped(int offset) {
        byte[] copy = file.clone();
        copy[offset] ^= (byte) 0x5A;
        return copy;
    }

    /** The 8-byte length field set to {@code length}, the rest unchanged. */
    byte[] withHeaderLength(long length) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        return copy;
    }

    /**
     * The file with its header edited by {@code editHeader} and its data by {@code editData} (little-endian),
     * written compactly like textgen does, space-padded to 8 bytes, with a correct checksum.
     */
    byte[] rewritten(Consumer<ObjectNode> editHeader, Consumer<ByteBuffer> editData) {
        ObjectNode header = header();
        editHeader.accept(header);
        if (header.get("__metadata__") instanceof ObjectNode metadata) {
            metadata.put("checksum", "crc32c:00000000");
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        byte[] data = Arrays.copyOfRange(file, dataStart(), file.length);
        editData.accept(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));

        ByteBuffer out = ByteBuffer.allocate(Long.BYTES + padded.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded.length).put(padded).put(data);
        byte[] bytes = out.array();
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int marker = new String(padded, StandardCharsets.ISO_8859_1).indexOf(CHECKSUM_MARKER);
        if (marker < 0) {
            return bytes;
        }
        int digits = Long.BYTES + marker + CHECKSUM_MARKER.length();
        byte[] hex = HexFormat.of().toHexDigits((int) crc.getValue()).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hex, 0, bytes, digits, hex.length);
        return bytes;
    }

    byte[] withHeader(Consumer<ObjectNode> editHeader) {
        return rewritten(editHeader, data -> {
        });
    }

    /** A length field and {@code json} as the header, with no data. */
    static byte[] safetensors(String json) {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + text.length).order(ByteOrder.LITTLE_ENDIAN).putLong(text.length).put(text).array();
    }

    ObjectNode metadata(ObjectNode header) {
        return (ObjectNode) header.get("__metadata__");
    }
}
