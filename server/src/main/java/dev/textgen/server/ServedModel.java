package dev.textgen.server;

import dev.textgen.api.TextGenerator;

/** A model the server answers for under {@code name}: its generator (the library's) and its batch engine. */
record ServedModel(String name, TextGenerator generator, BatchEngine engine, long created) {
}
