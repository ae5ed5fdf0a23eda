package io.github.lager.hf.backend;

import io.github.lager.core.BadOptionException;
import io.github.lager.core.LagerException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and selects backends. The choice, first that applies:
 *
 * <ol>
 *   <li>a name passed by the caller (the CLI's {@code --backend});
 *   <li>the system property {@value #PROPERTY};
 *   <li>the environment variable {@value #ENV};
 *   <li>the available backend of highest {@link HiddenStateProviderFactory#rank() rank}.
 * </ol>
 *
 * An unknown name fails listing the backends on the class path; a known but unusable one fails
 * with its reason.
 */
public final class Backends {
  public static final String PROPERTY = "lager.backend";
  public static final String ENV = "LAGER_BACKEND";
  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

  private Backends() {}

  /** Every factory on the class path, highest rank first. */
  public static List<HiddenStateProviderFactory> all() {
    return all(Thread.currentThread().getContextClassLoader());
  }

  static List<HiddenStateProviderFactory> all(ClassLoader loader) {
    List<HiddenStateProviderFactory> out = new ArrayList<>();
    ServiceLoader.load(HiddenStateProviderFactory.class, loader).forEach(out::add);
    out.sort(Comparator.comparingInt(HiddenStateProviderFactory::rank).reversed()
        .thenComparing(HiddenStateProviderFactory::name));
    return out;
  }

  /** Selects with the caller's name, or the property, environment, or best available. */
  public static HiddenStateProviderFactory select(String requested) {
    return select(requested, System.getProperty(PROPERTY), System.getenv(ENV), all());
  }

  static HiddenStateProviderFactory select(String requested, String property, String env,
      List<HiddenStateProviderFactory> factories) {
    String name = null;
    String from = null;
    if (notBlank(requested)) {
      name = requested;
      from = "requested";
    } else if (notBlank(property)) {
      name = property;
      from = "system property " + PROPERTY;
    } else if (notBlank(env)) {
      name = env;
      from = "environment variable " + ENV;
    }
    if (factories.isEmpty()) {
      throw new LagerException("no lager backend on the class path: add lager-backend-djl or"
          + " lager-backend-onnx as a runtime dependency");
    }
    if (name == null) {
      for (HiddenStateProviderFactory f : factories) {
        if (f.isAvailable()) {
          reportOnce("backend " + f.name() + " (best available of " + names(factories) + ")");
          return f;
        }
      }
      throw new LagerException("no lager backend can run here: " + factories.stream()
          .map(f -> f.name() + " (" + f.unavailableReason() + ")")
          .collect(Collectors.joining(", ")));
    }
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (HiddenStateProviderFactory f : factories) {
      if (f.name().equals(wanted)) {
        if (!f.isAvailable()) {
          throw new LagerException("backend '" + wanted + "' (" + from + ") cannot run here: "
              + f.unavailableReason());
        }
        reportOnce("backend " + f.name() + " (" + from + ")");
        return f;
      }
    }
    String unknown = "unknown backend '" + name + "' (" + from + "); available: "
        + names(factories);
    // named on the command line or in code: a bad option value; from the environment: the setup
    throw "requested".equals(from) ? new BadOptionException("--backend", unknown)
        : new LagerException(unknown);
  }

  /** The choices already reported: a run selects its backend more than once, says it once. */
  private static final java.util.Set<String> REPORTED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private static void reportOnce(String choice) {
    if (REPORTED.add(choice)) {
      LOG.info(choice);
    }
  }

  private static String names(List<HiddenStateProviderFactory> factories) {
    return factories.stream().map(HiddenStateProviderFactory::name)
        .collect(Collectors.joining(", "));
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
