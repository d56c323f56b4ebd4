/**
 * Service provider interfaces: backends and samplers register through {@link java.util.ServiceLoader} under
 * the name the config uses, are found by {@link dev.textgen.api.spi.Backends} and
 * {@link dev.textgen.api.spi.Samplers}, and are created lazily so that finding a heavy backend loads nothing.
 */
package dev.textgen.api.spi;
