package io.github.lager.core.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place lager writes a JSON or JSON Lines file (weights, calibration maps, reports, the
 * selected input lines): the parent folders are created, the text is UTF-8, and a failure is one
 * line naming the file ({@link FileErrors#writing}). (The results of a scoring run are written
 * batch by batch by {@link IncrementalResults}.)
 */
public final class JsonFile {
  /** Writes a document to a {@link Writer}. */
  @FunctionalInterface
  public interface Content {
    void writeTo(Writer w) throws IOException;
  }

  private JsonFile() {}

  /** Writes {@code file} from {@code content}. */
  public static void write(Path file, Content content) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        content.writeTo(w);
      }
    } catch (IOException e) {
      throw FileErrors.writing(file, e);
    }
  }

  /**
   * Writes {@code root} pretty-printed with a final newline; a JSON null stays {@code null} (an
   * undefined number is written as null by the caller, never as a bare {@code NaN}).
   */
  public static void write(Path file, JsonElement root) {
    write(file, w -> w.write(new GsonBuilder().setPrettyPrinting().serializeNulls().create()
        .toJson(root) + "\n"));
  }
}
