package dev.textgen.api.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.file.Path;

/**
 * Reads and writes the textgen model file: safetensors (8-byte little-endian header length, a JSON
 * header, raw little-endian float32 tensors) with the format name and version, the config and the
 * vocabulary in the header's {@code __metadata__}. Tensors use the Keras names and layout, see
 * {@link ModelWeights}. A checkpoint adds the optimizer state and the training position.
 *
 * <p>The file, byte by byte:
 * <ul>
 *   <li>8 bytes: N, the header length, unsigned little-endian;</li>
 *   <li>N bytes: a UTF-8 JSON object, padded with spaces so that N is a multiple of 8. Its
 *   {@code __metadata__} maps strings to strings: {@code format} ({@value #FORMAT}),
 *   {@code format_version} ({@value #VERSION}), {@code config} (the config as JSON),
 *   {@code vocabulary} (the symbols in id order), optionally {@code seed_window} (the default prompt: training text
 *   to start generation from) and {@code training} (a checkpoint's position as JSON: epoch, batch, seed,
 *   learningRate, partialLossSum, partialWindows, history), and {@code checksum} ({@code crc32c:} and
 *   eight hex digits: the CRC-32C of the whole file with those digits read as zeros). Every other key
 *   names a tensor: {@code {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}} with offsets
 *   relative to the first byte after the header;</li>
 *   <li>the tensors' bytes, contiguous in offset order, float32 little-endian, row-major.</li>
 * </ul>
 * Tensors: {@code lstm_{n}/kernel [in, 4H]}, {@code lstm_{n}/recurrent_kernel [H, 4H]},
 * {@code lstm_{n}/bias [4H]} (gate blocks i, f, c, o), {@code dense/kernel [H, V]}, {@code dense/bias [V]};
 * a checkpoint adds {@code optimizer/<name> [length]} and, when early stopping kept them, the best
 * epoch's weights under {@code best/}.
 *
 * <p>Reading validates before it allocates: the header length against the file size and
 * {@value #MAX_HEADER_BYTES} bytes, the JSON, the format and version, every tensor's dtype, shape
 * (against the config and vocabulary) and offsets (in bounds, contiguous, covering the file exactly),
 * the checksum, and that every weight is finite.
 */
public final class ModelFile {
    /** The value of {@code __metadata__.format}. */
    public static final String FORMAT = "textgen";
    /** The format version this textgen writes and the newest it reads. */
    public static final int VERSION = 1;
    /** The largest header accepted, as in the reference safetensors implementation. */
    public static final int MAX_HEADER_BYTES = 100_000_000;

    static final String METADATA = "__metadata__";
    static final String DTYPE = "F32";
    static final String KEY_FORMAT = "format";
    static final String KEY_VERSION = "format_version";
    static final String KEY_CONFIG = "config";
    static final String KEY_VOCABULARY = "vocabulary";
    /** Named before "prompt" was the word for the text that starts generation; kept so that older files read. */
    static final String KEY_DEFAULT_PROMPT = "seed_window";
    static final String KEY_TRAINING = "training";

    /** Strict JSON: duplicate keys and trailing content are errors, as they would make a header ambiguous. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ModelFile() {
    }

    /**
     * Writes {@code model} to {@code file} through a temporary file and an atomic move.
     *
     * @param file the model file to create or replace
     * @param model what to store
     * @throws dev.textgen.api.ModelFileException when the file cannot be written, or the weights are
     *                                            non-finite or do not match the config's shape
     */
    public static void write(Path file, StoredModel model) {
        new ModelFileWriter(file).write(model);
    }

    /**
     * Reads and validates {@code file}; every fault is a {@link dev.textgen.api.ModelFileException} naming it.
     *
     * @param file the model file to read
     * @return its contents
     */
    public static StoredModel read(Path file) {
        return new ModelFileReader(file).read();
    }
}
