/**
 * JMH benchmarks: build with {@code mvn -pl lager-bench -am package -DskipTests}, run with
 * {@code java -jar lager-bench/target/benchmarks.jar}; see docs/benchmarks.md.
 */
package io.github.lager.bench;
