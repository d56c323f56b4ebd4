package dev.textgen.api.io;

/** Length checks for weight arrays. */
final class Shapes {
    private Shapes() {
    }

    static void check(String name, float[] values, long expected) {
        if (values == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        if (values.length != expected) {
            throw new IllegalArgumentException(name + " has " + values.length + " values; expected " + expected);
        }
    }
}
