package dev.textgen.api.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.textgen.api.EpochResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's training position as the JSON string in {@code __metadata__.training}. Doubles are
 * written in their shortest round-trip form, and non-finite ones (a missing validation loss is NaN)
 * as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, since JSON has no such numbers.
 */
final class TrainingMetadata {
    private TrainingMetadata() {
    }

    /** The position of {@code state}; its tensors (optimizer, best weights) are stored separately. */
    static String toJson(TrainingState state, ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        json.put("epoch", state.epoch());
        json.put("batch", state.batch());
        json.put("seed", state.seed());
        putDouble(json, "learningRate", state.learningRate());
        putDouble(json, "partialLossSum", state.partialLossSum());
        json.put("partialWindows", state.partialWindows());
        ArrayNode history = json.putArray("history");
        for (EpochResult result : state.history()) {
            ObjectNode epoch = history.addObject();
            epoch.put("epoch", result.epoch());
            putDouble(epoch, "trainLoss", result.trainLoss());
            putDouble(epoch, "validationLoss", result.validationLoss());
            putDouble(epoch, "seconds", result.seconds());
            putDouble(epoch, "learningRate", result.learningRate());
        }
        try {
            return mapper.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The training state from {@code json} and the tensors read beside it.
     *
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    static TrainingState fromJson(String json, ObjectMapper mapper, Map<String, float[]> optimizerState,
                                  ModelWeights bestWeights) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("is not a JSON object");
        }
        List<EpochResult> history = new ArrayList<>();
        JsonNode epochs = root.get("history");
        if (epochs == null || !epochs.isArray()) {
            throw new IllegalArgumentException("field \"history\" is missing or not an array");
        }
        for (int i = 0; i < epochs.size(); i++) {
            JsonNode e = epochs.get(i);
            String where = "history[" + i + "].";
            if (!e.isObject()) {
                throw new IllegalArgumentException("field \"history[" + i + "]\" is not an object");
            }
            history.add(new EpochResult(integer(e, "epoch", where), number(e, "trainLoss", where),
                    number(e, "validationLoss", where), number(e, "seconds", where), number(e, "learningRate", where)));
        }
        return new TrainingState(optimizerState, integer(root, "epoch", ""), integer(root, "batch", ""),
                longInteger(root, "seed", ""), number(root, "learningRate", ""), number(root, "partialLossSum", ""),
                longInteger(root, "partialWindows", ""), history, bestWeights);
    }

    private static void putDouble(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.put(name, Double.toString(value));
        }
    }

    private static int integer(JsonNode node, String name, String where) {
        JsonNode value = node.get(name);
        if (value == null || !value.isInt()) {
            throw new IllegalArgumentException("field \"" + where + name + "\" is missing or not a 32-bit integer");
        }
        return value.intValue();
    }

    private static long longInteger(JsonNode node, String name, String where) {
        JsonNode value = node.get(name);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("field \"" + where + name + "\" is missing or not a 64-bit integer");
        }
        return value.longValue();
    }

    private static double number(JsonNode node, String name, String where) {
        JsonNode value = node.get(name);
        if (value != null && value.isNumber()) {
            return value.doubleValue();
        }
        if (value != null && value.isTextual()) {
            switch (value.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("field \"" + where + name + "\" is missing or not a number (or \"NaN\", \"Infinity\", \"-Infinity\")");
    }
}
