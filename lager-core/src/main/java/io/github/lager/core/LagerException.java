package io.github.lager.core;

/**
 * The one unchecked exception type of lager. Load failures, bad input and misconfiguration are
 * wrapped once, with their cause, and the message says what was expected and what was found.
 */
public class LagerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LagerException(String message) {
    super(message);
  }

  public LagerException(String message, Throwable cause) {
    super(message, cause);
  }
}
