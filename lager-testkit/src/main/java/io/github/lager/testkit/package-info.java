/** Test support for backends: golden fixtures and the HiddenStateProvider contract test. */
package io.github.lager.testkit;
