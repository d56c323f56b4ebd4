package dev.textgen.api.io;

import dev.textgen.api.ModelFileException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Model files shipped as class path resources, each under a name: an artifact such as
 * {@code dev.textgen:textgen-model-nietzsche} holds the model file {@value #DIRECTORY}{@code NAME.safetensors}
 * and lists {@code NAME} on a line of its {@value #INDEX}. The artifacts hold data only, so adding one to
 * the class path is all it takes to make its models available by name.
 */
public final class PretrainedModels {
    /** The class path folder holding the model files. */
    public static final String DIRECTORY = "META-INF/textgen/models/";
    /** The class path resource, one per model artifact, that lists the names of the models it holds. */
    public static final String INDEX = "META-INF/textgen/models.txt";
    /** The file name extension of a model file. */
    public static final String EXTENSION = ".safetensors";

    private PretrainedModels() {
    }

    /**
     * The names of the models on the class path of the thread's context class loader.
     *
     * @return the model names in alphabetical order; empty when none is on the class path
     */
    public static SortedSet<String> names() {
        return names(classLoader());
    }

    /**
     * The names of the models that {@code loader}'s resources list.
     *
     * @param loader the class loader whose resources are searched
     * @return the model names in alphabetical order
     */
    public static SortedSet<String> names(ClassLoader loader) {
        SortedSet<String> names = new TreeSet<>();
        try {
            Enumeration<URL> indexes = loader.getResources(INDEX);
            for (URL index : Collections.list(indexes)) {
                try (InputStream in = index.openStream()) {
                    new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                            .map(String::strip)
                            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                            .forEach(names::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pretrained model lists " + INDEX + " on the class path", e);
        }
        return Collections.unmodifiableSortedSet(names);
    }

    /**
     * Reads and validates the model {@code name} from the class path of the thread's context class loader.
     *
     * @param name a model name, one of {@link #names()}
     * @return the validated model
     * @throws ModelFileException when no model of that name is there (the message lists the ones that are),
     *                            or its file is invalid
     */
    public static StoredModel read(String name) {
        return read(name, classLoader());
    }

    /**
     * Like {@link #read(String)}, from {@code loader}'s resources.
     *
     * @param name a model name, one of {@link #names(ClassLoader)}
     * @param loader the class loader whose resources are searched
     * @return the validated model
     */
    public static StoredModel read(String name, ClassLoader loader) {
        Objects.requireNonNull(name, "name");
        String resource = DIRECTORY + name + EXTENSION;
        URL url = loader.getResource(resource);
        if (url == null) {
            SortedSet<String> available = names(loader);
            throw new ModelFileException(Path.of(resource), "no pretrained model \"" + name + "\" is on the class path; "
                    + (available.isEmpty() ? "there is none" : "the pretrained models there are: " + String.join(", ", available))
                    + " (the model NAME comes with the artifact dev.textgen:textgen-model-NAME)");
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return ModelFile.read(Path.of(url.toURI()));
            } catch (URISyntaxException e) {
                throw new ModelFileException(Path.of(resource), "has an invalid class path URL " + url, e);
            }
        }
        return readFromJar(name, url);
    }

    /** The reader needs random access, which a resource inside a jar does not give, so it reads a private copy. */
    private static StoredModel readFromJar(String name, URL url) {
        Path copy = null;
        try {
            copy = Files.createTempFile("textgen-" + name + "-", EXTENSION);
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return ModelFile.read(copy);
        } catch (ModelFileException e) {
            throw new ModelFileException(Path.of(DIRECTORY + name + EXTENSION), "(" + url + ") is invalid: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelFileException(Path.of(DIRECTORY + name + EXTENSION), "cannot read it from " + url + ": " + e, e);
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    copy.toFile().deleteOnExit();
                }
            }
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : PretrainedModels.class.getClassLoader();
    }
}
