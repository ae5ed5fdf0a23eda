package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunManifestTest {
  @Test
  void roundTripsAndNamesTheFirstDifference() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("data_sha256", "aa");
    f.put("points", "5");
    f.put("batch_size", "4");
    RunManifest m = new RunManifest(f);
    assertThat(m.toJsonLine())
        .isEqualTo("{\"lager_manifest\":{\"data_sha256\":\"aa\",\"points\":\"5\",\"batch_size\":\"4\"}}");
    assertThat(RunManifest.fromJsonLine(m.toJsonLine())).contains(m);
    assertThat(RunManifest.fromJsonLine("{\"idx\": 3}")).isEmpty();
    assertThat(RunManifest.fromJsonLine("{\"idx\": 3, \"pro")).isEmpty();
    assertThat(m.firstDifference(m)).isEmpty();

    f.put("points", "7");
    f.put("batch_size", "2");
    assertThat(new RunManifest(f).firstDifference(m))
        .contains("points: 5 in the earlier run, 7 in this one");
    f.remove("points");
    f.put("points", "5");
    f.put("special_tokens", "true");
    assertThat(new RunManifest(f).firstDifference(m))
        .contains("batch_size: 4 in the earlier run, 2 in this one");
    assertThat(m.firstDifference(new RunManifest(Map.of("data_sha256", "aa", "points", "5"))))
        .contains("batch_size: (absent) in the earlier run, 4 in this one");
  }

  @Test
  void hashesFilesAndParts(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("a.txt"), "abc");
    // sha256("abc"), FIPS 180-2 test vector
    assertThat(Sha256.of(f))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Sha256.ofParts("ab".getBytes(), "c".getBytes()))
        .isNotEqualTo(Sha256.ofParts("a".getBytes(), "bc".getBytes()));
  }
}
