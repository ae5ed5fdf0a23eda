package io.github.lager.core.math;

import java.util.Objects;

/**
 * The part of the LM head that LAGER needs: the K rows {@code W_U[id_k]} of the score tokens
 * (the embedding rows when embeddings are tied), an optional bias, and optionally the weights and
 * epsilon of the model's final RMSNorm (only for the classic logit lens, see
 * {@link Projection.Lens#FINAL_NORM}).
 *
 * <p>Reading K rows instead of the whole {@code vocab x hidden} matrix is the point: the reference
 * computes the full-vocabulary head for every layer and keeps K logits.
 */
public final class ScoreHead {
  private final int points;
  private final int hiddenSize;
  private final float[] rows;
  private final float[] bias;
  private final float[] normWeight;
  private final double normEpsilon;

  private ScoreHead(int points, int hiddenSize, float[] rows, float[] bias, float[] normWeight,
      double normEpsilon) {
    if (points < 2 || hiddenSize < 1) {
      throw new IllegalArgumentException(
          "score head needs >= 2 rows and hidden size >= 1, got " + points + " x " + hiddenSize);
    }
    if (rows.length != points * hiddenSize) {
      throw new IllegalArgumentException(
          "expected " + points + " x " + hiddenSize + " score-head values, got " + rows.length);
    }
    if (bias != null && bias.length != points) {
      throw new IllegalArgumentException(
          "score-head bias has " + bias.length + " values, expected " + points);
    }
    if (normWeight != null && normWeight.length != hiddenSize) {
      throw new IllegalArgumentException("final-norm weight has " + normWeight.length
          + " values, score head has hidden size " + hiddenSize);
    }
    if (normWeight != null && !(normEpsilon > 0)) {
      throw new IllegalArgumentException("final-norm epsilon must be > 0, got " + normEpsilon);
    }
    this.points = points;
    this.hiddenSize = hiddenSize;
    this.rows = rows;
    this.bias = bias;
    this.normWeight = normWeight;
    this.normEpsilon = normEpsilon;
  }

  /** K rows of size {@code hiddenSize}, row-major (copied); no bias, no final norm. */
  public static ScoreHead of(int points, int hiddenSize, float[] rowsRowMajor) {
    return new ScoreHead(points, hiddenSize, rowsRowMajor.clone(), null, null, 0);
  }

  /** The same head with an LM-head bias for the K score tokens (copied). */
  public ScoreHead withBias(float[] scoreBias) {
    Objects.requireNonNull(scoreBias, "scoreBias");
    return new ScoreHead(points, hiddenSize, rows, scoreBias.clone(), normWeight, normEpsilon);
  }

  /** The same head knowing the model's final RMSNorm (weights copied). */
  public ScoreHead withFinalNorm(float[] weight, double epsilon) {
    Objects.requireNonNull(weight, "weight");
    return new ScoreHead(points, hiddenSize, rows, bias, weight.clone(), epsilon);
  }

  public int points() {
    return points;
  }

  public int hiddenSize() {
    return hiddenSize;
  }

  public boolean hasBias() {
    return bias != null;
  }

  public boolean hasFinalNorm() {
    return normWeight != null;
  }

  public double normEpsilon() {
    return normEpsilon;
  }

  /** A copy of row {@code k}. */
  public float[] row(int k) {
    float[] out = new float[hiddenSize];
    System.arraycopy(rows, k * hiddenSize, out, 0, hiddenSize);
    return out;
  }

  float[] rows() {
    return rows;
  }

  float[] bias() {
    return bias;
  }

  float[] normWeight() {
    return normWeight;
  }

  @Override
  public String toString() {
    return "ScoreHead[" + points + " x " + hiddenSize + (hasBias() ? ", bias" : "")
        + (hasFinalNorm() ? ", final norm eps=" + normEpsilon : "") + "]";
  }
}
