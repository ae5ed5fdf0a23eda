package io.github.lager.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the one hash of lager (run manifests, model fingerprints, provenance of weights and
 * calibration files, templates), always written as lower-case hex. The JDK's {@link MessageDigest}.
 */
public final class Sha256 {
  private Sha256() {}

  /** SHA-256 of a file's bytes, in hex; a read failure names the file. */
  public static String of(Path file) {
    MessageDigest md = digest();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = InputFile.stream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        md.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw FileErrors.reading(file, e);
    }
    return hex(md);
  }

  /** SHA-256 of {@code bytes}, in hex. */
  public static String of(byte[] bytes) {
    MessageDigest md = digest();
    md.update(bytes);
    return hex(md);
  }

  /** SHA-256 of byte arrays in sequence, each preceded by its length (8 bytes), in hex. */
  public static String ofParts(byte[]... parts) {
    MessageDigest md = digest();
    for (byte[] p : parts) {
      md.update(ByteBuffer.allocate(8).putLong(p.length).array());
      md.update(p);
    }
    return hex(md);
  }

  /** A fresh digest, for hashing while writing ({@link java.security.DigestOutputStream}). */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The hex of a digest's result (which resets it). */
  public static String hex(MessageDigest md) {
    return HexFormat.of().formatHex(md.digest());
  }
}
