package io.github.lager.hf.model;

/**
 * DJL's offline mode, set before any DJL class loads natives, so that nothing is
 * downloaded at run time (natives come from Maven Central jars) and no telemetry is sent. A user's
 * own {@code ai.djl.offline} / {@code DJL_OFFLINE} setting wins.
 */
public final class DjlOffline {
  private DjlOffline() {}

  /** Turns DJL's offline mode and tracking opt-out on, unless the user set them. */
  public static void ensure() {
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
  }
}
