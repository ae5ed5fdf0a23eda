package io.github.lager.core;

import java.util.Objects;

/**
 * An option value that cannot be used: a number out of its range, an unknown name, a combination
 * that cannot work ({@code --compare} without {@code --bootstrap}). The message starts with the
 * option as the user wrote it; the command line exits with its usage status (2), as for a value of
 * the wrong type.
 */
public class BadOptionException extends LagerException {
  private static final long serialVersionUID = 1L;

  private final String option;

  /**
   * @param option the option, e.g. {@code --bootstrap}
   * @param message the whole message, naming the option, the value and what is expected
   */
  public BadOptionException(String option, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.option = Objects.requireNonNull(option, "option");
  }

  /** The option whose value cannot be used. */
  public String option() {
    return option;
  }
}
