package dev.textgen.api.io;

import java.nio.file.Path;

/**
 * Reads and writes the textgen model file: safetensors (8-byte little-endian header length, a JSON
 * header, raw little-endian float32 tensors) with the format name and version, the config and the
 * vocabulary in the header's {@code __metadata__}. Tensors use the Keras names and layout, see
 * {@link ModelWeights}. A checkpoint adds the optimizer state and the training position.
 */
public final class ModelFile {
    private ModelFile() {
    }

    /** Writes {@code model} to {@code file} through a temporary file and an atomic move. */
    public static void write(Path file, StoredModel model) {
        throw new UnsupportedOperationException("implemented by the model-file change");
    }

    /** Reads and validates {@code file}; every fault is a {@link dev.textgen.api.ModelFileException} naming it. */
    public static StoredModel read(Path file) {
        throw new UnsupportedOperationException("implemented by the model-file change");
    }
}
