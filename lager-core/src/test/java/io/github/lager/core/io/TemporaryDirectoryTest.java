package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TemporaryDirectoryTest {
  @Test
  void removedWithItsContentsWhenTheBlockEndsNormallyOrByAnException() throws IOException {
    Path[] seen = new Path[1];
    try (TemporaryDirectory t = TemporaryDirectory.create("lager-test")) {
      seen[0] = t.path();
      Files.createDirectories(t.path().resolve("a/b"));
      Files.writeString(t.path().resolve("a/b/c.txt"), "x");
    }
    assertThat(seen[0]).doesNotExist();
    assertThatThrownBy(() -> {
      try (TemporaryDirectory t = TemporaryDirectory.create("lager-test")) {
        seen[0] = t.path();
        Files.writeString(t.path().resolve("f"), "x");
        throw new IllegalStateException("a failure in the block");
      }
    }).hasMessage("a failure in the block");
    assertThat(seen[0]).doesNotExist();
  }

  @Test
  void theShutdownHookRemovesItWhenTheBlockNeverEnds() throws Exception {
    TemporaryDirectory t = TemporaryDirectory.create("lager-test");
    Files.writeString(t.path().resolve("f"), "x");
    // what the JVM runs on SIGINT/SIGTERM: the registered hook
    Runtime.getRuntime().removeShutdownHook(hookOf(t));
    Thread hook = hookOf(t);
    hook.start();
    hook.join();
    assertThat(t.path()).doesNotExist();
    t.close(); // nothing left to do, and no error
  }

  private static Thread hookOf(TemporaryDirectory t) throws Exception {
    var f = TemporaryDirectory.class.getDeclaredField("hook");
    f.setAccessible(true);
    return (Thread) f.get(t);
  }
}
