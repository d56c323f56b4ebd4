/**
 * A user's own sampler, deliberately outside textgen's packages: it sees only the public API and is
 * registered by its own {@code META-INF/services} file, exactly as an application would add one.
 */
package example.usersampler;
