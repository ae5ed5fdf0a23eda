package io.github.lager.hf.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.lager.core.InvalidInputException;
import io.github.lager.core.TestData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
  @Test
  void readsSelectedRowsOfTheFixtureHead() {
    Path file = TestData.fixture("tiny-qwen2").resolve("model.safetensors");
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      SafetensorsFile.TensorInfo head = st.info("lm_head.weight");
      assertThat(head.shape()).containsExactly(1536, 64);
      float[] all = st.read("lm_head.weight");
      float[] rows = st.readRows("lm_head.weight", 23, 19);
      assertThat(Arrays.copyOfRange(rows, 0, 64)).containsExactly(Arrays.copyOfRange(all, 23 * 64, 24 * 64));
      assertThat(Arrays.copyOfRange(rows, 64, 128)).containsExactly(Arrays.copyOfRange(all, 19 * 64, 20 * 64));
      assertThatThrownBy(() -> st.info("lm_head.bias"))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("no tensor 'lm_head.bias'");
    }
  }

  @Test
  void widensHalfAndBfloat16(@TempDir Path dir) throws Exception {
    // 1.5 = 0x3E00 in fp16 and 0x3FC0 in bf16; -2 = 0xC000 / 0xC000; 65504 = fp16 max 0x7BFF
    Path f = write(dir.resolve("t.safetensors"),
        "{\"h\": {\"dtype\": \"F16\", \"shape\": [3], \"data_offsets\": [0, 6]},"
            + " \"b\": {\"dtype\": \"BF16\", \"shape\": [2], \"data_offsets\": [6, 10]}}",
        new short[] {0x3E00, (short) 0xC000, 0x7BFF, 0x3FC0, (short) 0xC000});
    try (SafetensorsFile st = SafetensorsFile.open(f)) {
      assertThat(st.read("h")).containsExactly(1.5f, -2f, 65504f);
      assertThat(st.read("b")).containsExactly(1.5f, -2f);
    }
    assertThat(SafetensorsFile.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
  }

  @Test
  void truncatedFilesAreNamed(@TempDir Path dir) throws Exception {
    Path f = write(dir.resolve("cut.safetensors"),
        "{\"w\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", new short[2]);
    assertThatThrownBy(() -> SafetensorsFile.open(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cut.safetensors: tensor w lies at bytes [0, 16) beyond the file's 4");
    Path g = dir.resolve("junk.safetensors");
    Files.writeString(g, "not a safetensors file at all");
    assertThatThrownBy(() -> SafetensorsFile.open(g)).hasMessageContaining("not a safetensors file");
  }

  @Test
  void writesWhatItReadsInEveryDtype(@TempDir Path dir) {
    float third = 1f / 3; // 0x3EAAAAAB: bf16 rounds to 0x3EAB (0.333984375), fp16 to 0x3555
    float[] v = {1.5f, -2f, third, 65504f, 1e-8f, 70000f};
    Path f = dir.resolve("w.safetensors");
    SafetensorsWriter.write(f, java.util.List.of(
        SafetensorsWriter.Tensor.of("a", SafetensorsFile.DType.F32, new long[] {2, 3}, v),
        SafetensorsWriter.Tensor.of("b", SafetensorsFile.DType.BF16, new long[] {6}, v),
        SafetensorsWriter.Tensor.of("c", SafetensorsFile.DType.F16, new long[] {3, 2}, v)));
    try (SafetensorsFile st = SafetensorsFile.open(f)) {
      assertThat(st.read("a")).containsExactly(v);
      assertThat(st.info("c").shape()).containsExactly(3, 2);
      // bf16 bits of 1/3, 65504, 1e-8, 70000 rounded to nearest even (numpy: 0x3eab, 0x4780, 0x322c, 0x4789)
      assertThat(st.read("b")).containsExactly(1.5f, -2f, Float.intBitsToFloat(0x3eab0000),
          Float.intBitsToFloat(0x47800000), Float.intBitsToFloat(0x322c0000),
          Float.intBitsToFloat(0x47890000));
      assertThat(st.read("c")).containsExactly(1.5f, -2f, SafetensorsFile.halfToFloat((short) 0x3555),
          65504f, 0f, Float.POSITIVE_INFINITY);
      assertThat(st.mapRows("a", 1, 2).getFloat(0)).isEqualTo(65504f);
    }
    assertThat(SafetensorsWriter.toHalf(0x1p-24f)).isEqualTo((short) 0x0001); // smallest subnormal
    assertThat(SafetensorsWriter.toHalf(-0f)).isEqualTo((short) 0x8000);
  }

  static Path write(Path f, String header, short[] data) throws Exception {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 2 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (short s : data) {
      b.putShort(s);
    }
    Files.write(f, b.array());
    return f;
  }
}
