package dev.textgen.api.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.textgen.api.ModelFileException;
import dev.textgen.api.config.ConfigLoader;
import dev.textgen.api.config.ModelConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/** Writes one {@link StoredModel} as a safetensors file; see {@link ModelFile} for the format. */
final class ModelFileWriter {
    private static final int CHUNK_BYTES = 1 << 16;

    private final Path file;

    ModelFileWriter(Path file) {
        this.file = file;
    }

    void write(StoredModel model) {
        checkConsistent(model);
        List<TensorLayout.Tensor> tensors = tensors(model);
        for (TensorLayout.Tensor tensor : tensors) {
            int bad = firstNonFinite(tensor.values());
            if (bad >= 0) {
                throw new ModelFileException(file, "refusing to save tensor " + tensor.name() + ": it holds "
                        + tensor.values()[bad] + " at index " + bad + "; a model with non-finite weights is never saved");
            }
        }
        byte[] header = header(model, tensors);
        int checksumAt = FileChecksum.locate(header);
        if (checksumAt < 0) {
            throw new IllegalStateException("the header must hold the checksum placeholder exactly once");
        }
        byte[] length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array();
        CRC32C crc = new CRC32C();
        crc.update(length);
        crc.update(header);
        try {
            forEachChunk(tensors, crc::update);
            FileChecksum.patch(header, checksumAt, crc);
            AtomicFiles.write(file, channel -> {
                AtomicFiles.writeFully(channel, ByteBuffer.wrap(length));
                AtomicFiles.writeFully(channel, ByteBuffer.wrap(header));
                forEachChunk(tensors, chunk -> writeChunk(channel, chunk));
            });
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot be written: " + e, e);
        }
    }

    private void checkConsistent(StoredModel model) {
        ModelConfig config = model.config().model();
        List<ModelWeights> all = new ArrayList<>();
        all.add(model.weights());
        model.trainingState().map(TrainingState::bestWeights).ifPresent(all::add);
        for (ModelWeights weights : all) {
            boolean matches = weights.lstm().size() == config.layers()
                    && weights.lstm().stream().allMatch(layer -> layer.hiddenSize() == config.hiddenSize());
            if (!matches) {
                throw new ModelFileException(file, "refusing to save weights of " + weights.lstm().size() + " LSTM layer(s) of "
                        + weights.lstm().stream().map(l -> String.valueOf(l.hiddenSize())).toList()
                        + " units with a config of model.layers " + config.layers() + " and model.hiddenSize "
                        + config.hiddenSize() + "; the file could not be read back");
            }
        }
    }

    private static List<TensorLayout.Tensor> tensors(StoredModel model) {
        List<TensorLayout.Tensor> tensors = new ArrayList<>(TensorLayout.tensors("", model.weights()));
        model.trainingState().ifPresent(state -> {
            if (state.bestWeights() != null) {
                tensors.addAll(TensorLayout.tensors(TensorLayout.BEST_PREFIX, state.bestWeights()));
            }
            for (Map.Entry<String, float[]> e : new TreeMap<>(state.optimizerState()).entrySet()) {
                float[] values = e.getValue();
                tensors.add(new TensorLayout.Tensor(TensorLayout.OPTIMIZER_PREFIX + e.getKey(), new int[] {values.length}, values));
            }
        });
        return tensors;
    }

    /** The header JSON, space-padded to a multiple of 8 bytes as the reference implementation does. */
    private static byte[] header(StoredModel model, List<TensorLayout.Tensor> tensors) {
        ObjectNode root = ModelFile.JSON.createObjectNode();
        ObjectNode metadata = root.putObject(ModelFile.METADATA);
        metadata.put(ModelFile.KEY_FORMAT, ModelFile.FORMAT);
        metadata.put(ModelFile.KEY_VERSION, Integer.toString(ModelFile.VERSION));
        metadata.put(ModelFile.KEY_CONFIG, ConfigLoader.toJson(model.config()));
        metadata.put(ModelFile.KEY_VOCABULARY, model.vocabulary().symbols());
        if (model.defaultPrompt() != null) {
            metadata.put(ModelFile.KEY_DEFAULT_PROMPT, model.defaultPrompt());
        }
        model.trainingState().ifPresent(state ->
                metadata.put(ModelFile.KEY_TRAINING, TrainingMetadata.toJson(state, ModelFile.JSON)));
        metadata.put(FileChecksum.KEY, FileChecksum.PLACEHOLDER);
        long offset = 0;
        for (TensorLayout.Tensor tensor : tensors) {
            ObjectNode info = root.putObject(tensor.name());
            info.put("dtype", ModelFile.DTYPE);
            ArrayNode shape = info.putArray("shape");
            Arrays.stream(tensor.shape()).forEach(shape::add);
            long end = offset + (long) Float.BYTES * tensor.values().length;
            info.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = ModelFile.JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written: " + e.getOriginalMessage(), e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    @FunctionalInterface
    private interface ChunkSink {
        void accept(ByteBuffer chunk) throws IOException;
    }

    /** Hands the tensors' little-endian bytes, in file order, to {@code sink} in reused chunks. */
    private static void forEachChunk(List<TensorLayout.Tensor> tensors, ChunkSink sink) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (TensorLayout.Tensor tensor : tensors) {
            float[] values = tensor.values();
            int i = 0;
            while (i < values.length) {
                chunk.clear();
                int count = Math.min(values.length - i, CHUNK_BYTES / Float.BYTES);
                chunk.asFloatBuffer().put(values, i, count);
                chunk.limit(count * Float.BYTES);
                sink.accept(chunk);
                i += count;
            }
        }
    }

    private static void writeChunk(FileChannel channel, ByteBuffer chunk) throws IOException {
        AtomicFiles.writeFully(channel, chunk);
    }

    private static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }
}
