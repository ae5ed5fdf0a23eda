package io.github.lager.core.calibration;

import java.util.Locale;

/** How a {@link CalibrationMap} is fitted. */
public enum CalibrationMethod {
  /**
   * Least squares {@code human ~ intercept + slope * score} with {@code slope >= 0}:
   * {@code sklearn.linear_model.LinearRegression(positive=True)}.
   */
  LINEAR,
  /**
   * The non-decreasing step function closest to the human scores in squared error (pool
   * adjacent violators), interpolated linearly between the training scores and clipped outside
   * them: {@code sklearn.isotonic.IsotonicRegression(out_of_bounds='clip')}.
   */
  ISOTONIC;

  /** The name in files and on the command line: {@code linear}, {@code isotonic}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The method named {@code key} (any case). */
  public static CalibrationMethod byKey(String key) {
    for (CalibrationMethod m : values()) {
      if (m.key().equalsIgnoreCase(key)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown calibration method '" + key
        + "'; expected linear or isotonic");
  }
}
