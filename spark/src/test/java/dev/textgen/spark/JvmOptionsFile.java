package dev.textgen.spark;

import org.apache.spark.launcher.JavaModuleOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the JVM options the Spark on the class path needs on Java 17 ({@code --add-opens ...}) to a
 * java launcher argument file, which the build passes to the test JVMs as {@code @file}.
 */
public final class JvmOptionsFile {
    private JvmOptionsFile() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        Files.createDirectories(file.getParent());
        Files.writeString(file, JavaModuleOptions.defaultModuleOptions().trim().replace(" ", "\n") + "\n");
    }
}
