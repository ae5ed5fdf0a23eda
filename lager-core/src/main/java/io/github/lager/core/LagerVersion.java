package io.github.lager.core;

/**
 * The library's version, as the jar manifest of lager-core states it ({@code dev} when run from
 * classes): what run manifests, weights and calibration files record as {@code lager_version}.
 * Every lager jar of a build carries the same version, so this is the version of the whole.
 */
public final class LagerVersion {
  private LagerVersion() {}

  /** The version, e.g. {@code 0.1.0}; {@code dev} outside a jar. */
  public static String current() {
    String v = LagerVersion.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }
}
