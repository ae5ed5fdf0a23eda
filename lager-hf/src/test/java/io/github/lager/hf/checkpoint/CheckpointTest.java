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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sharded checkpoints: the fixture's tensors split over two files and an index. */
class CheckpointTest {
  @Test
  void shardedCheckpointReadsLikeTheSingleFile(@TempDir Path dir) throws Exception {
    Path fixture = TestData.fixture("tiny-qwen2");
    try (Checkpoint single = Checkpoint.open(fixture)) {
      List<String> names = new ArrayList<>(single.tensorNames());
      List<String> first = names.subList(0, names.size() / 2);
      List<String> second = names.subList(names.size() / 2, names.size());
      writeShard(single, first, dir.resolve("model-00001-of-00002.safetensors"));
      writeShard(single, second, dir.resolve("model-00002-of-00002.safetensors"));
      StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
      for (int i = 0; i < names.size(); i++) {
        index.append(i == 0 ? "" : ", ").append('"').append(names.get(i)).append("\": \"model-0000")
            .append(i < first.size() ? 1 : 2).append("-of-00002.safetensors\"");
      }
      Files.writeString(dir.resolve(Checkpoint.INDEX), index.append("}}").toString());
      try (Checkpoint sharded = Checkpoint.open(dir)) {
        assertThat(sharded.tensorNames()).containsExactlyInAnyOrderElementsOf(names);
        for (String n : names) {
          assertThat(sharded.read(n)).as(n).containsExactly(single.read(n));
        }
        assertThat(sharded.readRows("lm_head.weight", 19, 23))
            .containsExactly(single.readRows("lm_head.weight", 19, 23));
      }
      Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
      assertThatThrownBy(() -> Checkpoint.open(dir))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("lists shard model-00002-of-00002.safetensors, which is missing");
    }
  }

  @Test
  void aDirectoryWithoutWeightsIsNamed(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{}");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessageContaining("has no model.safetensors and no model.safetensors.index.json (found: config.json)");
  }

  /** Writes float32 tensors as one safetensors file. */
  static void writeShard(Checkpoint from, List<String> names, Path file) throws Exception {
    StringBuilder header = new StringBuilder("{");
    long offset = 0;
    List<float[]> data = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      float[] v = from.read(names.get(i));
      data.add(v);
      long[] shape = from.info(names.get(i)).shape();
      StringBuilder dims = new StringBuilder();
      for (int d = 0; d < shape.length; d++) {
        dims.append(d == 0 ? "" : ", ").append(shape[d]);
      }
      header.append(i == 0 ? "" : ", ").append('"').append(names.get(i))
          .append("\": {\"dtype\": \"F32\", \"shape\": [").append(dims).append("], \"data_offsets\": [")
          .append(offset).append(", ").append(offset + 4L * v.length).append("]}");
      offset += 4L * v.length;
    }
    byte[] h = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(8 + h.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (float[] v : data) {
      for (float x : v) {
        b.putFloat(x);
      }
    }
    Files.write(file, b.array());
  }
}
