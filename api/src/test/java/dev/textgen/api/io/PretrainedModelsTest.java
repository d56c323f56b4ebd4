package dev.textgen.api.io;

import dev.textgen.api.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Models found by name on real class paths: a jar built here, and a folder, each in its own class loader. */
class PretrainedModelsTest {
    @TempDir
    Path dir;

    @Test
    void aModelInAJarIsReadByItsName() throws IOException {
        StoredModel model = TestModels.model(2, 3);
        Path file = dir.resolve("tiny.safetensors");
        ModelFile.write(file, model);
        Path jar = dir.resolve("textgen-model-tiny.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, PretrainedModels.DIRECTORY + "tiny.safetensors", Files.readAllBytes(file));
            put(out, PretrainedModels.INDEX, "# models in this artifact\ntiny\n".getBytes(StandardCharsets.UTF_8));
        }
        try (URLClassLoader loader = loader(jar)) {
            assertThat(PretrainedModels.names(loader)).containsExactly("tiny");
            StoredModel read = PretrainedModels.read("tiny", loader);
            assertThat(read.config()).isEqualTo(model.config());
            assertThat(read.vocabulary()).isEqualTo(model.vocabulary());
            TestModels.assertSameWeights(read.weights(), model.weights());
        }
    }

    @Test
    void modelsFromSeveralArtifactsAreListedTogether() throws IOException {
        Path first = folderWith("alpha", "alpha\n");
        Path second = folderWith("beta", "beta\n");
        try (URLClassLoader loader = loader(first, second)) {
            assertThat(PretrainedModels.names(loader)).containsExactly("alpha", "beta");
            assertThat(PretrainedModels.read("beta", loader).config()).isEqualTo(TestModels.model(1, 2).config());
        }
    }

    @Test
    void anUnknownNameListsTheModelsThatAreThere() throws IOException {
        try (URLClassLoader loader = loader(folderWith("alpha", "alpha\n"))) {
            assertThatThrownBy(() -> PretrainedModels.read("shakespeare", loader))
                    .isInstanceOf(ModelFileException.class)
                    .hasMessage(PretrainedModels.DIRECTORY + "shakespeare.safetensors: no pretrained model \"shakespeare\" is"
                            + " on the class path; the pretrained models there are: alpha (the model NAME comes with the"
                            + " artifact dev.textgen:textgen-model-NAME)");
        }
        try (URLClassLoader empty = loader()) {
            assertThat(PretrainedModels.names(empty)).isEmpty();
            assertThatThrownBy(() -> PretrainedModels.read("alpha", empty))
                    .isInstanceOf(ModelFileException.class)
                    .hasMessageContaining("no pretrained model \"alpha\" is on the class path; there is none");
        }
    }

    @Test
    void aCorruptBundledModelIsAModelFileErrorNamingIt() throws IOException {
        Path jar = dir.resolve("broken.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, PretrainedModels.DIRECTORY + "broken.safetensors", new byte[]{1, 2, 3});
        }
        try (URLClassLoader loader = loader(jar)) {
            assertThatThrownBy(() -> PretrainedModels.read("broken", loader))
                    .isInstanceOf(ModelFileException.class)
                    .hasMessageStartingWith(PretrainedModels.DIRECTORY + "broken.safetensors: (jar:")
                    .hasMessageContaining("is 3 bytes long");
        }
    }

    /** A class path folder holding the model {@code name} (1 x LSTM(2)) and the given index. */
    private Path folderWith(String name, String index) throws IOException {
        Path root = dir.resolve(name + "-artifact");
        Path file = root.resolve(PretrainedModels.DIRECTORY + name + PretrainedModels.EXTENSION);
        Files.createDirectories(file.getParent());
        ModelFile.write(file, TestModels.model(1, 2));
        Files.writeString(root.resolve(PretrainedModels.INDEX), index);
        return root;
    }

    private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    /** Only the given jars and folders: the parent is the bootstrap loader, which has no textgen resources. */
    private static URLClassLoader loader(Path... entries) throws IOException {
        URL[] urls = new URL[entries.length];
        for (int i = 0; i < entries.length; i++) {
            urls[i] = entries[i].toUri().toURL();
        }
        return new URLClassLoader(urls, null);
    }
}
