/**
 * Test support shipped in the api test-jar for every module's tests: a tiny fixed corpus and configs sized for it
 * ({@link dev.textgen.api.testing.TinyCorpus}), a deterministic pure-Java test-double backend registered as
 * "test-double" (with fault injection for divergence tests), a test sampler, and the abstract
 * {@link dev.textgen.api.testing.BackendContractTest} that every backend's tests extend.
 */
package dev.textgen.api.testing;
