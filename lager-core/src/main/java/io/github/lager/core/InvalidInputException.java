package io.github.lager.core;

/**
 * Input data that cannot be used as it is: a malformed JSON line, a sample with NaN logits, a
 * weights file for another model. The message names the file and the line, sample or field.
 */
public class InvalidInputException extends LagerException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
