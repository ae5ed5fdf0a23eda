package io.github.lager.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * Everything a judge on an executor needs, as plain values the driver ships to the tasks: the
 * model directory (a path every executor sees), the scoring options of {@code lager score}, and
 * the contents of the files the options name (the layer weights, a template file), read once on
 * the driver. Two tasks with equal settings share a judge ({@link #key()}).
 */
final class JudgeSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  String modelDir;
  /** A built-in template's name, or null: a template file's name is in templateName. */
  String template;
  /** The source of a template file (read on the driver), else null. */
  String templateSource;
  String templateName;
  String labels;
  String values;
  int points;
  boolean reasoning;
  boolean pairwise;
  int batchSize = 4;
  int maxNewTokens;
  int maxLength = 2048;
  String anchor;
  String backend;
  String device = "auto";
  String dtype;
  boolean stopAtFirstScore;
  boolean logitLens;
  boolean addSpecialTokens = true;
  /** The layer weights file's contents (read on the driver), else null. */
  String weightsJson;
  String weightsSource;
  boolean reuseWeights;
  boolean failOnError;

  /** What decides a judge: every setting that changes how the model is opened or scored. */
  String key() {
    return String.join("\u0000", modelDir, String.valueOf(template),
        String.valueOf(templateSource), String.valueOf(labels), String.valueOf(values),
        Integer.toString(points), Boolean.toString(reasoning), Boolean.toString(pairwise),
        Integer.toString(batchSize), Integer.toString(maxNewTokens), Integer.toString(maxLength),
        String.valueOf(anchor), String.valueOf(backend), device, String.valueOf(dtype),
        Boolean.toString(stopAtFirstScore), Boolean.toString(logitLens),
        Boolean.toString(addSpecialTokens), String.valueOf(weightsJson),
        Boolean.toString(reuseWeights), Boolean.toString(failOnError));
  }

  boolean hasWeights() {
    return weightsJson != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JudgeSettings s && s.key().equals(key());
  }

  @Override
  public int hashCode() {
    return Objects.hash(key());
  }
}
