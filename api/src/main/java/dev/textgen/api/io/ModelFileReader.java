package dev.textgen.api.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.textgen.api.ConfigException;
import dev.textgen.api.ModelFileException;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.TextgenConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Reads one model file, validating each part before anything sized by the file is allocated; see
 * {@link ModelFile} for the format and the checks. Every fault is a {@link ModelFileException}.
 *
 * <p>One class because the checks follow the file's layout from the first byte to the last, each bounded by what
 * the ones before it proved; the length of the file is that list of checks.
 */
final class ModelFileReader {
    private static final int CHUNK_BYTES = 1 << 20;
    private static final Set<String> TENSOR_FIELDS = Set.of("dtype", "shape", "data_offsets");

    private final Path file;

    ModelFileReader(Path file) {
        this.file = file;
    }

    /** Where a tensor's bytes are, as the header declares. */
    private record TensorInfo(String name, int[] shape, long begin, long end) {
    }

    StoredModel read() {
        if (Files.isDirectory(file)) {
            throw fault("is a folder, not a model file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(channel);
        } catch (NoSuchFileException e) {
            throw fault("does not exist");
        } catch (AccessDeniedException e) {
            throw fault("cannot be read: permission denied");
        } catch (IOException e) {
            throw fault("cannot be read: " + e, e);
        }
    }

    private StoredModel read(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < Long.BYTES) {
            throw fault("is " + size + " bytes long; a safetensors model file starts with an 8-byte header length");
        }
        ByteBuffer lengthField = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, 0, lengthField, "the header length");
        long headerLength = lengthField.getLong(0);
        if (headerLength < 0 || headerLength > ModelFile.MAX_HEADER_BYTES) {
            throw fault("declares a header of " + Long.toUnsignedString(headerLength) + " bytes, more than the limit of "
                    + ModelFile.MAX_HEADER_BYTES + "; it is not a safetensors file or it is corrupt");
        }
        if (headerLength > size - Long.BYTES) {
            throw fault("declares a header of " + headerLength + " bytes but only " + (size - Long.BYTES)
                    + " bytes follow the length field; the file is truncated or not a safetensors file");
        }
        byte[] header = new byte[(int) headerLength];
        readFully(channel, Long.BYTES, ByteBuffer.wrap(header), "the header");
        JsonNode root = parseHeader(header);
        Map<String, String> metadata = metadata(root);
        checkFormat(metadata);
        long dataStart = Long.BYTES + headerLength;
        List<TensorInfo> tensors = tensorInfos(root);
        checkOffsets(tensors, size - dataStart);
        checkChecksum(channel, lengthField.array(), header, metadata, dataStart, size);

        TextgenConfig config = config(metadata);
        Vocabulary vocabulary = vocabulary(metadata);
        String trainingJson = metadata.get(ModelFile.KEY_TRAINING);
        boolean hasBest = checkNamesAndShapes(tensors, config, vocabulary, trainingJson != null);

