package io.github.lager.core.math;

/** Row-major flattening of the per-entry matrices (hidden states, logits). */
final class RowMajor {
  private RowMajor() {}

  /** Rows of one length copied into one array; {@code what} names the rows' size in messages. */
  static float[] flatten(float[][] rows, String what) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("need at least 2 entries, got 0");
    }
    for (int l = 1; l < rows.length; l++) {
      if (rows[l].length != rows[0].length) {
        throw new IllegalArgumentException(what + " mismatch: entry " + l + " has "
            + rows[l].length + ", entry 0 has " + rows[0].length);
      }
    }
    int w = rows[0].length;
    float[] out = new float[rows.length * w];
    for (int l = 0; l < rows.length; l++) {
      System.arraycopy(rows[l], 0, out, l * w, w);
    }
    return out;
  }
}
