/**
 * The textgen API: what an application calls (vocabularies, models, sessions, training, samplers, the
 * {@code TextGenerator} facade, the JSON config and the model file) and the service provider interfaces that
 * backends and samplers implement. Backends and samplers are found with {@link java.util.ServiceLoader}.
 * {@code dev.textgen.api.internal} holds helpers of this module's own packages and is not exported; a sibling
 * module that needs one gets a qualified export ({@code exports ... to}).
 */
module dev.textgen.api {
    // Jackson types are part of the API: ConfigLoader takes JSON overrides as a JsonNode.
    requires transitive com.fasterxml.jackson.databind;

    exports dev.textgen.api;
    exports dev.textgen.api.config;
    exports dev.textgen.api.data;
    exports dev.textgen.api.io;
    exports dev.textgen.api.spi;
    exports dev.textgen.api.training;
    // The scratch backend's SIMD kernels draw dropout masks lane by lane with SplitMix64's constants.
    exports dev.textgen.api.internal to dev.textgen.scratch;

    // Jackson binds the config records, with their non-public serializers, by reflection.
    opens dev.textgen.api.config to com.fasterxml.jackson.databind;

    uses dev.textgen.api.spi.BackendProvider;
    uses dev.textgen.api.spi.SamplerProvider;
}
