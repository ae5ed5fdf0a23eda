package io.github.lager.core.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;

/**
 * The one place lager writes a JSON or JSON Lines file (weights, calibration maps, reports, the
 * selected input lines): UTF-8 text written through {@link OutputFile}, so the file is written
 * whole or not at all (a temporary file beside it, forced to disk and renamed; the parent folders
 * are created), and a failure is one line naming the file. (The results of a scoring run are
 * written batch by batch by {@link IncrementalResults}.)
 */
public final class JsonFile {
  /** Writes a document to a {@link Writer}. */
  @FunctionalInterface
  public interface Content {
    void writeTo(Writer w) throws IOException;
  }

  private JsonFile() {}

  /**
   * Writes {@code file} from {@code content}; an existing file is replaced, still whole or not at
   * all ({@link OutputFile#replacing}).
   */
  public static void write(Path file, Content content) {
    write(OutputFile.replacing(file), content);
  }

  /** Writes a checked output ({@link OutputFile#checkAll}) from {@code content}. */
  public static void write(OutputFile file, Content content) {
    file.writeText(content::writeTo);
  }

  /**
   * Writes {@code root} pretty-printed with a final newline; a JSON null stays {@code null} (an
   * undefined number is written as null by the caller, never as a bare {@code NaN}).
   */
  public static void write(Path file, JsonElement root) {
    write(OutputFile.replacing(file), root);
  }

  /** Writes {@code root} (as {@link #write(Path, JsonElement)}) to a checked output. */
  public static void write(OutputFile file, JsonElement root) {
    write(file, w -> w.write(pretty(root)));
  }

  private static String pretty(JsonElement root) {
    return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root) + "\n";
  }
}
