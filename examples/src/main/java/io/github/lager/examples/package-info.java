/** Small runnable programs using the lager API; ExamplesTest runs each one. */
package io.github.lager.examples;
