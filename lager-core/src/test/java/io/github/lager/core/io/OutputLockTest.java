package io.github.lager.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output lock across processes: a live holder is named, a killed one never blocks. */
class OutputLockTest {
  /** Holds the lock of args[0] until killed. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      OutputLock lock = OutputLock.acquire(Path.of(args[0]), "lager score");
      System.out.println("locked " + lock.file());
      System.out.flush();
      Thread.sleep(120_000);
    }
  }

  @Test
  void anotherProcessIsNamedAndItsLockDiesWithIt(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("results.json");
    Process holder = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Holder.class.getName(), out.toString()))
        .redirectErrorStream(true).start();
    try {
      BufferedReader in = new BufferedReader(new InputStreamReader(holder.getInputStream(),
          StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("locked " + OutputLock.lockFileOf(out));
      assertThatThrownBy(() -> OutputLock.acquire(out, "lager score"))
          .hasMessageStartingWith(out + " is being written by lager score (pid " + holder.pid()
              + " on ")
          .hasMessageContaining("its lock is " + OutputLock.lockFileOf(out));
    } finally {
      holder.destroyForcibly(); // SIGKILL: no cleanup runs, the lock file stays
      holder.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(OutputLock.lockFileOf(out)).exists();
    try (OutputLock mine = OutputLock.acquire(out, "lager score")) {
      assertThat(Files.readString(mine.file()))
          .startsWith("lager score (pid " + ProcessHandle.current().pid() + " on ");
    }
    assertThat(OutputLock.lockFileOf(out)).doesNotExist();
  }
}