        Map<String, float[]> values = readTensors(channel, dataStart, tensors);
        int layers = config.model().layers();
        int hidden = config.model().hiddenSize();
        try {
            ModelWeights weights = TensorLayout.weights("", values, layers, hidden, vocabulary.size());
            TrainingState training = null;
            if (trainingJson != null) {
                ModelWeights best = hasBest
                        ? TensorLayout.weights(TensorLayout.BEST_PREFIX, values, layers, hidden, vocabulary.size()) : null;
                training = trainingState(trainingJson, optimizerState(values), best);
            }
            return new StoredModel(config, vocabulary, weights, defaultPrompt(metadata, vocabulary), training);
        } catch (IllegalArgumentException e) {
            throw fault("is inconsistent: " + e.getMessage(), e);
        }
    }

    private JsonNode parseHeader(byte[] header) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw fault("has a header that is not valid UTF-8; it is not a safetensors file or it is corrupt");
        }
        if (!text.startsWith("{")) {
            throw fault("has a header that does not start with '{'; it is not a safetensors file or it is corrupt");
        }
        try {
            JsonNode root = ModelFile.JSON.readTree(text);
            if (root == null || !root.isObject()) {
                throw fault("has a header that is not a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (header line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw fault("has a header that is not valid JSON: " + e.getOriginalMessage() + where, e);
        }
    }

    private Map<String, String> metadata(JsonNode root) {
        JsonNode node = root.get(ModelFile.METADATA);
        if (node == null) {
            throw fault("is a safetensors file without " + ModelFile.METADATA + ", so not a textgen model file"
                    + " (textgen files record format \"" + ModelFile.FORMAT + "\" there)");
        }
        if (!node.isObject()) {
            throw fault("has a " + ModelFile.METADATA + " that is not a JSON object");
        }
        Map<String, String> metadata = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw fault("has " + ModelFile.METADATA + "." + e.getKey() + " that is not a string; safetensors metadata"
                        + " maps strings to strings");
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return metadata;
    }

    private void checkFormat(Map<String, String> metadata) {
        String format = metadata.get(ModelFile.KEY_FORMAT);
        if (!ModelFile.FORMAT.equals(format)) {
            throw fault("is a safetensors file but not a textgen model file: " + ModelFile.METADATA + ".format is "
                    + (format == null ? "missing" : "\"" + format + "\"") + ", expected \"" + ModelFile.FORMAT + "\"");
        }
        String version = metadata.get(ModelFile.KEY_VERSION);
        if (version == null || !version.matches("[0-9]{1,9}") || Integer.parseInt(version) < 1) {
            throw fault("has an invalid " + ModelFile.METADATA + "." + ModelFile.KEY_VERSION + ": "
                    + (version == null ? "missing" : "\"" + version + "\"") + "; expected a positive integer such as \""
                    + ModelFile.VERSION + "\"");
        }
        if (Integer.parseInt(version) > ModelFile.VERSION) {
            throw fault("is in textgen model format version " + version + ", written by a newer textgen; this textgen"
                    + " reads format version " + ModelFile.VERSION + " and older; upgrade textgen to read it");
        }
    }

    private List<TensorInfo> tensorInfos(JsonNode root) {
        List<TensorInfo> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!e.getKey().equals(ModelFile.METADATA)) {
                tensors.add(tensorInfo(e.getKey(), e.getValue()));
            }
        }
        return tensors;
    }

    private TensorInfo tensorInfo(String name, JsonNode node) {
        String what = "has tensor \"" + name + "\" ";
        if (!node.isObject()) {
            throw fault(what + "described by something other than a JSON object");
        }
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String field = property.getKey();
            if (!TENSOR_FIELDS.contains(field)) {
                throw fault(what + "with an unexpected field \"" + field + "\"; allowed: dtype, shape, data_offsets");
            }
        }
        JsonNode dtype = node.get("dtype");
        if (dtype == null || !dtype.isTextual()) {
            throw fault(what + "without a dtype");
        }
        if (!dtype.textValue().equals(ModelFile.DTYPE)) {
            throw fault(what + "of dtype \"" + dtype.textValue() + "\"; textgen model files hold only " + ModelFile.DTYPE);
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw fault(what + "without a shape array");
        }
        int[] shape = new int[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode dim = shapeNode.get(i);
            if (!dim.isIntegralNumber() || !dim.canConvertToInt() || dim.intValue() < 0) {
                throw fault(what + "with shape " + shapeNode + ", which is not a list of non-negative integers");
            }
            shape[i] = dim.intValue();
            elements = multiply(elements, shape[i], what + "with shape " + shapeNode);
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !isNonNegativeLong(offsets.get(0)) || !isNonNegativeLong(offsets.get(1))
                || offsets.get(0).longValue() > offsets.get(1).longValue()) {
            throw fault(what + "with data_offsets " + offsets + "; expected [begin, end] with 0 <= begin <= end");
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        long bytes = multiply(elements, Float.BYTES, what + "with shape " + shapeNode);
        if (end - begin != bytes) {
            throw fault(what + "with shape " + Arrays.toString(shape) + " (" + bytes + " bytes of " + ModelFile.DTYPE
                    + ") but data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes");
        }
        if (elements > Integer.MAX_VALUE - 8) {
            throw fault(what + "of " + elements + " values, more than one array can hold");
        }
        return new TensorInfo(name, shape, begin, end);
    }

    /** The tensors must tile the data section exactly: from 0, without gaps or overlaps, to the end of the file. */
    private void checkOffsets(List<TensorInfo> tensors, long dataBytes) {
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        TensorInfo previous = null;
        for (TensorInfo tensor : tensors) {
            if (tensor.begin() < expected) {
                throw fault("has tensor \"" + tensor.name() + "\" at bytes [" + tensor.begin() + ", " + tensor.end()
                        + ") overlapping tensor \"" + previous.name() + "\" at [" + previous.begin() + ", " + previous.end() + ")");
            }
            if (tensor.begin() > expected) {
                throw fault("has a gap of " + (tensor.begin() - expected) + " bytes before tensor \"" + tensor.name()
                        + "\"; safetensors tensors are contiguous");
            }
            expected = tensor.end();
            previous = tensor;
        }
        if (expected > dataBytes) {
            throw fault("is truncated: its tensors need " + expected + " bytes of data but only " + dataBytes
                    + " follow the header");
        }
        if (expected < dataBytes) {
            throw fault("has " + (dataBytes - expected) + " bytes after the last tensor; it is corrupt or was appended to");
        }
    }

    private void checkChecksum(FileChannel channel, byte[] lengthField, byte[] header, Map<String, String> metadata,
                               long dataStart, long size) throws IOException {
        String stored = metadata.get(FileChecksum.KEY);
        if (stored == null) {
            throw fault("lacks " + ModelFile.METADATA + "." + FileChecksum.KEY + ", which every textgen model file has");
        }
        int digitsAt = FileChecksum.locate(header);
        if (digitsAt < 0) {
            throw fault("has a header that is not laid out as textgen writes it: the checksum cannot be located;"
                    + " was the file rewritten by another tool?");
        }
        CRC32C crc = new CRC32C();
        crc.update(lengthField);
        crc.update(FileChecksum.zeroed(header, digitsAt));
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(1, size - dataStart)));
        for (long position = dataStart; position < size; ) {
            chunk.clear();
            chunk.limit((int) Math.min(chunk.capacity(), size - position));
            readFully(channel, position, chunk, "the tensor data");
            position += chunk.limit();
            chunk.flip();
            crc.update(chunk);
        }
        String actual = FileChecksum.value(crc);
        if (!actual.equals(stored)) {
            throw fault("is corrupt: its bytes give checksum " + actual + " but the file records " + stored
                    + " (a byte changed after the file was written)");
        }
    }

    private TextgenConfig config(Map<String, String> metadata) {
        String json = metadata.get(ModelFile.KEY_CONFIG);
        if (json == null) {
            throw fault("lacks " + ModelFile.METADATA + "." + ModelFile.KEY_CONFIG);
        }
        try {
            return ConfigLoader.parseStored(json, ModelFile.METADATA + "." + ModelFile.KEY_CONFIG);
        } catch (ConfigException e) {
            throw fault("holds an invalid config: " + e.getMessage(), e);
        }
    }

    private Vocabulary vocabulary(Map<String, String> metadata) {
        String symbols = metadata.get(ModelFile.KEY_VOCABULARY);
        if (symbols == null) {
            throw fault("lacks " + ModelFile.METADATA + "." + ModelFile.KEY_VOCABULARY);
        }
        try {
            return Vocabulary.fromSymbols(symbols);
        } catch (IllegalArgumentException e) {
            throw fault("holds an invalid vocabulary: " + e.getMessage(), e);
        }
    }

    /**
     * Every tensor must be one the config and vocabulary call for, with exactly that shape; optimizer
     * state and best weights only in a checkpoint. Returns whether the best weights are present.
     */
    private boolean checkNamesAndShapes(List<TensorInfo> tensors, TextgenConfig config, Vocabulary vocabulary,
                                        boolean checkpoint) {
        int layers = config.model().layers();
        int hidden = config.model().hiddenSize();
        if (hidden > Integer.MAX_VALUE / 4 || (long) layers * hidden > Integer.MAX_VALUE) {
            throw fault("holds a config with model.hiddenSize " + hidden + " and model.layers " + layers
                    + ", too large for float32 tensors");
        }
        String sizes = "model.layers " + layers + ", model.hiddenSize " + hidden + " and a vocabulary of "
                + vocabulary.size() + " symbols";
        Map<String, int[]> expected = TensorLayout.shapes("", layers, hidden, vocabulary.size());
        Map<String, int[]> expectedBest = TensorLayout.shapes(TensorLayout.BEST_PREFIX, layers, hidden, vocabulary.size());
        Map<String, int[]> missing = new LinkedHashMap<>(expected);
        int best = 0;
        for (TensorInfo tensor : tensors) {
            String name = tensor.name();
            int[] shape = expected.containsKey(name) ? expected.get(name) : expectedBest.get(name);
            if (shape != null) {
                if (!Arrays.equals(shape, tensor.shape())) {
                    throw fault("has tensor \"" + name + "\" of shape " + Arrays.toString(tensor.shape()) + " but its config ("
                            + sizes + ") calls for " + Arrays.toString(shape));
                }
                missing.remove(name);
                best += expectedBest.containsKey(name) ? 1 : 0;
            } else if (name.startsWith(TensorLayout.OPTIMIZER_PREFIX) && name.length() > TensorLayout.OPTIMIZER_PREFIX.length()) {
                if (!checkpoint) {
                    throw fault("has optimizer tensor \"" + name + "\" but no " + ModelFile.METADATA + "."
                            + ModelFile.KEY_TRAINING + "; optimizer state belongs only in a checkpoint");
                }
            } else {
                throw fault("has an unexpected tensor \"" + name + "\"; a model with " + sizes + " has " + expected.keySet()
                        + (checkpoint ? ", a checkpoint also optimizer/<name> and best/<weight>" : ""));
            }
        }
        if (!missing.isEmpty()) {
            throw fault("lacks tensor(s) " + missing.keySet() + " that a model with " + sizes + " has");
        }
        if (best > 0 && (!checkpoint || best != expectedBest.size())) {
            throw fault(checkpoint ? "has " + best + " of the " + expectedBest.size() + " best/ weight tensors; all or none"
                    : "has best/ weight tensors but no " + ModelFile.METADATA + "." + ModelFile.KEY_TRAINING);
        }
        return best > 0;
    }

    /** Reads every tensor (already validated against the file size) and rejects non-finite values. */
    private Map<String, float[]> readTensors(FileChannel channel, long dataStart, List<TensorInfo> tensors) throws IOException {
        Map<String, float[]> values = new HashMap<>();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (TensorInfo tensor : tensors) {
            float[] data = new float[(int) ((tensor.end() - tensor.begin()) / Float.BYTES)];
            int filled = 0;
            long position = dataStart + tensor.begin();
            while (filled < data.length) {
                chunk.clear();
                int count = Math.min(data.length - filled, CHUNK_BYTES / Float.BYTES);
                chunk.limit(count * Float.BYTES);
                readFully(channel, position, chunk, "tensor \"" + tensor.name() + "\"");
                chunk.flip();
                chunk.asFloatBuffer().get(data, filled, count);
                filled += count;
                position += (long) count * Float.BYTES;
            }
            for (int i = 0; i < data.length; i++) {
                if (!Float.isFinite(data[i])) {
                    throw fault("has tensor \"" + tensor.name() + "\" holding " + data[i] + " at index " + i
                            + "; a model with non-finite weights cannot be used");
                }
            }
            values.put(tensor.name(), data);
        }
        return values;
    }

    private static Map<String, float[]> optimizerState(Map<String, float[]> values) {
        Map<String, float[]> state = new HashMap<>();
        values.forEach((name, data) -> {
            if (name.startsWith(TensorLayout.OPTIMIZER_PREFIX)) {
                state.put(name.substring(TensorLayout.OPTIMIZER_PREFIX.length()), data);
            }
        });
        return state;
    }

    private TrainingState trainingState(String json, Map<String, float[]> optimizerState, ModelWeights best) {
        try {
            return TrainingMetadata.fromJson(json, ModelFile.JSON, optimizerState, best);
        } catch (IllegalArgumentException e) {
            throw fault("has an invalid " + ModelFile.METADATA + "." + ModelFile.KEY_TRAINING + ": " + e.getMessage(), e);
        }
    }

    private String defaultPrompt(Map<String, String> metadata, Vocabulary vocabulary) {
        String window = metadata.get(ModelFile.KEY_DEFAULT_PROMPT);
        if (window != null && !window.codePoints().allMatch(vocabulary::contains)) {
            throw fault("has a " + ModelFile.METADATA + "." + ModelFile.KEY_DEFAULT_PROMPT
                    + " with characters outside its vocabulary");
        }
        return window;
    }

    private void readFully(FileChannel channel, long position, ByteBuffer into, String what) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int read = channel.read(into, at);
            if (read < 0) {
                throw fault("is truncated: it ended while reading " + what);
            }
            at += read;
        }
    }

    private long multiply(long a, long b, String what) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw fault(what + ": the size overflows 64 bits");
        }
    }

    private static boolean isNonNegativeLong(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0;
    }

    private ModelFileException fault(String problem) {
        return new ModelFileException(file, problem);
    }

    private ModelFileException fault(String problem, Throwable cause) {
        return new ModelFileException(file, problem, cause);
    }
}
