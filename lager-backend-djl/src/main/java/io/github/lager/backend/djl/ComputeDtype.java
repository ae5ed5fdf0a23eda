package io.github.lager.backend.djl;

import io.github.lager.core.LagerException;
import io.github.lager.hf.backend.ProviderOptions;

/**
 * The dtype the decoder computes in: float32 (the CPU default), bfloat16 (the GPU default, as the
 * reference and transformers run) or float16. Half-precision weights and activations exist only
 * inside the TorchScript decoder; DJL only ever sees float32, float16 and int64 arrays (its
 * PyTorch JNI has no bfloat16 and aborts the JVM when asked for it).
 */
enum ComputeDtype {
  FLOAT32("float32", 6),
  FLOAT16("float16", 5),
  BFLOAT16("bfloat16", 15);

  private final String label;
  private final int scalarType;

  ComputeDtype(String label, int scalarType) {
    this.label = label;
    this.scalarType = scalarType;
  }

  /** The name users write ({@code --dtype}). */
  String label() {
    return label;
  }

  /** libtorch's {@code ScalarType} code, as TorchScript takes dtypes. */
  int scalarType() {
    return scalarType;
  }

  /** The default: float32 on the CPU, bfloat16 on a GPU. */
  static ComputeDtype defaultFor(boolean gpu) {
    return gpu ? BFLOAT16 : FLOAT32;
  }

  /**
   * Parses a dtype name as {@link ProviderOptions#fullDtypeName} reads it (any case, short
   * forms).
   */
  static ComputeDtype parse(String s) {
    return switch (ProviderOptions.fullDtypeName(s).orElse("")) {
      case "float32" -> FLOAT32;
      case "float16" -> FLOAT16;
      case "bfloat16" -> BFLOAT16;
      default -> throw new LagerException("dtype '" + s + "' is not available on the DJL backend:"
          + " use float32, float16 or bfloat16");
    };
  }

  @Override
  public String toString() {
    return label;
  }
}
