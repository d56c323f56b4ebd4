package dev.textgen.api.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.textgen.api.ModelFileException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every damaged or foreign file is a {@link ModelFileException} that names the file and the problem. */
class ModelFileCorruptionTest {
    @TempDir
    Path dir;

    private Path valid;
    private byte[] bytes;

    @BeforeEach
    void writeAValidCheckpoint() throws IOException {
        valid = dir.resolve("valid.safetensors");
        ModelFile.write(valid, TestModels.checkpoint(2, 3, true));
        bytes = Files.readAllBytes(valid);
    }

    @Test
    void truncationAtEverySectionBoundaryAndAtRandomCutsIsReported() throws IOException {
        HandParsedFile parsed = HandParsedFile.parse(valid);
        long dataStart = 8 + parsed.headerLength;
        TreeSet<Long> cuts = new TreeSet<>(List.of(0L, 1L, 7L, 8L, 9L, 8 + parsed.headerLength / 2, dataStart - 1, dataStart,
                dataStart + 1, (long) bytes.length - 1));
        parsed.header.properties().forEach(e -> {
            if (!e.getKey().equals("__metadata__")) {
                cuts.add(dataStart + e.getValue().get("data_offsets").get(0).longValue());
                cuts.add(dataStart + e.getValue().get("data_offsets").get(1).longValue() - 1);
            }
        });
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 20; i++) {
            cuts.add((long) random.nextInt(bytes.length));
        }
        cuts.remove((long) bytes.length);
        for (long cut : cuts) {
            Path file = dir.resolve("cut-" + cut + ".safetensors");
            Files.write(file, Arrays.copyOf(bytes, (int) cut));
            assertThatThrownBy(() -> ModelFile.read(file))
                    .as("cut at %d of %d bytes", cut, bytes.length)
                    .isInstanceOf(ModelFileException.class)
                    .hasMessageStartingWith(file + ": ")
                    .message().containsAnyOf("truncated", "bytes long", "not valid JSON", "not valid UTF-8");
        }
        assertThat(cuts).hasSizeGreaterThan(40);
    }

    /**
     * Every byte of a small model's file, flipped on its own (the lowest bit everywhere, the highest in
     * every fifth byte), is detected: by the structure checks or by the checksum.
     */
    @Test
    void everySingleFlippedByteIsDetected() throws IOException {
        Path file = dir.resolve("flipped.safetensors");
        ModelFile.write(valid, TestModels.model(1, 2));
        byte[] small = Files.readAllBytes(valid);
        for (int mask : new int[] {0x01, 0x80}) {
            for (int i = 0; i < small.length; i += mask == 0x01 ? 1 : 5) {
                byte[] copy = small.clone();
                copy[i] ^= (byte) mask;
                Files.write(file, copy);
                int at = i;
                assertThatThrownBy(() -> ModelFile.read(file))
                        .as("byte %d of %d flipped with %02x", at, small.length, mask)
                        .isInstanceOf(ModelFileException.class)
                        .hasMessageStartingWith(file + ": ");
            }
        }
    }

    @Test
    void aFlippedWeightBitIsACorruptFile() throws IOException {
        Path file = dir.resolve("bit.safetensors");
        byte[] copy = bytes.clone();
        copy[copy.length - 3] ^= 0x04;
        Files.write(file, copy);

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("is corrupt: its bytes give checksum crc32c:")
                .hasMessageContaining("a byte changed after the file was written");
    }

    static Stream<Arguments> declaredHeaderLengths() {
        return Stream.of(
                Arguments.of(1L << 40, "declares a header of 1099511627776 bytes, more than the limit of 100000000"),
                Arguments.of(-1L, "declares a header of 18446744073709551615 bytes"),
                Arguments.of(100_000_001L, "more than the limit of 100000000"),
                Arguments.of(99_999_999L, "only"),
                Arguments.of(0L, "has a header that does not start with '{'"));
    }

    @ParameterizedTest
    @MethodSource("declaredHeaderLengths")
    void hugeOrImpossibleHeaderLengthsAreRejectedWithoutAllocating(long declared, String message) throws IOException {
        Path file = dir.resolve("huge.safetensors");
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(0, declared);
        Files.write(file, copy);

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(message);
    }

    @Test
    void aTensorClaimingTerabytesIsRejectedBeforeReading() throws IOException {
        Path file = dir.resolve("terabytes.safetensors");
        HandParsedFile.rewrite(valid, file, header -> {
            ObjectNode bias = (ObjectNode) header.get("dense/bias");
            bias.putArray("shape").add(1L << 38);
            long begin = bias.get("data_offsets").get(0).longValue();
            bias.putArray("data_offsets").add(begin).add(begin + (1L << 40));
        }, data -> { });

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("dense/bias")
                .hasMessageContaining("which is not a list of non-negative integers");
    }

    /** Files with one deliberate fault and a correct checksum, so that the fault itself must be found. */
    static Stream<Arguments> faults() {
        return Stream.of(
                fault("a newer format version", h -> metadata(h).put("format_version", "2"),
                        "is in textgen model format version 2, written by a newer textgen; this textgen reads format version 1"),
                fault("a non-numeric version", h -> metadata(h).put("format_version", "one"),
                        "invalid __metadata__.format_version: \"one\""),
                fault("another format", h -> metadata(h).put("format", "pt"),
                        "not a textgen model file: __metadata__.format is \"pt\", expected \"textgen\""),
                fault("no metadata", h -> h.remove("__metadata__"), "without __metadata__"),
                fault("metadata that is not strings", h -> metadata(h).put("epochs", 3), "__metadata__.epochs that is not a string"),
                fault("no checksum", h -> metadata(h).remove("checksum"), "lacks __metadata__.checksum"),
                fault("no config", h -> metadata(h).remove("config"), "lacks __metadata__.config"),
                fault("a config that is not JSON", h -> metadata(h).put("config", "{model:"), "holds an invalid config"),
                fault("an invalid config value", h -> metadata(h).put("config",
                        metadata(h).get("config").textValue().replaceFirst("\"hiddenSize\": ?3", "\"hiddenSize\": -3")),
                        "holds an invalid config: __metadata__.config:18:19: model.hiddenSize: -3 is invalid"),
                fault("a config with another hidden size", h -> metadata(h).put("config",
                        metadata(h).get("config").textValue().replaceFirst("\"hiddenSize\": ?3", "\"hiddenSize\": 4")),
                        "has tensor \"lstm_0/kernel\" of shape [10, 12] but its config (model.layers 2, model.hiddenSize 4 and a"
                                + " vocabulary of 10 symbols) calls for [10, 16]"),
                fault("a config with fewer layers", h -> metadata(h).put("config",
                        metadata(h).get("config").textValue().replaceFirst("\"layers\": ?2", "\"layers\": 1")),
                        "has an unexpected tensor \"lstm_1/"),
                fault("a vocabulary one symbol larger", h -> metadata(h).put("vocabulary",
                        metadata(h).get("vocabulary").textValue() + "\uD83D\uDE01"),
                        "a vocabulary of 11 symbols) calls for [11, 12]"),
                fault("an unsorted vocabulary", h -> metadata(h).put("vocabulary", "ba"), "holds an invalid vocabulary"),
                fault("no vocabulary", h -> metadata(h).remove("vocabulary"), "lacks __metadata__.vocabulary"),
                fault("a seed window outside the vocabulary", h -> metadata(h).put("seed_window", "xyz"),
                        "__metadata__.seed_window with characters outside its vocabulary"),
                fault("a training position that is not JSON", h -> metadata(h).put("training", "epoch 3"),
                        "invalid __metadata__.training: is not valid JSON"),
                fault("a training position without its epoch", h -> metadata(h).put("training",
                        metadata(h).get("training").textValue().replaceFirst("\"epoch\":2,", "")),
                        "invalid __metadata__.training: field \"epoch\" is missing"),
                fault("a negative batch", h -> metadata(h).put("training",
                        metadata(h).get("training").textValue().replace("\"batch\":17", "\"batch\":-1")),
                        "invalid __metadata__.training: training position must be >= 0: epoch 2, batch -1"),
                fault("optimizer state in a plain model", h -> metadata(h).remove("training"),
                        "optimizer state belongs only in a checkpoint"),
                fault("a float16 tensor", h -> tensor(h, "dense/bias").put("dtype", "F16"),
                        "tensor \"dense/bias\" of dtype \"F16\"; textgen model files hold only F32"),
                fault("a tensor without dtype", h -> tensor(h, "dense/bias").remove("dtype"), "\"dense/bias\" without a dtype"),
                fault("a transposed kernel", h -> tensor(h, "dense/kernel").putArray("shape").add(10).add(3),
                        "has tensor \"dense/kernel\" of shape [10, 3] but its config"),
                fault("a shape that disagrees with the offsets", h -> tensor(h, "dense/bias").putArray("shape").add(11),
                        "tensor \"dense/bias\" with shape [11] (44 bytes of F32) but data_offsets"),
                fault("a negative dimension", h -> tensor(h, "dense/bias").putArray("shape").add(-10),
                        "which is not a list of non-negative integers"),
                fault("a missing tensor", h -> h.remove("best/lstm_0/bias"), "has a gap of 48 bytes before tensor"),
                fault("an unknown tensor field", h -> tensor(h, "dense/bias").put("scale", 2), "unexpected field \"scale\""),
                fault("offsets with begin after end", h -> offsets(h, "dense/bias", 40, 0),
                        "data_offsets [40,0]; expected [begin, end] with 0 <= begin <= end"),
                fault("overlapping tensors", h -> {
                    long begin = tensor(h, "lstm_0/bias").get("data_offsets").get(0).longValue();
                    offsets(h, "lstm_0/bias", begin - 4, begin + 44);
                }, "overlapping tensor"),
                fault("a tensor past the end of the data", h -> {
                    long end = tensor(h, "dense/bias").get("data_offsets").get(1).longValue();
                    offsets(h, "dense/bias", end, end + 40);
                }, "has a gap of 40 bytes before tensor"),
                fault("an unexpected tensor", h -> h.set("extra/bias", h.remove("dense/bias")),
                        "has an unexpected tensor \"extra/bias\""),
                fault("offsets beyond any file", h -> offsets(h, "dense/bias", Long.MAX_VALUE - 40, Long.MAX_VALUE),
                        "has a gap of"),
                fault("header padding that is not spaces", h -> metadata(h).put("config", "not json\u0000"),
                        "holds an invalid config"));
    }

    private static Arguments fault(String name, Consumer<ObjectNode> edit, String message) {
        return Arguments.of(name, edit, message);
    }

    private static ObjectNode metadata(ObjectNode header) {
        return (ObjectNode) header.get("__metadata__");
    }

    private static ObjectNode tensor(ObjectNode header, String name) {
        return (ObjectNode) header.get(name);
    }

    private static void offsets(ObjectNode header, String name, long begin, long end) {
        tensor(header, name).putArray("data_offsets").add(begin).add(end);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void aFileWithOneFaultIsRejectedNamingIt(String name, Consumer<ObjectNode> edit, String message) throws IOException {
        Path file = dir.resolve("fault.safetensors");
        HandParsedFile.rewrite(valid, file, edit, data -> { });

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(message);
    }

    @Test
    void aNanWeightIsRejectedNamingTheTensor() throws IOException {
        Path file = dir.resolve("nan.safetensors");
        long begin = HandParsedFile.parse(valid).header.get("lstm_1/bias").get("data_offsets").get(0).longValue();
        HandParsedFile.rewrite(valid, file, h -> { }, data -> HandParsedFile.writeFloat(data, (int) begin + 8, Float.NaN));

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOf(ModelFileException.class)
                .hasMessage(file + ": has tensor \"lstm_1/bias\" holding NaN at index 2; a model with non-finite weights cannot be used");
    }

    @Test
    void anInfiniteOptimizerValueIsRejected() throws IOException {
        Path file = dir.resolve("inf.safetensors");
        long begin = HandParsedFile.parse(valid).header.get("optimizer/iterations").get("data_offsets").get(0).longValue();
        HandParsedFile.rewrite(valid, file, h -> { },
                data -> HandParsedFile.writeFloat(data, (int) begin, Float.POSITIVE_INFINITY));

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("\"optimizer/iterations\" holding Infinity at index 0");
    }

    @Test
    void aHeaderReformattedByAnotherToolIsNamedAsSuch() throws IOException {
        Path file = dir.resolve("pretty.safetensors");
        HandParsedFile parsed = HandParsedFile.parse(valid);
        String pretty = new String(parsed.headerBytes, StandardCharsets.UTF_8).replace("\"checksum\":", "\"checksum\": ");
        byte[] header = pretty.trim().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + header.length + parsed.data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header).put(parsed.data);
        Files.write(file, out.array());

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("the checksum cannot be located; was the file rewritten by another tool?");
    }

    static Stream<Arguments> foreignFiles() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        byte[] smallLength = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(16)
                .put("[1,2,3]         ".getBytes(StandardCharsets.US_ASCII)).array();
        byte[] latin1 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(8)
                .put(new byte[] {'{', (byte) 0xE9, '}', ' ', ' ', ' ', ' ', ' '}).array();
        return Stream.of(
                Arguments.of("empty", new byte[0], "is 0 bytes long; a safetensors model file starts with an 8-byte header length"),
                Arguments.of("short", new byte[] {1, 2, 3}, "is 3 bytes long"),
                Arguments.of("text", "the quick brown fox jumps over the lazy dog\n".getBytes(StandardCharsets.US_ASCII),
                        "more than the limit of 100000000"),
                Arguments.of("png", png, "more than the limit of 100000000"),
                Arguments.of("json array", smallLength, "has a header that does not start with '{'"),
                Arguments.of("latin-1 header", latin1, "has a header that is not valid UTF-8"),
                Arguments.of("safetensors of another tool", foreignSafetensors(), "without __metadata__"));
    }

    private static byte[] foreignSafetensors() {
        byte[] header = "{\"weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}    ".getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(8 + header.length + 8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).putFloat(1f).putFloat(2f).array();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foreignFiles")
    void aFileThatIsNotATextgenModelIsNamedAsSuch(String name, byte[] content, String message) throws IOException {
        Path file = dir.resolve(name + ".bin");
        Files.write(file, content);

        assertThatThrownBy(() -> ModelFile.read(file))
                .isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(message);
    }
}
