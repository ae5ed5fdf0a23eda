package io.github.lager.hf.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The exponent-bit scan: every position of a block and of the tail, each dtype's extremes. */
class FiniteWeightsTest {
  private static final SafetensorsFile.DType F32 = SafetensorsFile.DType.F32;
  private static final SafetensorsFile.DType F16 = SafetensorsFile.DType.F16;
  private static final SafetensorsFile.DType BF16 = SafetensorsFile.DType.BF16;

  @Test
  void float32NonFiniteAtEveryPositionIsFoundLargestFiniteIsNot() {
    for (int n : new int[] {1, 2, 3, 7, 4099}) {
      for (int at = 0; at < n; at += Math.max(1, n / 97)) {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc01234)}) {
          ByteBuffer b = floats(n, -Float.MAX_VALUE);
          b.putFloat(4 * at, bad);
          assertThat(FiniteWeights.finite(b, F32)).as("n %d at %d: %s", n, at, bad).isFalse();
        }
      }
      assertThat(FiniteWeights.finite(floats(n, Float.MAX_VALUE), F32)).isTrue();
      assertThat(FiniteWeights.finite(floats(n, -0f), F32)).isTrue();
      assertThat(FiniteWeights.finite(floats(n, Float.MIN_VALUE), F32)).isTrue();
    }
  }

  @Test
  void halvesNonFiniteAtEveryPositionIsFoundLargestFiniteIsNot() {
    // float16: exponent 0x7c00, largest finite 0x7bff (65504); bfloat16: 0x7f80 and 0x7f7f
    short[][] cases = {{0x7c00, 0x7bff}, {0x7f80, 0x7f7f}};
    SafetensorsFile.DType[] dtypes = {F16, BF16};
    for (int d = 0; d < 2; d++) {
      short inf = cases[d][0];
      short max = cases[d][1];
      for (int n : new int[] {1, 3, 5, 9, 8197}) {
        for (int at = 0; at < n; at += Math.max(1, n / 89)) {
          for (short bad : new short[] {inf, (short) (inf | 0x8000), (short) (inf | 1),
              (short) (inf | 0x8040)}) {
            ByteBuffer b = shorts(n, (short) (max | 0x8000));
            b.putShort(2 * at, bad);
            assertThat(FiniteWeights.finite(b, dtypes[d])).as("%s n %d at %d", dtypes[d], n, at)
                .isFalse();
          }
        }
        assertThat(FiniteWeights.finite(shorts(n, max), dtypes[d])).isTrue();
        assertThat(FiniteWeights.finite(shorts(n, (short) 0x8001), dtypes[d])).isTrue();
      }
    }
  }

  @Test
  void onlyTheRemainingBytesAreScanned() {
    ByteBuffer b = floats(5, 1f);
    b.putFloat(0, Float.NaN);
    b.position(4);
    assertThat(FiniteWeights.finite(b, F32)).isTrue();
    assertThat(b.position()).isEqualTo(4);
  }

  private static ByteBuffer floats(int n, float value) {
    ByteBuffer b = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat(4 * i, value);
    }
    return b;
  }

  private static ByteBuffer shorts(int n, short value) {
    ByteBuffer b = ByteBuffer.allocateDirect(2 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putShort(2 * i, value);
    }
    return b;
  }
}
