package dev.textgen.api.io;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The model file's {@code __metadata__.checksum}: {@code "crc32c:"} and eight lowercase hex digits, the
 * CRC-32C of the whole file (length field, header, data) computed with those eight digits read as
 * {@code '0'}. Any flipped byte, in a weight or in the header, is then detected. The header is
 * written compactly, so the value is found by its exact bytes {@code "checksum":"crc32c:}.
 */
final class FileChecksum {
    static final String KEY = "checksum";
    static final String PREFIX = "crc32c:";
    static final String PLACEHOLDER = PREFIX + "00000000";
    private static final byte[] MARKER = ("\"" + KEY + "\":\"" + PREFIX).getBytes(StandardCharsets.US_ASCII);
    private static final int DIGITS = 8;

    private FileChecksum() {
    }

    /** The offset of the eight digits in {@code header}, or -1 when the marker is absent or appears twice. */
    static int locate(byte[] header) {
        int found = -1;
        for (int i = 0; i + MARKER.length + DIGITS <= header.length; i++) {
            if (matchesAt(header, i)) {
                if (found >= 0) {
                    return -1;
                }
                found = i + MARKER.length;
            }
        }
        return found;
    }

    /** A copy of {@code header} with the digits at {@code offset} set to {@code '0'}. */
    static byte[] zeroed(byte[] header, int offset) {
        byte[] copy = header.clone();
        for (int i = 0; i < DIGITS; i++) {
            copy[offset + i] = '0';
        }
        return copy;
    }

    /** Writes {@code crc}'s eight hex digits into {@code header} at {@code offset}. */
    static void patch(byte[] header, int offset, CRC32C crc) {
        byte[] digits = hex(crc).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, header, offset, DIGITS);
    }

    /** The value as stored: {@code crc32c:} and eight hex digits. */
    static String value(CRC32C crc) {
        return PREFIX + hex(crc);
    }

    private static String hex(CRC32C crc) {
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    private static boolean matchesAt(byte[] header, int at) {
        for (int j = 0; j < MARKER.length; j++) {
            if (header[at + j] != MARKER[j]) {
                return false;
            }
        }
        return true;
    }
}
