/**
 * An application on the module path that uses textgen as its README shows: it requires the sdk and names no
 * backend and no sampler.
 */
module textgen.example {
    requires dev.textgen.sdk;
}
