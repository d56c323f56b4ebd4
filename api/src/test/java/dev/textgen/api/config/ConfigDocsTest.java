package dev.textgen.api.config;

import dev.textgen.api.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** docs/configuration.md cannot drift from the records or from the real error messages. */
class ConfigDocsTest {

    private static String doc() throws IOException {
        return Files.readString(ProjectFiles.resolve("docs/configuration.md"));
    }

    @Test
    void everyFieldOfEveryRecordIsDocumented() throws IOException {
        Set<String> fields = new LinkedHashSet<>();
        collectFields(TextgenConfig.class, fields);

        assertThat(fields).contains("hiddenSize", "learningRate", "beta2", "restoreBest", "minLearningRate", "stop");
        String doc = doc();
        assertThat(fields).allSatisfy(field -> assertThat(doc.contains("| `" + field + "` |") || doc.contains("## `" + field + "`"))
                .as("docs/configuration.md has a table row or a section for `%s`", field).isTrue());
    }

    private static void collectFields(Class<?> type, Set<String> fields) {
        if (type.isSealed()) {
            for (Class<?> subtype : type.getPermittedSubclasses()) {
                collectFields(subtype, fields);
            }
        }
        if (!type.isRecord() || type == SamplerConfig.class || type == SparkConfig.LearningRateScale.class) {
            return; // a sampler's fields are its provider's parameters, documented with the samplers; a scale is a JSON scalar
        }
        for (RecordComponent component : type.getRecordComponents()) {
            fields.add(component.getName());
            collectFields(component.getType(), fields);
            Type generic = component.getGenericType();
            if (generic instanceof ParameterizedType parameterized
                    && parameterized.getActualTypeArguments()[0] instanceof Class<?> element) {
                collectFields(element, fields);
            }
        }
    }

    /** Each example in the doc's error section is what a real edit of examples/nietzsche.json gives. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"hiddenSize\": 128 | \"hiddenSzie\": 128",
            "\"learningRate\": 0.01 | \"learningRate\": -1",
            "\"type\": \"rmsprop\" | \"type\": \"rmsprpo\"",
            "\"type\": \"temperature\" | \"type\": \"top-q\"",
            "\"unknownChars\": \"error\" | \"unknownChars\": \"skp\""})
    void documentedErrorsAreTheRealMessages(String original, String misspelt) throws IOException {
        String example = Files.readString(ProjectFiles.resolve("examples/nietzsche.json"));
        assertThat(example).contains(original);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(
                example.replace(original, misspelt), "nietzsche.json", TestSamplerProvider.samplers()));

        assertThat(doc()).contains(e.getMessage());
    }
}
